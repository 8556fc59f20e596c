// Epoch-based reclamation, process-wide, with an asymmetric fence.
//
// One global epoch and one record per thread, shared by every map. A thread's record
// is claimed automatically on its first map operation and released by a pthread-key
// destructor when the thread exits: nothing to register by hand.
//
// Pin (at the start of every map operation): read the epoch and store
// `epoch << 1 | 1` into the thread's own record; unpin: store 0. The epoch advances
// from E to E+1 only when every pinned record shows E. A table retired (already
// unreachable) in epoch R is freed only once the epoch has reached R+2: every pin
// that could still hold a reference to it has ended by then. Nobody ever waits here:
// an advance that meets a record pinned in an older epoch simply does not happen.
//
// The fence. A pin is a store followed by loads of the map, and the CPU may let those
// loads run before the store is visible (store-load reordering), which would hide the
// pin from an advancer. Where Linux's membarrier(PRIVATE_EXPEDITED) is available
// (the "asymmetric" mode, as in liburcu's memb flavour), the *advancer* pays for the
// ordering: membarrier makes every other thread execute a full barrier, so a pin is a
// plain store with no fence and no locked instruction, and consecutive lookups keep
// their cache misses overlapped. Elsewhere, and under ThreadSanitizer (which does not
// model membarrier), the "symmetric" mode makes the pin a seq_cst store followed by a
// seq_cst re-read of the epoch. The argument for both is docs/DESIGN.md, section 5.
//
// Global words (_lfm_global_words): [0] epoch (alone on its line), [8] registry head,
// [9] mode (0 undecided, 1 asymmetric, 2 symmetric), [10] pthread key + 1,
// [11] bytes mapped by PageMemory.
// Record (128 bytes: two cache lines, because every operation writes its thread's
// record, and two records in one 128-byte line pair made 2-thread write cells run at a
// third of their speed in some processes, adjacent-line prefetch sharing them):
// [0] pin state, [1] owned, [2] nesting depth, [3] next record, [4] write tally (`tick`).
let threadRecordBytes = 128
import _LockFreeMapShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let modeAsymmetric: UInt64 = 1
let modeSymmetric: UInt64 = 2

struct EpochDomain {
    /// The process-wide domain (static storage in the shim: no lazy initializer,
    /// hence no one-time lock on first use).
    static var shared: EpochDomain { EpochDomain(base: _lfm_global_words()) }

    let base: AtomicWord

    @inline(__always) var epoch: AtomicWord { base }
    @inline(__always) var registryHead: AtomicWord { base + 8 }
    @inline(__always) var mode: AtomicWord { base + 9 }
    @inline(__always) var threadKey: AtomicWord { base + 10 }

    // MARK: Pinning

    /// Announces that the calling thread may hold table references until `unpin`.
    /// Pins nest (a `forEach` body may call the map). Returns the thread's record.
    @inline(__always) func pin() -> AtomicWord {
        var record = _lfm_thread_record_get()
        if record == 0 { record = registerCurrentThread() }
        let r = words(record)
        let depth = loadRelaxed(r + 2)  // written only by this thread
        storeRelaxed(r + 2, depth &+ 1)
        if depth != 0 { return r }
        if loadRelaxed(mode) == modeAsymmetric {
            // [E1] The advancer's membarrier [E5] orders this store before our later
            // loads, or our later loads after the advancer's earlier writes. The
            // compiler barrier keeps the compiler from doing the reordering itself.
            storeRelaxed(r, loadAcquire(epoch) << 1 | 1)
            compilerBarrier()
        } else {
            // [E2] seq_cst store then seq_cst re-read: Dekker with the advancer's seq_cst
            // record loads [E5] and epoch CAS [E6]. Retry only if the epoch moved
            // (another thread's progress).
            while true {
                let e = loadSeqCst(epoch)
                storeSeqCst(r, e << 1 | 1)
                if loadSeqCst(epoch) == e { break }
            }
        }
        return r
    }

    /// Ends the pin begun by `pin()`.
    @inline(__always) func unpin(_ r: AtomicWord) {
        let depth = loadRelaxed(r + 2) &- 1
        storeRelaxed(r + 2, depth)
        // [E4] release: every access this operation made to tables happens-before an
        // advancer's acquire load [E5] that sees the record unpinned.
        if depth == 0 { storeRelease(r, 0) }
    }

    /// Counts the calling thread's writes that found retired tables waiting, and says
    /// when to try freeing them: every 32nd, so that the membarrier an epoch advance
    /// costs is spread thin. `r` is the record `pin()` returned.
    @inline(__always) func tick(_ r: AtomicWord) -> Bool {
        let n = loadRelaxed(r + 4) &+ 1  // written only by this thread
        storeRelaxed(r + 4, n)
        return n & 31 == 1
    }

    /// The calling thread's pin nesting depth (0 outside map operations).
    var currentThreadPinDepth: Int {
        let record = _lfm_thread_record_get()
        return record == 0 ? 0 : Int(loadRelaxed(words(record) + 2))
    }

