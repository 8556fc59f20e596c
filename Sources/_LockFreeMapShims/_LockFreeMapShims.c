// Out-of-line parts of the shim: the thread numbering behind _lfm_thread_number().
#include "_LockFreeMapShims.h"

_Thread_local uint32_t _lfm_thread_number_cache = 0;
static _Atomic(uint32_t) next_thread_number = 1;

uint32_t _lfm_thread_number_slow(void) {
  // Relaxed: the number only has to be unique-ish (it picks a reader slot;
  // two threads sharing a slot is correct, only slower); nothing is published.
  uint32_t n = atomic_fetch_add_explicit(&next_thread_number, 1, memory_order_relaxed);
  if (n == 0) n = atomic_fetch_add_explicit(&next_thread_number, 1, memory_order_relaxed);
  _lfm_thread_number_cache = n;
  return n;
}
