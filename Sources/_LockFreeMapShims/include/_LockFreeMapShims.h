//===--- _LockFreeMapShims.h - C11 atomics for LockFreeMap -----------------===//
//
// Why this file exists: the map keeps its stripes, tables, overflow pools and
// thread records in memory it maps itself (`mmap`, _PageMemory.swift), as plain
// 64-bit words at computed addresses, and its process-wide words in this shim's
// static storage (`_lfm_global_words`: a Swift global would be initialized
// lazily behind a one-time lock). Swift's `Atomic` (Synchronization) is a
// non-copyable type that owns its storage; it is not a view of a word at an
// address, and it cannot express the map's mixed-size accesses (each half of a
// 16-byte pair, a slot's control and value words and the free stack's top and
// tag, read by 64-bit loads and written by the 16-byte CAS of the pair). Swift
// cannot import C's `_Atomic` types or <stdatomic.h> either. So every atomic
// access of the map goes through one of the tiny functions below, called only
// from Sources/LockFreeMap/Internal/_Atomics.swift. (Three more files of the
// library import this module for what is not an atomic access: the process-wide
// words' address (_GlobalWords.swift), the membarrier calls
// (Platform/_PlatformMembarrier.swift) and whether the C object was built with
// ThreadSanitizer (_EpochDomain.swift).) Each atomic function takes a
// plain pointer to a naturally aligned word that is only ever accessed through
// these functions, views it as an `_Atomic` object, and is `static inline` +
// `always_inline`, so that in a release build it becomes the instruction listed
// below inside the Swift caller. Only what the map uses is here.
//
// Naming: _lfm_<operation>_<ordering>[_<failure ordering>]_<type>. The memory
// order is part of the name, never a run-time argument:
//   relaxed = memory_order_relaxed   acquire = memory_order_acquire
//   release = memory_order_release   acqrel  = memory_order_acq_rel
//   seqcst  = memory_order_seq_cst
// A compare-and-swap names its success order, then its failure order. Nothing
// about the map's algorithm lives here: docs/DESIGN.md, section 6 ("Memory
// orders"), says why each call site uses the order it uses.
//
// Types:
//   u64   a 64-bit word (UInt64 in Swift): a slot's control word or value, a
//         bucket's link, a table word (address | log2), a counter, the epoch,
//         a thread record's words, an address stored as an integer.
//   pair  a 16-byte, 16-byte-aligned pair of u64 words (`_lfm_pair`). A slot
//         is a (control, value) pair, and every change to a slot (insert,
//         update, removal, freeze by a migration) is one 16-byte CAS of both
//         words; the free-bucket stack's (top, tag) is a pair too. The map
//         also reads either word of a pair alone with a 64-bit load: see
//         `_lfm_cas_pair_seqcst` and docs/DESIGN.md, "Mixed-size atomics".
//
// What each becomes (clang -O2, read from the disassembly of
// Tests/ShimStress/shim_calls.c; .ci/shim-arm64.sh checks the pair CAS):
//                      x86-64            arm64 with LSE        arm64 armv8.0
//                                        (armv8.1-a, Apple)    (-mno-outline-atomics)
//   load  relaxed      mov               ldr                   ldr
//   load  acquire      mov               ldar (Apple: ldapr)   ldar
//   load  seqcst       mov               ldar                  ldar
//   store relaxed      mov               str                   str
//   store release      mov               stlr                  stlr
//   store seqcst       xchg              stlr                  stlr
//   exchange acqrel    xchg              swpal                 ldaxr/stlxr loop
//   cas (u64, both)    lock cmpxchg      casal                 ldaxr/stlxr loop
//   fetch_add relaxed  lock xadd         ldadd                 ldxr/stxr loop
//   fetch_add seqcst   lock xadd         ldaddal               ldaxr/stlxr loop
//   cas pair seqcst    lock cmpxchg16b   caspal                ldaxp/stlxp loop
// clang's default for aarch64 Linux is -moutline-atomics: loads and stores stay
// inline, and each read-modify-write becomes a call to a lock-free helper of
// compiler-rt/libgcc (__aarch64_swp8_acq_rel, __aarch64_cas8_acq_rel,
// __aarch64_ldadd8_relax, __aarch64_ldadd8_acq_rel, __aarch64_cas16_acq_rel),
// which runs the LSE instruction where the CPU has it and the exclusive loop
// elsewhere. Never a libatomic call.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKFREEMAP_SHIMS_H
#define LOCKFREEMAP_SHIMS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define LFM_INLINE static inline __attribute__((always_inline))