    // MARK: Epochs

    /// The epoch a table retired now belongs to. A read-modify-write, not a load: it
    /// is in the epoch's release sequence, so whoever later reads an epoch written by
    /// an advance also sees everything this thread did before retiring (the unlink).
    @inline(__always) func epochForRetire() -> UInt64 {
        fetchAddSeqCst(epoch, 0)  // [R1]
    }

    /// Advances the epoch by one if every pinned thread is pinned in the current one.
    /// Never waits.
    func tryAdvance() {
        let e = loadSeqCst(epoch)
        if loadRelaxed(mode) == modeAsymmetric { _lfm_membarrier() }  // [E5]
        var record = loadAcquire(registryHead)
        while record != 0 {
            // [E5] seq_cst (Dekker with [E2]); acquire pairs with [E4].
            let state = loadSeqCst(words(record))
            if state & 1 != 0, state >> 1 != e { return }
            record = loadRelaxed(words(record) + 3)  // immutable once the record is listed
        }
        _ = compareExchangeSeqCst(epoch, expected: e, desired: e &+ 1)  // [E6]
    }

    // MARK: Thread records

    /// Claims a record for the calling thread (a free one, or one from a new page),
    /// and arranges for its release when the thread exits. Lock-free: CAS claims,
    /// a CAS push for a new page, a CAS to create the pthread key once.
    @inline(never) func registerCurrentThread() -> UInt64 {
        decideModeIfNeeded()
        var record = loadAcquire(registryHead)
        var claimed: UInt64 = 0
        while record != 0 {
            if loadRelaxed(words(record) + 1) == 0,
               compareExchangeAcqRel(words(record) + 1, expected: 0, desired: 1).exchanged {
                claimed = record
                break
            }
            record = loadRelaxed(words(record) + 3)
        }
        if claimed == 0 { claimed = pushNewRecordPage() }
        _lfm_thread_record_set(claimed)
        pthread_setspecific(threadExitKey(), UnsafeRawPointer(bitPattern: UInt(claimed)))
        return claimed
    }

    /// Adds a page of records to the registry; the first one is ours.
    private func pushNewRecordPage() -> UInt64 {
        let count = PageMemory.pageSize / threadRecordBytes
        let page = address(PageMemory.allocate(byteCount: PageMemory.pageSize))
        for i in 0..<count - 1 {
            storeRelaxed(words(page + UInt64(threadRecordBytes * i)) + 3, page + UInt64(threadRecordBytes * (i + 1)))
        }
        storeRelaxed(words(page) + 1, 1)
        let last = words(page + UInt64(threadRecordBytes * (count - 1)))
        var head = loadAcquire(registryHead)
        while true {
            storeRelaxed(last + 3, head)
            // Release: the links and the claim are visible to whoever walks from head.
            let (pushed, seen) = compareExchangeAcqRel(registryHead, expected: head, desired: page)
            if pushed { return page }
            head = seen
        }
    }

    /// The pthread key whose destructor releases an exiting thread's record.
    private func threadExitKey() -> pthread_key_t {
        let stored = loadAcquire(threadKey)
        if stored != 0 { return pthread_key_t(stored - 1) }
        var key = pthread_key_t()
        pthread_key_create(&key) { record in
            guard let record else { return }
            let r = UnsafeMutablePointer<UInt64>(OpaquePointer(record))
            _lfm_store_release_u64(r, 0)  // not pinned (a thread exits outside any call)
            _lfm_store_relaxed_u64(r + 2, 0)
            _lfm_store_release_u64(r + 1, 0)  // free for the next thread
            // A map call from a later thread-exit destructor registers afresh (pthread
            // then runs this destructor again) instead of using a record now free.
            _lfm_thread_record_set(0)
        }
        let (won, seen) = compareExchangeAcqRel(threadKey, expected: 0, desired: UInt64(key) + 1)
        if won { return key }
        pthread_key_delete(key)
        return pthread_key_t(seen - 1)
    }

    /// Chooses the fence mode once per process, before any thread pins. The environment
    /// variable LOCKFREEMAP_SYMMETRIC_FENCE=1 forces the portable mode (for tests).
    private func decideModeIfNeeded() {
        if loadAcquire(mode) != 0 { return }
        let forced = getenv("LOCKFREEMAP_SYMMETRIC_FENCE") != nil
        let chosen = !forced && !_lfm_built_with_tsan() && _lfm_membarrier_register() ? modeAsymmetric : modeSymmetric
        _ = compareExchangeAcqRel(mode, expected: 0, desired: chosen)
    }

    /// Threads pinned right now, process-wide (approximate; statistics and tests).
    var pinnedThreadCount: Int {
        var n = 0
        var record = loadAcquire(registryHead)
        while record != 0 {
            if loadRelaxed(words(record)) & 1 != 0 { n += 1 }
            record = loadRelaxed(words(record) + 3)
        }
        return n
    }
}
