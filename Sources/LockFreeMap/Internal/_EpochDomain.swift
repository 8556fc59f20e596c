import _LockFreeMapShims

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
// The process-wide words are in `_GlobalWords.swift`. Record (128 bytes: two cache
// lines, because every operation writes its thread's record, and two records in one
// 128-byte line pair made 2-thread write cells run at a third of their speed in some
// processes, adjacent-line prefetch sharing them): [0] pin state, [1] owner state
// (`recordFree`, `recordOwned`, `recordAcknowledged`), [2] nesting depth, [3] next
// record, [4] write tally (`tick`).
let threadRecordBytes = 128

/// A thread's reclamation record, by name (layout above).
struct ThreadRecord {
    let base: AtomicWord
    @inline(__always) init(_ address: UInt64) { base = words(address) }
    /// `epoch << 1 | 1` while the thread is pinned, 0 otherwise.
    @inline(__always) var pinState: AtomicWord { base }
    /// `recordFree`, `recordOwned` or `recordAcknowledged`.
    @inline(__always) var owner: AtomicWord { base + 1 }
    /// Pin nesting depth (written only by the owning thread).
    @inline(__always) var depth: AtomicWord { base + 2 }
    /// The next record of the registry (immutable once listed).
    @inline(__always) var next: AtomicWord { base + 3 }
    /// Writes that found retired tables waiting (`EpochDomain.tick`).
    @inline(__always) var writeTally: AtomicWord { base + 4 }
}

/// The fence mode (`GlobalWords.mode`), decided once per process; only the move from
/// asymmetric to `modeSymmetricAfterFailure` happens later (DESIGN.md, section 5, R-5).
let modeAsymmetric: UInt64 = 1
let modeSymmetric: UInt64 = 2
/// Symmetric pins after a `membarrier` failed: an advance also needs every owned record
/// acknowledged (its thread has pinned symmetrically since, so no pin of it made without
/// a fence is still running).
let modeSymmetricAfterFailure: UInt64 = 3

/// Owner states of a record (word 1).
let recordFree: UInt64 = 0
let recordOwned: UInt64 = 1
let recordAcknowledged: UInt64 = 2

/// `GlobalWords.threadKey` once `pthread_key_create` has failed: records are then kept
/// for the life of the process instead of being freed at thread exit.
let threadKeyUnavailable = UInt64.max

/// The process-wide reclamation domain: one epoch and one record per thread, shared by
/// every map (static storage in the shim: no lazy initializer, hence no one-time lock).
enum EpochDomain {
    @inline(__always) static var epoch: AtomicWord { GlobalWords.epoch }
    @inline(__always) static var registryHead: AtomicWord { GlobalWords.registryHead }
    @inline(__always) static var mode: AtomicWord { GlobalWords.mode }
    @inline(__always) static var threadKey: AtomicWord { GlobalWords.threadKey }

    // MARK: Pinning

    /// Announces that the calling thread may hold table references until `unpin`.
    /// Pins nest (a `forEach` body may call the map). Returns the thread's record.
    @inline(__always) static func pin() -> ThreadRecord {
        var record = ThreadRecordSlot.get()
        if record == 0 { record = registerCurrentThread() }
        let r = ThreadRecord(record)
        let depth = loadRelaxed(r.depth)  // written only by this thread
        storeRelaxed(r.depth, depth &+ 1)
        if depth != 0 { return r }
        if loadRelaxed(mode) == modeAsymmetric {
            // [E1] The advancer's membarrier [E4] orders this store before our later
            // loads, or our later loads after the advancer's earlier writes. The
            // compiler barrier keeps the compiler from doing the reordering itself.
            storeRelaxed(r.pinState, loadAcquire(epoch) << 1 | 1)
            compilerBarrier()
        } else {
            // [E6] Acknowledge symmetric pinning once: every earlier pin of this
            // thread, fenced or not, has ended. seq_cst: in one order with the advancer's
            // owner-state loads.
            if loadRelaxed(r.owner) != recordAcknowledged { storeSeqCst(r.owner, recordAcknowledged) }
            // [E2] seq_cst store then seq_cst re-read: Dekker with the advancer's seq_cst
            // record loads [E4] and epoch CAS [E5]. Retry only if the epoch moved
            // (another thread's progress).
            while true {
                let e = loadSeqCst(epoch)
                storeSeqCst(r.pinState, e << 1 | 1)
                if loadSeqCst(epoch) == e { break }
            }
        }
        RaceWindow.widen(.afterPin)
        return r
    }