// The 16-byte compare-and-swap needs `cmpxchg16b` on x86-64. Enabling it for
// these functions only (rather than with a compiler flag) keeps the package
// free of unsafe build flags; every x86-64 CPU that runs Swift has it.
#if defined(__x86_64__)
#define LFM_PAIR_TARGET __attribute__((target("cx16")))
#else
#define LFM_PAIR_TARGET
#endif

_Static_assert(sizeof(void *) == 8, "LockFreeMap needs a 64-bit platform");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

// MARK: - 64-bit words

#define LFM_A64(p) ((_Atomic(uint64_t) *)(p))

/// Atomic load, memory_order_relaxed.
LFM_INLINE uint64_t _lfm_load_relaxed_u64(const uint64_t *p) {
  return atomic_load_explicit(LFM_A64(p), memory_order_relaxed);
}
/// Atomic load, memory_order_acquire.
LFM_INLINE uint64_t _lfm_load_acquire_u64(const uint64_t *p) {
  return atomic_load_explicit(LFM_A64(p), memory_order_acquire);
}
/// Atomic load, memory_order_seq_cst.
LFM_INLINE uint64_t _lfm_load_seqcst_u64(const uint64_t *p) {
  return atomic_load_explicit(LFM_A64(p), memory_order_seq_cst);
}
/// Atomic store, memory_order_relaxed.
LFM_INLINE void _lfm_store_relaxed_u64(uint64_t *p, uint64_t v) {
  atomic_store_explicit(LFM_A64(p), v, memory_order_relaxed);
}
/// Atomic store, memory_order_seq_cst.
LFM_INLINE void _lfm_store_seqcst_u64(uint64_t *p, uint64_t v) {
  atomic_store_explicit(LFM_A64(p), v, memory_order_seq_cst);
}
/// Atomic store, memory_order_release.
LFM_INLINE void _lfm_store_release_u64(uint64_t *p, uint64_t v) {
  atomic_store_explicit(LFM_A64(p), v, memory_order_release);
}
/// Atomic exchange, memory_order_acq_rel. Returns the previous value.
LFM_INLINE uint64_t _lfm_exchange_acqrel_u64(uint64_t *p, uint64_t v) {
  return atomic_exchange_explicit(LFM_A64(p), v, memory_order_acq_rel);
}
/// Strong compare-and-swap: if *p == *expected, *p = desired (success order
/// seq_cst) and returns true; else *expected = *p (failure order acquire) and
/// returns false. Never fails spuriously.
LFM_INLINE bool _lfm_cas_strong_seqcst_acquire_u64(uint64_t *p, uint64_t *expected, uint64_t desired) {
  return atomic_compare_exchange_strong_explicit(LFM_A64(p), expected, desired,
                                                 memory_order_seq_cst, memory_order_acquire);
}
/// Strong compare-and-swap with memory_order_acq_rel on success and
/// memory_order_acquire on failure; otherwise as above.
LFM_INLINE bool _lfm_cas_strong_acqrel_acquire_u64(uint64_t *p, uint64_t *expected, uint64_t desired) {
  return atomic_compare_exchange_strong_explicit(LFM_A64(p), expected, desired,
                                                 memory_order_acq_rel, memory_order_acquire);
}
/// Atomic fetch-and-add (wrapping), memory_order_relaxed. Returns the old value.
LFM_INLINE uint64_t _lfm_fetch_add_relaxed_u64(uint64_t *p, uint64_t delta) {
  return atomic_fetch_add_explicit(LFM_A64(p), delta, memory_order_relaxed);
}
/// Atomic fetch-and-add (wrapping), memory_order_seq_cst. Returns the old value.
LFM_INLINE uint64_t _lfm_fetch_add_seqcst_u64(uint64_t *p, uint64_t delta) {
  return atomic_fetch_add_explicit(LFM_A64(p), delta, memory_order_seq_cst);
}

// MARK: - 16-byte pairs

/// Two adjacent 64-bit words; `first` is at the lower address.
typedef struct {
  uint64_t first;
  uint64_t second;
} _lfm_pair;

