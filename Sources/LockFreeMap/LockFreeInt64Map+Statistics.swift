// Size and shape: striped counters and a statistics walk.

extension LockFreeInt64Map {
    /// The number of entries.
    ///
    /// Exact when no write runs concurrently; approximate while writers run: it sums
    /// one counter per stripe, each read at a slightly different instant. It is never
    /// negative, and after your own insert returns it already counts it (a counter is
    /// raised before the insert's linearization point and lowered after a removal's).
    /// - Complexity: O(64): one load per stripe, no lock, no walk.
    public var count: Int {
        Int(truncatingIfNeeded: core.stripes.entryCount)
    }

    /// Whether the map has no entries (`count == 0`, with the same caveats).
    public var isEmpty: Bool { count == 0 }

    /// The shape of the table, for tuning and tests.
    ///
    /// Gathered by walking every stripe; exact when no write runs concurrently, and an
    /// approximation of some recent state otherwise. O(n + buckets).
    public struct Statistics: Sendable, Equatable, CustomStringConvertible {
        /// Independent sub-tables (chosen by the top bits of a key's hash).
        public var stripeCount: Int
        /// Buckets in all stripes at their current sizes.
        public var bucketCount: Int
        /// Buckets whose dummy node is linked (buckets initialize lazily, on writes).
        public var initializedBucketCount: Int
        /// Entries found by the walk.
        public var entryCount: Int
        /// `entryCount / bucketCount`.
        public var loadFactor: Double
        /// The most entries in one bucket: the longest walk a lookup can take from its
        /// bucket's dummy.
        public var longestChain: Int
        /// Times a stripe doubled its bucket count.
        public var resizeCount: Int
        /// Bytes of node slabs reserved from the kernel (nodes in use, free or awaiting
        /// reclamation, and not yet used).
        public var reservedNodeBytes: Int

        public var description: String {
            "Statistics(stripes: \(stripeCount), buckets: \(bucketCount) (\(initializedBucketCount) initialized), "
                + "entries: \(entryCount), load: \(loadFactor), longest chain: \(longestChain), "
                + "resizes: \(resizeCount), node bytes: \(reservedNodeBytes))"
        }
    }

    /// The current shape of the table. See `Statistics`.
    public var statistics: Statistics {
        var stats = Statistics(
            stripeCount: stripeCount, bucketCount: 0, initializedBucketCount: 0, entryCount: 0,
            loadFactor: 0, longestChain: 0, resizeCount: 0, reservedNodeBytes: 0)
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            let sizeLog2 = loadRelaxed(stripe.sizeLog2)
            stats.bucketCount += 1 << Int(sizeLog2)
            stats.resizeCount += Int(loadRelaxed(stripe.resizeCount))
            stats.reservedNodeBytes += stripe.reservedSlabBytes
            for b in 0..<(UInt64(1) << sizeLog2) {
                if let dummy = stripe.existingDummy(b), loadAcquire(linkWord(dummy)) == dummyLinked {
                    stats.initializedBucketCount += 1
                }
            }
            // Entries of one bucket are contiguous in the list (they share the low bits
            // of the hash, i.e. the top bits of the order key).
            let mask = (UInt64(1) << sizeLog2) - 1
            var currentBucket = UInt64.max
            var run = 0
            var curr = unmarked(loadAcquire(nextWord(stripe.headDummy)))
            while curr != 0 {
                let orderKey = loadRelaxed(orderKeyWord(curr))
                let next = loadAcquire(nextWord(curr))
                if !isDummyKey(orderKey), !isMarked(next) {
                    stats.entryCount += 1
                    let bucket = reverseBits(orderKey & ~1) & mask
                    run = bucket == currentBucket ? run + 1 : 1
                    currentBucket = bucket
                    stats.longestChain = max(stats.longestChain, run)
                }
                curr = unmarked(next)
            }
        }
        stats.loadFactor = stats.bucketCount == 0 ? 0 : Double(stats.entryCount) / Double(stats.bucketCount)
        return stats
    }
}