    /// Ends the pin begun by `pin()`.
    @inline(__always) static func unpin(_ r: ThreadRecord) {
        let depth = loadRelaxed(r.depth) &- 1
        storeRelaxed(r.depth, depth)
        // [E3] release: every access this operation made to tables happens-before an
        // advancer's acquire load [E4] that sees the record unpinned.
        if depth == 0 { storeRelease(r.pinState, 0) }
    }

    /// Counts the calling thread's writes that found retired tables waiting, and says
    /// when to try freeing them: every 2,048th, so that the system calls of an epoch
    /// advance and of the frees (membarrier, munmap) fall on few operations. `r` is the
    /// record `pin()` returned.
    @inline(__always) static func tick(_ r: ThreadRecord) -> Bool {
        let n = loadRelaxed(r.writeTally) &+ 1  // written only by this thread
        storeRelaxed(r.writeTally, n)
        return n & 2047 == 1
    }

    /// The calling thread's pin nesting depth (0 outside map operations).
    static var currentThreadPinDepth: Int {
        let record = ThreadRecordSlot.get()
        return record == 0 ? 0 : Int(loadRelaxed(ThreadRecord(record).depth))
    }

    // MARK: Epochs

    /// The epoch a table retired now belongs to. A read-modify-write, not a load: it
    /// is in the epoch's release sequence, so whoever later reads an epoch written by
    /// an advance also sees everything this thread did before retiring (the unlink).
    @inline(__always) static func epochForRetire() -> UInt64 {
        fetchAddSeqCst(epoch, 0)  // [R1]
    }

    /// Advances the epoch by one if every pinned thread is pinned in the current one,
    /// and says whether it did. Never waits. A failed `membarrier` never advances: it
    /// moves the process to symmetric pins for good (`switchAfterMembarrierFailure`).
    @discardableResult
    static func tryAdvance() -> Bool {
        let m = loadSeqCst(mode)
        let e = loadSeqCst(epoch)
        if m == modeAsymmetric {
            let error = PlatformMembarrier.barrier()  // [E4]
            if error != 0 {
                switchAfterMembarrierFailure(error)
                return false
            }
        }
        // [E4] seq_cst: the registry push [E7] is in the same order (a record this walk
        // misses belongs to a thread that pins after it, in the current epoch).
        var record = loadSeqCst(registryHead)
        while record != 0 {
            let r = ThreadRecord(record)
            if m == modeSymmetricAfterFailure {
                // [E6] A record owned by a thread that has not pinned symmetrically since
                // the switch may hold an unfenced pin this walk cannot see.
                let owner = loadSeqCst(r.owner)
                if owner == recordOwned { return false }
                if owner == recordFree {
                    record = loadRelaxed(r.next)
                    continue
                }
            }
            // [E4] seq_cst (Dekker with [E2]); acquire pairs with [E3].
            let state = loadSeqCst(r.pinState)
            if state & 1 != 0, state >> 1 != e { return false }
            record = loadRelaxed(r.next)  // immutable once the record is listed
        }
        return compareExchangeSeqCst(epoch, expected: e, desired: e &+ 1).exchanged  // [E5]
    }

    /// After `membarrier` failed with `error` (ENOMEM on kernels with off-stack CPU masks,
    /// EPERM from a seccomp filter installed later): asymmetric pins are no longer
    /// ordered, so no advance may rely on them. From now on pins are symmetric, and an
    /// advance waits (by giving up, never by waiting) until every thread that owned a
    /// record has acknowledged. Says so once on standard error.
    @inline(never) static func switchAfterMembarrierFailure(_ error: Int32) {
        _ = compareExchangeSeqCst(
            GlobalWords.membarrierFailure, expected: 0, desired: UInt64(UInt32(bitPattern: error)))
        let (switched, _) = compareExchangeSeqCst(mode, expected: modeAsymmetric, desired: modeSymmetricAfterFailure)
        if switched {
            PlatformDiagnostics.writeToStandardError(
                "LockFreeInt64Map: membarrier failed (errno \(error)); using the symmetric reclamation fence from now on\n"
            )
        }
    }

    // MARK: Thread records

