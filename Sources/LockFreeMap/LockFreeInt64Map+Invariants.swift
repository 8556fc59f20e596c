// Quiescent invariant checks (DESIGN.md, section 2): for tests and debugging.

extension LockFreeInt64Map {
    /// A violated invariant, with enough context to debug it.
    @_spi(Testing) public struct InvariantViolation: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the structural invariants of every stripe. Call only while no other thread
    /// uses the map. Throws the first violation found.
    ///
    /// Checked: each list is strictly sorted by order key and starts at bucket 0's dummy
    /// (N5); no reachable node is marked (removals unlink before they return); every
    /// bucket's dummy is reachable in the list, with its order key, exactly when its
    /// state is linked (N4); every entry lies in the stripe its key hashes to; each stripe's
    /// counter equals its entries (G1); no node is both reachable and on the free list.
    @_spi(Testing) public func checkInvariants() throws {
        func fail(_ message: String) -> InvariantViolation { InvariantViolation(description: message) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            if loadRelaxed(orderKeyWord(stripe.headDummy)) != 0 { throw fail("stripe \(stripeIndex): head dummy key") }
            var reachable = Set<NodeAddress>()
            var dummies = [UInt64: NodeAddress]()
            var entries = 0
            var previousKey: UInt64? = nil
            var curr = stripe.headDummy
            while curr != 0 {
                let next = loadAcquire(nextWord(curr))
                let key = loadRelaxed(orderKeyWord(curr))
                if isMarked(next) { throw fail("stripe \(stripeIndex): marked node reachable at rest (key \(key))") }
                if let previousKey, key <= previousKey {
                    throw fail("stripe \(stripeIndex): order keys not strictly increasing (\(previousKey) then \(key))")
                }
                if isDummyKey(key) {
                    dummies[key] = curr
                } else {
                    entries += 1
                    if core.hashed(core.key(orderKey: key, stripe: stripeIndex)).stripe != stripeIndex {
                        throw fail("stripe \(stripeIndex): entry of another stripe")
                    }
                }
                reachable.insert(curr)
                previousKey = key
                curr = unmarked(next)
            }
            let size = loadRelaxed(stripe.sizeLog2)
            for b in 0..<(UInt64(1) << size) {
                guard let dummy = stripe.existingDummy(b) else { continue }
                let state = loadAcquire(linkWord(dummy))
                if state == dummyBeingLinked { throw fail("stripe \(stripeIndex): bucket \(b) left half-linked at rest") }
                if (state == dummyLinked) != (dummies[reverseBits(b)] == dummy) {
                    throw fail("stripe \(stripeIndex): bucket \(b) state \(state) disagrees with the list")
                }
            }
            let counted = Int(truncatingIfNeeded: loadRelaxed(stripe.entryCount))
            if counted != entries { throw fail("stripe \(stripeIndex): counter \(counted), entries \(entries)") }
            var free = loadAcquire(stripe.freeList)
            while free != 0 {
                if reachable.contains(free) { throw fail("stripe \(stripeIndex): a reachable node is on the free list") }
                free = loadRelaxed(linkWord(free))
            }
        }
    }

    /// Node bookkeeping of all stripes, for reclamation tests. Quiescent use.
    @_spi(Testing) public struct NodeCounts: Sendable, Equatable {
        /// Nodes on the free lists (reclaimed, ready for reuse).
        public var free: Int
        /// Nodes retired and waiting for two epoch advances.
        public var awaitingReclamation: Int
        /// Nodes ever carved from slabs: grows only when no reclaimed node was free.
        public var carved: Int
    }

    /// Counts free and retired nodes. Quiescent use.
    @_spi(Testing) public var nodeCounts: NodeCounts {
        var counts = NodeCounts(free: 0, awaitingReclamation: 0, carved: 0)
        for i in 0..<stripeCount {
            let stripe = core.stripes[i]
            counts.free += stripe.stackLength(stripe.freeList)
            counts.carved += stripe.carvedNodeCount
            for bag in 0..<3 { counts.awaitingReclamation += stripe.stackLength(stripe.limbo(UInt64(bag))) }
        }
        return counts
    }

    /// The reclamation fence in use: "asymmetric" (readers store, advancers issue
    /// membarrier) or "symmetric" (seq_cst pins; also under ThreadSanitizer), or
    /// "undecided" before any thread used a map.
    @_spi(Testing) public static var reclamationMode: String {
        switch loadAcquire(EpochDomain.shared.mode) {
        case modeAsymmetric: "asymmetric"
        case modeSymmetric: "symmetric"
        default: "undecided"
        }
    }

    /// Bytes the process has mapped for maps right now (all maps: stripes, slabs,
    /// segments, thread records). Returns to its previous value when maps are released.
    @_spi(Testing) public static var mappedByteCount: Int { PageMemory.mappedByteCount }

    /// How deeply the calling thread is inside map operations (0 outside any call).
    @_spi(Testing) public static var currentThreadPinDepth: Int { EpochDomain.shared.currentThreadPinDepth }
}
