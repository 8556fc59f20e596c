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
        /// Buckets (64 bytes, four entries each) in all current tables.
        public var bucketCount: Int
        /// Buckets holding an entry whose home is an earlier bucket (an overflow continues in
        /// the next bucket), of successors too, mid-migration.
        public var overflowBucketCount: Int
        /// Live entries found by the walk.
        public var entryCount: Int
        /// Slots that still hold a removed key (dropped at the table's next migration).
        public var tombstoneCount: Int
        /// `entryCount / bucketCount`: entries per bucket (of 4 slots; tables grow when live
        /// entries and tombstones pass 3.2).
        public var loadFactor: Double
        /// The most buckets a lookup of a present key reads: from its home bucket to its own.
        public var longestChain: Int
        /// Migrations completed (growth, shrinking, or dropping tombstones).
        public var resizeCount: Int
        /// Stripes whose migration to a new table is under way.
        public var migratingStripeCount: Int
        /// Bytes of the current tables: headers, buckets and migrated bitmaps.
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
            let word = stripe.currentWord
            stats.bucketCount += Int(word.bucketCount)
            stats.resizeCount += Int(loadRelaxed(stripe.resizeCount))
            stats.tableBytes += word.table.residentBytes
            let successor = word.table.loadSuccessor()
            if successor.isTable {
                // A migration is under way: the buckets it has moved (marked) hold their
                // entries in the successor, which is walked too.
                stats.migratingStripeCount += 1
                add(successor, to: &stats, skippingMoved: false)
            }
            add(word, to: &stats, skippingMoved: successor.isTable)
        }
        stats.loadFactor = stats.bucketCount == 0 ? 0 : Double(stats.entryCount) / Double(stats.bucketCount)
        return stats
    }

    /// Adds the buckets of the table published as `word` to `stats` (entries of moved
    /// buckets only when `skippingMoved` is false).
    private func add(_ word: TableWord, to stats: inout Statistics, skippingMoved: Bool) {
        let table = word.table
        let n = word.bucketCount
        for b in 0..<n {
            if skippingMoved, table.isMigrated(b) { continue }
            let bucket = table.bucket(b)
            var displaced = false
            for s in 0..<slotsPerBucket {
                let c = loadAcquire(bucket.control(s))
                if c & slotUsed == 0 { continue }
                let home = word.home(of: c & slotHashMask)
                if home != b { displaced = true }
                if c & slotLive != 0 {
                    stats.entryCount += 1
                    // The buckets a lookup of this key reads: from its home to this one.
                    let probe = Int(b >= home ? b - home : b + n - home) + 1
                    stats.longestChain = Swift.max(stats.longestChain, probe)
                } else {
                    stats.tombstoneCount += 1
                }
            }
            if displaced { stats.overflowBucketCount += 1 }
        }
    }
}
