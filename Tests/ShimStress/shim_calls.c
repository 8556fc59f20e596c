// shim_calls: one out-of-line wrapper per inline function of _LockFreeMapShims.h (the
// out-of-line ones are compiled in _LockFreeMapShims.c), so that a
// compiler must emit code for every one of them. .ci/shim-arm64.sh compiles this file for
// aarch64 Linux and arm64 macOS and reads the disassembly of the wrappers, in particular
// probe_cas_pair (the 16-byte compare-and-swap), with objdump. Not a SwiftPM target.
#include "_LockFreeMapShims.h"

uint64_t probe_load_relaxed_u64(const uint64_t *p) { return _lfm_load_relaxed_u64(p); }
uint64_t probe_load_acquire_u64(const uint64_t *p) { return _lfm_load_acquire_u64(p); }
uint64_t probe_load_seqcst_u64(const uint64_t *p) { return _lfm_load_seqcst_u64(p); }
void probe_store_relaxed_u64(uint64_t *p, uint64_t v) { _lfm_store_relaxed_u64(p, v); }
void probe_store_seqcst_u64(uint64_t *p, uint64_t v) { _lfm_store_seqcst_u64(p, v); }
void probe_store_release_u64(uint64_t *p, uint64_t v) { _lfm_store_release_u64(p, v); }
uint64_t probe_exchange_acqrel_u64(uint64_t *p, uint64_t v) { return _lfm_exchange_acqrel_u64(p, v); }
bool probe_cas_strong_seqcst_acquire_u64(uint64_t *p, uint64_t *e, uint64_t d) {
  return _lfm_cas_strong_seqcst_acquire_u64(p, e, d);
}
bool probe_cas_strong_acqrel_acquire_u64(uint64_t *p, uint64_t *e, uint64_t d) {
  return _lfm_cas_strong_acqrel_acquire_u64(p, e, d);
}
uint64_t probe_fetch_add_relaxed_u64(uint64_t *p, uint64_t d) { return _lfm_fetch_add_relaxed_u64(p, d); }
uint64_t probe_fetch_add_seqcst_u64(uint64_t *p, uint64_t d) { return _lfm_fetch_add_seqcst_u64(p, d); }
LFM_PAIR_TARGET _lfm_pair probe_cas_pair(uint64_t *p, _lfm_pair e, _lfm_pair d) {
  return _lfm_cas_pair_seqcst(p, e, d);
}
void probe_cpu_relax(void) { _lfm_cpu_relax(); }
void probe_compiler_barrier(void) { _lfm_compiler_barrier(); }
uint64_t probe_thread_record_get(void) { return _lfm_thread_record_get(); }
void probe_thread_record_set(uint64_t r) { _lfm_thread_record_set(r); }
uint64_t probe_thread_noise_next(void) { return _lfm_thread_noise_next(); }
