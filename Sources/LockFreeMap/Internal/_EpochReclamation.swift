// Epoch-based reclamation for one map, with striped reader counters.
//
// Readers do not register: a thread "pins" by incrementing the counter of the
// current epoch's parity in its slot (slot = thread number mod 64), then checks
// that the epoch did not move; it unpins by decrementing the same counter.
// The epoch advances from E to E+1 only when every slot's counter of parity
// (E-1) is zero, i.e. no operation that pinned in epoch E-1 is still running.
// A node retired (already unreachable) when the epoch was R is reused only once
// the epoch has reached R+2: every pin that could still hold a reference to it
// began in epoch <= R and has ended. Full argument: docs/DESIGN.md,
// "Reclamation". Nobody ever waits here: a pin retries only when the epoch
// moved (another operation's progress), and an advance that sees a pinned
// reader simply does not happen this time.
//
// Layout (one page-aligned block, 64-byte lines):
//   line 0           epoch
//   line 1 + s       slot s: [pins of even epochs, pins of odd epochs]

struct EpochDomain {
    static let slotCount = 64
    static let byteCount = 64 * (1 + slotCount)

    let base: AtomicWord

    init() {
        base = PageMemory.allocate(byteCount: Self.byteCount).assumingMemoryBound(to: UInt64.self)
    }

    func deallocate() { PageMemory.deallocate(UnsafeMutableRawPointer(base), byteCount: Self.byteCount) }

    @inline(__always) var epoch: AtomicWord { base }

    @inline(__always) func pinCounter(slot: Int, parity: UInt64) -> AtomicWord {
        base + 8 * (1 + slot) + Int(parity)
    }

    /// Announces that the calling thread may hold node references until `unpin`.
    /// Returns the counter to pass to `unpin`.
    @inline(__always) func pin() -> AtomicWord {
        let slot = Int(currentThreadNumber() & UInt32(Self.slotCount - 1))
        while true {
            // [E1] seq_cst load, [E2] seq_cst increment, [E3] seq_cst re-check: with the
            // advancer's seq_cst counter loads [E5] and epoch CAS [E6], this is the Dekker
            // pattern: either the advancer sees our increment, or we see its new epoch and
            // retry. Weaker orders would let both miss each other (store-load reordering).
            let e = loadSeqCst(epoch)
            let counter = pinCounter(slot: slot, parity: e & 1)
            _ = fetchAddSeqCst(counter, 1)
            if loadSeqCst(epoch) == e { return counter }
            // The epoch moved between [E1] and [E3]: another operation made progress. Retry.
            _ = fetchAddRelease(counter, UInt64.max)
        }
    }

    /// Ends the pin begun by `pin()`.
    @inline(__always) func unpin(_ counter: AtomicWord) {
        // [E4] release: every access this operation made to nodes happens-before the
        // advancer's acquire read [E5] of this counter, hence before any reuse.
        _ = fetchAddRelease(counter, UInt64.max)
    }

    /// The epoch a node retired now belongs to. A read-modify-write, not a load: it
    /// is in the epoch's release sequence, so whoever later reads an epoch written by
    /// an advance also sees everything this thread did before retiring (the unlink).
    @inline(__always) func epochForRetire() -> UInt64 {
        fetchAddSeqCst(epoch, 0)  // [R1]
    }

    /// Advances the epoch by one if no operation pinned in the previous epoch is
    /// still running. Never waits.
    func tryAdvance() {
        let e = loadSeqCst(epoch)
        let previousParity = (e &+ 1) & 1
        for slot in 0..<Self.slotCount {
            // [E5] seq_cst: see pin(). Also acquire: pairs with [E4].
            if loadSeqCst(pinCounter(slot: slot, parity: previousParity)) != 0 { return }
        }
        _ = compareExchangeSeqCst(epoch, expected: e, desired: e &+ 1)  // [E6]
    }

    /// Number of threads pinned now (approximate; for tests and statistics).
    var pinnedCount: Int {
        var n: UInt64 = 0
        for slot in 0..<Self.slotCount {
            n &+= loadRelaxed(pinCounter(slot: slot, parity: 0)) &+ loadRelaxed(pinCounter(slot: slot, parity: 1))
        }
        return Int(truncatingIfNeeded: n)
    }
}