    /// Claims a record for the calling thread (a free one, or one from a new page),
    /// and arranges for its release when the thread exits. Lock-free: CAS claims,
    /// a CAS push for a new page, a CAS to create the pthread key once.
    @inline(never) static func registerCurrentThread() -> UInt64 {
        decideModeIfNeeded()
        var record = loadSeqCst(registryHead)
        var claimed: UInt64 = 0
        while record != 0 {
            // [E7] seq_cst claim: in one order with an advancer's owner-state load.
            if loadRelaxed(ThreadRecord(record).owner) == recordFree,
                compareExchangeSeqCst(ThreadRecord(record).owner, expected: recordFree, desired: recordOwned).exchanged
            {
                claimed = record
                break
            }
            record = loadRelaxed(ThreadRecord(record).next)
        }
        if claimed == 0 { claimed = pushNewRecordPage() }
        // [E7] seq_cst: every later (relaxed) mode load of this thread reads this value
        // or a newer one, so a thread whose claim an advancer missed pins symmetrically.
        _ = loadSeqCst(mode)
        ThreadRecordSlot.set(claimed)
        if let key = threadExitKey(), PlatformThreadExit.setValue(claimed, forKey: key) == 0 {
            return claimed
        }
        // No thread-exit destructor for this thread (no pthread key left, or no memory
        // for its value): the record stays owned after the thread exits, unpinned, so it
        // holds back no advance, and 128 bytes stay in use. (After a membarrier failure,
        // R-5, such a record that never acknowledged stops every advance: memory only.)
        return claimed
    }

    /// Adds a page of records to the registry; the first one is ours. Stops with a
    /// message if the page cannot be mapped: the calling operation cannot run unpinned.
    private static func pushNewRecordPage() -> UInt64 {
        let count = PageMemory.pageSize / threadRecordBytes
        let page = address(PageMemory.allocateOrStop(byteCount: PageMemory.pageSize, for: "a page of thread records"))
        for i in 0..<count - 1 {
            storeRelaxed(
                ThreadRecord(page + UInt64(threadRecordBytes * i)).next, page + UInt64(threadRecordBytes * (i + 1)))
        }
        storeRelaxed(ThreadRecord(page).owner, recordOwned)
        let last = ThreadRecord(page + UInt64(threadRecordBytes * (count - 1)))
        var head = loadSeqCst(registryHead)
        while true {
            storeRelaxed(last.next, head)
            // [E7] seq_cst push: release makes the links and the claim visible to whoever
            // walks from head; seq_cst puts it in one order with the advancer's head load.
            let (pushed, seen) = compareExchangeSeqCst(registryHead, expected: head, desired: page)
            if pushed { return page }
            head = seen
        }
    }

    /// The pthread key whose destructor releases an exiting thread's record (stored + 1),
    /// or nil if the process could not create one (then records are never released).
    private static func threadExitKey() -> UInt64? {
        let stored = loadAcquire(threadKey)
        if stored == threadKeyUnavailable { return nil }
        if stored != 0 { return stored }
        guard let key = PlatformThreadExit.createKey(releaseRecordAtThreadExit) else {
            _ = compareExchangeAcqRel(threadKey, expected: 0, desired: threadKeyUnavailable)
            let now = loadAcquire(threadKey)
            return now == threadKeyUnavailable ? nil : now
        }
        let (won, seen) = compareExchangeAcqRel(threadKey, expected: 0, desired: key)
        if won { return key }
        PlatformThreadExit.deleteKey(key)
        return seen == threadKeyUnavailable ? nil : seen
    }

    /// Chooses the fence mode once per process, before any thread pins. The environment
    /// variable LOCKFREEMAP_SYMMETRIC_FENCE=1 forces the portable mode (for tests).
    private static func decideModeIfNeeded() {
        if loadAcquire(mode) != 0 { return }
        let forced = PlatformMemory.environmentFlag("LOCKFREEMAP_SYMMETRIC_FENCE")
        let chosen =
            !forced && !_lfm_built_with_tsan() && PlatformMembarrier.register() ? modeAsymmetric : modeSymmetric
        _ = compareExchangeSeqCst(mode, expected: 0, desired: chosen)
    }
}

/// The thread-exit destructor of the record key: releases the exiting thread's record.
/// A thread exits outside any map call, so the record is unpinned. (A function, not a
/// closure stored in a global: a global is initialized lazily behind a one-time lock.)
#if canImport(Darwin)
private func releaseRecordAtThreadExit(_ value: UnsafeMutableRawPointer) {
    releaseRecord(UInt64(UInt(bitPattern: value)))
}
#else
private func releaseRecordAtThreadExit(_ value: UnsafeMutableRawPointer?) {
    guard let value else { return }
    releaseRecord(UInt64(UInt(bitPattern: value)))
}
#endif

private func releaseRecord(_ record: UInt64) {
    let r = ThreadRecord(record)
    storeRelease(r.pinState, 0)  // not pinned
    storeRelaxed(r.depth, 0)
    storeRelease(r.owner, recordFree)  // free for the next thread
    // A map call from a later thread-exit destructor registers afresh (pthread then runs
    // this destructor again) instead of using a record now free.
    ThreadRecordSlot.set(0)
}
