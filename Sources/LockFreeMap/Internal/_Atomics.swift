// The single seam between the map's algorithm and the C11 atomics shim.
//
// Every atomic access of the map goes through one of these functions, so a test
// or a debugging build can instrument one file. Each name carries its memory
// order; there are no defaults. The reason for the order at each call site is
// written there, with the pair id used in docs/DESIGN.md ("Memory orders").
import _LockFreeMapShims

/// A 64-bit word that is only ever accessed atomically (slots, table fields,
/// counters, epochs). It is a pointer into memory the map owns.
typealias AtomicWord = UnsafeMutablePointer<UInt64>

@inline(__always) func loadRelaxed(_ p: AtomicWord) -> UInt64 { _lfm_load_relaxed_u64(p) }
@inline(__always) func loadAcquire(_ p: AtomicWord) -> UInt64 { _lfm_load_acquire_u64(p) }
@inline(__always) func loadSeqCst(_ p: AtomicWord) -> UInt64 { _lfm_load_seqcst_u64(p) }
@inline(__always) func storeRelaxed(_ p: AtomicWord, _ v: UInt64) { _lfm_store_relaxed_u64(p, v) }
@inline(__always) func storeRelease(_ p: AtomicWord, _ v: UInt64) { _lfm_store_release_u64(p, v) }
@inline(__always) func storeSeqCst(_ p: AtomicWord, _ v: UInt64) { _lfm_store_seqcst_u64(p, v) }
@inline(__always) func exchangeAcqRel(_ p: AtomicWord, _ v: UInt64) -> UInt64 { _lfm_exchange_acqrel_u64(p, v) }

/// Strong CAS, seq_cst on success, acquire on failure.
/// Returns `(exchanged, value seen before)`.
@inline(__always) func compareExchangeSeqCst(_ p: AtomicWord, expected: UInt64, desired: UInt64) -> (
    exchanged: Bool, original: UInt64
) {
    var e = expected
    let ok = _lfm_cas_strong_seqcst_acquire_u64(p, &e, desired)
    return (ok, e)
}

/// Strong CAS, acq_rel on success, acquire on failure.
@inline(__always) func compareExchangeAcqRel(_ p: AtomicWord, expected: UInt64, desired: UInt64) -> (
    exchanged: Bool, original: UInt64
) {
    var e = expected
    let ok = _lfm_cas_strong_acqrel_acquire_u64(p, &e, desired)
    return (ok, e)
}

@inline(__always) func fetchAddRelaxed(_ p: AtomicWord, _ delta: UInt64) -> UInt64 {
    _lfm_fetch_add_relaxed_u64(p, delta)
}
@inline(__always) func fetchAddSeqCst(_ p: AtomicWord, _ delta: UInt64) -> UInt64 {
    _lfm_fetch_add_seqcst_u64(p, delta)
}

/// 16-byte CAS on the aligned pair at `p` (`first` at `p`, `second` at `p + 1`),
/// seq_cst. Returns the pair seen before; it swapped iff that equals `expected`.
@inline(__always) func compareExchangePairSeqCst(
    _ p: AtomicWord, expected: (UInt64, UInt64), desired: (UInt64, UInt64)
) -> (UInt64, UInt64) {
    let seen = _lfm_cas_pair_seqcst(
        p, _lfm_pair(first: expected.0, second: expected.1), _lfm_pair(first: desired.0, second: desired.1))
    return (seen.first, seen.second)
}

/// A spin-wait hint for retry loops (never waits for another thread).
@inline(__always) func cpuRelax() { _lfm_cpu_relax() }

/// A software prefetch of the cache line at `p` for reading. Only a hint that warms
/// caches: no load the memory model sees, no ordering, never a fault.
@inline(__always) func prefetchForRead(_ p: AtomicWord) { _lfm_prefetch_read(p) }

/// The same for a line about to be written.
@inline(__always) func prefetchForWrite(_ p: AtomicWord) { _lfm_prefetch_write(p) }

/// A compiler-only barrier: no memory access moves across it at compile time.
@inline(__always) func compilerBarrier() { _lfm_compiler_barrier() }

/// The calling thread's reclamation record address (C thread-local storage in the shim;
/// 0 until the thread's first map operation). Not atomic: only its own thread uses it.
enum ThreadRecordSlot {
    @inline(__always) static func get() -> UInt64 { _lfm_thread_record_get() }
    @inline(__always) static func set(_ record: UInt64) { _lfm_thread_record_set(record) }
}

/// A cheap per-thread pseudo-random step (xorshift), for test-only race widening.
@inline(__always) func threadNoise() -> UInt64 { _lfm_thread_noise_next() }

// MARK: - Addresses and words

/// The word at address `a` (memory the map owns: a table, a stripe, a record).
@inline(__always) func words(_ a: UInt64) -> AtomicWord {
    UnsafeMutablePointer<UInt64>(bitPattern: UInt(a)).unsafelyUnwrapped
}
@inline(__always) func address(_ p: UnsafeMutableRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }
@inline(__always) func address(_ p: AtomicWord) -> UInt64 { UInt64(UInt(bitPattern: p)) }
