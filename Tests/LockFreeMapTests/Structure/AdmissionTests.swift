@_spi(Testing) import LockFreeMap
import Testing

// Admission and closing (DESIGN.md, "Admission"): a table takes a new key only while it is
// open and its used slots (live keys and tombstones) stay within 95 % of its slots; a
// migration starts by closing the table. Watched on stripe 0, as in GrowthTests.

@Suite(.serialized) struct AdmissionTests {
    /// A table closed by a migration whose successor never comes (its thread stopped between
    /// the close and the install) takes no new key and no revival, and does not make anyone
    /// wait: the refused insert maps and installs a successor itself and goes on there.
    /// Updates and removals of keys already in the table go on in place until the migration
    /// moves them.
    @Test func aClosedTableWithoutSuccessorDoesNotStopInserts() throws {
        let map = LockFreeInt64Map()
        for i in 0..<50 { map.insertValue(Int64(i), forKey: map.spreadKey(i)) }
        map.removeValue(forKey: map.spreadKey(0))
        map.stallAfterClosing(stripe: 0)
        #expect(map.migratingStripeCount == 1, "closed: counted as a migration under way")
        // A new key and a revival: both refused by the closed table, both go on.
        map.insertValue(50, forKey: map.spreadKey(50))
        map.insertValue(0, forKey: map.spreadKey(0))
        map.finishMigrations()
        #expect(map.statistics.resizeCount == 1)
        for i in 0...50 { #expect(map[map.spreadKey(i)] == Int64(i)) }
        #expect(map.count == 51)
        try map.checkInvariants()
    }

    /// Removals leave tombstones that count toward the growth load: a stripe that churns
    /// over ever-new keys at a steady size is rebuilt now and then (dropping them) instead
    /// of filling up, its size stays bounded, and the tombstone counter matches the slots
    /// (checkInvariants) at every pause.
    @Test func churnOverEverNewKeysStaysBounded() throws {
        let map = LockFreeInt64Map()
        let live = 200
        for i in 0..<live { map.insertValue(Int64(i), forKey: map.spreadKey(i)) }
        map.finishMigrations()
        let size = map.bucketCount(stripe: 0)
        let resizes = map.statistics.resizeCount
        for i in live..<(live + 5_000) {
            map.removeValue(forKey: map.spreadKey(i - live))
            map.insertValue(Int64(i), forKey: map.spreadKey(i))
            if i % 500 == 0 {
                map.finishMigrations()
                try map.checkInvariants()
            }
        }
        map.finishMigrations()
        #expect(map.statistics.resizeCount > resizes + 5, "tombstones never made a table rebuild")
        #expect(map.bucketCount(stripe: 0) <= size * 2, "churn at a steady size grew the table")
        #expect(map.count == live)
        for i in 5_000..<(5_000 + live) { #expect(map[map.spreadKey(i)] == Int64(i)) }
        #expect(map.tombstoneCount(stripe: 0) < map.bucketCount(stripe: 0) * 4)
        try map.checkInvariants()
    }

    /// Churn over a fixed key set (the benchmark's `churn`: removals and re-inserts of the
    /// same keys) revives tombstones in place. A rebuild sizes the successor for the live
    /// keys plus the tombstones (up to as many again), so once the table has room for the
    /// whole key set the stripe stops migrating, where a successor sized for the live keys
    /// alone filled with returning keys and was rebuilt again and again.
    @Test func churnOverAFixedKeySetStopsMigrating() throws {
        let map = LockFreeInt64Map()
        // 4,000 live keys: a table of 2,048 buckets, whose growth load (7,208 slots) the key
        // set of 8,000 passes.
        let live = 4_000
        let keySpace = 2 * live
        for i in stride(from: 0, to: keySpace, by: 2) { map.insertValue(Int64(i), forKey: map.spreadKey(i)) }
        var random = SystemRandomNumberGenerator()
        var present = Set(stride(from: 0, to: keySpace, by: 2))
        func churn(_ operations: Int) {
            for _ in 0..<operations {
                let i = Int.random(in: 0..<keySpace, using: &random)
                if Bool.random(using: &random) {
                    if map.insertValue(Int64(i), forKey: map.spreadKey(i)).inserted { present.insert(i) }
                } else if map.removeValue(forKey: map.spreadKey(i)) != nil {
                    present.remove(i)
                }
            }
            map.finishMigrations()
        }
        churn(60_000)
        let resizes = map.statistics.resizeCount
        let buckets = map.bucketCount(stripe: 0)
        churn(40_000)
        #expect(map.statistics.resizeCount == resizes, "churn over a fixed key set kept migrating")
        #expect(map.bucketCount(stripe: 0) == buckets)
        // Bounded: at most the whole key set at 44/75 of the slots, rounded up a size class.
        #expect(buckets * 4 <= keySpace * 75 / 44 * 17 / 16 + 128)
        #expect(map.count == present.count)
        for i in 0..<keySpace { #expect(map[map.spreadKey(i)] == (present.contains(i) ? Int64(i) : nil)) }
        try map.checkInvariants()
    }
}
