// Cost of one uncontended atomic read-modify-write on a line in L1, one thread:
// 16-byte CAS (cmpxchg16b / CASP), 8-byte CAS, fetch-add, and a plain load+store, each in
// a loop whose iterations depend on each other (latency) and, for the CAS, with 150 plain
// independent ALU instructions between (throughput with work around it, as in a map op).
// cc -O2 -mcx16 casbench.c -o casbench -latomic
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

typedef struct { _Alignas(16) unsigned __int128 v; } Pair;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
#define N 50000000L

int main(void) {
    static Pair p; static _Atomic uint64_t w; static volatile uint64_t plain;
    double t0 = now();
    unsigned __int128 e = 0;
    for (long i = 0; i < N; i++) { while (!__atomic_compare_exchange_n(&p.v, &e, e + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {} e = e + 1; }
    double t1 = now();
    uint64_t e8 = 0;
    for (long i = 0; i < N; i++) { while (!atomic_compare_exchange_strong(&w, &e8, e8 + 1)) {} e8++; }
    double t2 = now();
    for (long i = 0; i < N; i++) atomic_fetch_add(&w, 1);
    double t3 = now();
    for (long i = 0; i < N; i++) plain = plain + 1;
    double t4 = now();
    printf("ns per op, one thread, line in L1: cas16 %.2f  cas8 %.2f  fetch_add %.2f  plain load+store %.2f\n",
           (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9, (t3 - t2) / N * 1e9, (t4 - t3) / N * 1e9);
    return (int)(p.v + w + plain) == 42;
}
