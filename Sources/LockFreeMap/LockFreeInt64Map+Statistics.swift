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

    /// The shape of the tables, for tuning and tests.
    ///
    /// Gathered by walking every stripe's current table (and the successor of a
    /// migration under way); exact when no write runs concurrently, and an approximation
    /// of some recent state otherwise. `bucketCount`, `loadFactor` and `tableBytes` are
    /// those of the current tables. O(n + buckets).
    public struct Statistics: Sendable, Equatable, CustomStringConvertible {
        /// Independent tables (chosen by the top bits of a key's hash).
        public var stripeCount: Int
        /// Head buckets (64 bytes, three entries each) in all current tables.
        public var bucketCount: Int
        /// Overflow buckets linked behind head buckets (of successors too, mid-migration).
        public var overflowBucketCount: Int
        /// Live entries found by the walk.
        public var entryCount: Int
        /// Slots that still hold a removed key (dropped at the table's next migration).
        public var tombstoneCount: Int
        /// `entryCount / bucketCount`: entries per head bucket (tables grow past 2.5).
        public var loadFactor: Double
        /// The most live entries in one bucket chain: the longest walk a lookup takes.
        public var longestChain: Int
        /// Migrations completed (growth, shrinking, or dropping tombstones).
        public var resizeCount: Int
        /// Stripes whose migration to a new table is under way.
        public var migratingStripeCount: Int
        /// Bytes of the current tables: bucket arrays and overflow buckets in use.
        public var tableBytes: Int

        public var description: String {
            "Statistics(stripes: \(stripeCount), buckets: \(bucketCount) + \(overflowBucketCount) overflow, "
                + "entries: \(entryCount), tombstones: \(tombstoneCount), load: \(loadFactor), "
                + "longest chain: \(longestChain), resizes: \(resizeCount), migrating: \(migratingStripeCount), "
                + "table bytes: \(tableBytes))"
        }
    }

    /// The current shape of the tables. See `Statistics`.
    public var statistics: Statistics {
        var stats = Statistics(
            stripeCount: stripeCount, bucketCount: 0, overflowBucketCount: 0, entryCount: 0, tombstoneCount: 0,
            loadFactor: 0, longestChain: 0, resizeCount: 0, migratingStripeCount: 0, tableBytes: 0)
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            let table = stripe.current
            stats.bucketCount += Int(table.bucketCount)
            stats.resizeCount += Int(loadRelaxed(stripe.resizeCount))
            stats.tableBytes += table.residentBytes
            let successor = table.loadSuccessor()
            if !successor.isNone {
                // A migration is under way: the chains it has moved (flagged) hold their
                // entries in the successor, which is walked too.
                stats.migratingStripeCount += 1
                add(successor.table, to: &stats, skippingMoved: false)
            }
            add(table, to: &stats, skippingMoved: !successor.isNone)
        }
        stats.loadFactor = stats.bucketCount == 0 ? 0 : Double(stats.entryCount) / Double(stats.bucketCount)
        return stats
    }

    /// Adds the chains of `table` to `stats` (entries of moved chains only when
    /// `skippingMoved` is false).
    private func add(_ table: Table, to stats: inout Statistics, skippingMoved: Bool) {
        for b in 0..<table.bucketCount {
            let head = table.bucket(b)
            if skippingMoved, loadAcquire(head.migrated) != 0 { continue }
            var bucket = head
            var chain = 0
            while true {
                for s in 0..<slotsPerBucket {
                    let c = loadAcquire(bucket.control(s))
                    if c & slotLive != 0 {
                        chain += 1
                    } else if c & slotUsed != 0 {
                        stats.tombstoneCount += 1
                    }
                }
                let next = loadAcquire(bucket.link) & ~linkFrozen
                if next == 0 { break }
                stats.overflowBucketCount += 1
                bucket = Bucket(next)
            }
            stats.entryCount += chain
            stats.longestChain = Swift.max(stats.longestChain, chain)
        }
    }
}