/// 16-byte compare-and-swap on the 16-byte-aligned pair at `p`, seq_cst on
/// success and on failure. Returns the pair that was in memory just before:
/// the swap happened iff the result equals `expected`. Never fails
/// spuriously. (`lock cmpxchg16b` on x86-64; `casp` or `ldaxp`/`stlxp` on
/// arm64.) A 64-bit atomic access to either half is atomic with respect to
/// this operation on both architectures; the map relies on that for both
/// words (see docs/DESIGN.md, "Mixed-size atomics").
LFM_INLINE LFM_PAIR_TARGET _lfm_pair _lfm_cas_pair_seqcst(uint64_t *p, _lfm_pair expected, _lfm_pair desired) {
  unsigned __int128 e = ((unsigned __int128)expected.second << 64) | expected.first;
  unsigned __int128 d = ((unsigned __int128)desired.second << 64) | desired.first;
#if defined(__x86_64__)
  // The value form: no local whose address escapes, so the Swift caller it is inlined
  // into keeps everything in registers (the pointer form left a stack slot and a stack
  // protector check in every write). Same instruction (`lock cmpxchg16b`, a full barrier).
  e = __sync_val_compare_and_swap((unsigned __int128 *)p, e, d);
#else
  __atomic_compare_exchange_n((unsigned __int128 *)p, &e, d, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
#endif
  _lfm_pair seen = {(uint64_t)e, (uint64_t)(e >> 64)};
  return seen;
}

// MARK: - Hints, compiler barrier, thread-local storage, membarrier

/// A CPU spin-wait hint (`pause` / `yield`). Never a wait for another thread:
/// it only makes a retry loop kinder to the sibling hyper-thread.
LFM_INLINE void _lfm_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/// A software prefetch of the cache line at `p` for reading, into every cache
/// level (`prefetcht0` on x86-64, `prfm pldl1keep` on arm64). Not a memory
/// access in the C11 sense: it reads nothing the program sees, orders nothing,
/// and never faults, even on an address that is not mapped. The batch calls
/// (LockFreeInt64Map+Batch.swift) issue one per key for its head bucket, so
/// that the misses of a group of keys overlap instead of following each other.
LFM_INLINE void _lfm_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

/// The same, for a line about to be written (`prefetchw` where the CPU has it, else
/// `prefetcht0`; `prfm pstl1keep` on arm64): a migration prefetches the successor
/// buckets its chunk will copy into.
LFM_INLINE void _lfm_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// A compiler-only barrier (atomic_signal_fence(memory_order_seq_cst)): the
/// compiler may not move memory accesses across it; the CPU may. Used where a
/// process-wide barrier (`_lfm_membarrier`) supplies the CPU ordering.
LFM_INLINE void _lfm_compiler_barrier(void) { atomic_signal_fence(memory_order_seq_cst); }

/// Whether the shim's C file was compiled with ThreadSanitizer (the package is
/// being built with `--sanitize=thread`). TSan does not model `membarrier`, so the
/// map then uses ordinary seq_cst atomics instead. (Out of line on purpose: a header
/// function is compiled by Swift's Clang importer, which does not see the flag.)
bool _lfm_built_with_tsan(void);

/// Registers the process for expedited private membarrier (Linux >= 4.14).
/// Returns true on success; false where unsupported (other systems, old kernels,
/// seccomp filters). Idempotent.
bool _lfm_membarrier_register(void);

/// Issues membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): on success, every other
/// running thread of the process has executed a full memory barrier at some point
/// during the call. Returns 0 on success, else the errno the kernel gave (ENOMEM,
/// EPERM, ...), or ENOSYS where the call does not exist: then nothing was ordered.
/// Only meaningful after `_lfm_membarrier_register()` returned true.
int _lfm_membarrier(void);

/// Process-wide words of the map's reclamation and memory (an epoch, a registry
/// head, ...), 64-byte aligned, zero at start, only ever accessed through the
/// atomics above. Word 0 is alone on its cache line; words 8... hold rarely written
/// state. Swift names each word in `_GlobalWords.swift`.
#define LFM_GLOBAL_WORD_COUNT 32
extern uint64_t _lfm_global_words_storage[LFM_GLOBAL_WORD_COUNT];
/// Inline, so that a map operation reaches these words with one address computation
/// rather than a call into the C object (every pin reads the mode and the epoch).
LFM_INLINE uint64_t *_lfm_global_words(void) { return _lfm_global_words_storage; }

/// A per-thread xorshift64 step (state seeded from the thread's address on first
/// use). Only for the test-only race-widening mode: not a source of randomness.
extern _Thread_local uint64_t _lfm_thread_noise;
LFM_INLINE uint64_t _lfm_thread_noise_next(void) {
  uint64_t x = _lfm_thread_noise;
  if (x == 0) x = (uint64_t)(uintptr_t)&_lfm_thread_noise | 1;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  _lfm_thread_noise = x;
  return x;
}

/// The calling thread's reclamation record (0 until set). Thread-local.
extern _Thread_local uint64_t _lfm_thread_record;
LFM_INLINE uint64_t _lfm_thread_record_get(void) { return _lfm_thread_record; }
LFM_INLINE void _lfm_thread_record_set(uint64_t record) { _lfm_thread_record = record; }

#endif  // LOCKFREEMAP_SHIMS_H
