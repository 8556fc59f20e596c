@_spi(Testing) import LockFreeMap
import Testing

// Growth, reserving and huge-page advice, watched on one stripe: every key here is aimed at
// stripe 0 (`key(stripe:hash:)`), and `bucketCount(stripe:)` reads that stripe's table.
// DESIGN.md, "Growth, shrinking and sizes" and "Huge pages"; issue 18, items 2, 3 and 5.

@Suite(.serialized) struct GrowthTests {
    /// Writes to every stripe until no migration is under way: each write moves a chunk of
    /// its stripe's buckets, and the one that moves the last publishes. (The writes remove
    /// a key that is never inserted: they change nothing else.)
    private func finishMigrations(_ map: LockFreeInt64Map) {
        var rounds = 0
        while map.migratingStripeCount > 0 {
            for stripe in 0..<64 { map.removeValue(forKey: map.key(stripe: stripe, hash: 1 << 57)) }
            rounds += 1
            precondition(rounds < 1_000_000, "a migration did not finish")
        }
    }

    /// Tables below 1,024 buckets grow fourfold, larger ones double, each on the insert that
    /// brings them over 2.5 entries per bucket: 32 -> 128 on the 81st insert, 128 -> 512 on
    /// the 321st, 512 -> 2,048 on the 1,281st, 2,048 -> 4,096 on the 5,121st. (Before, the
    /// new table's sizing wanted at most 5/8 per bucket, and 81 / 128 is just over it: every
    /// small table grew 8x, 32 -> 256.)
    @Test func smallTablesGrowFourfoldLargeOnesDouble() throws {
        let map = LockFreeInt64Map()
        let key = { (i: Int) in map.key(stripe: 0, hash: UInt64(i)) }
        let steps: [(inserts: Int, buckets: Int)] = [
            (80, 32), (81, 128), (320, 128), (321, 512), (1_280, 512), (1_281, 2_048),
            (5_120, 2_048), (5_121, 4_096),
        ]
        var inserted = 0
        for step in steps {
            while inserted < step.inserts {
                map.insertValue(Int64(inserted), forKey: key(inserted))
                inserted += 1
            }
            finishMigrations(map)
            #expect(map.bucketCount(stripe: 0) == step.buckets, "after \(step.inserts) inserts")
        }
        #expect(map.statistics.resizeCount == 4)
        try map.checkInvariants()
    }

    /// `reserveCapacity` does not return while the stripe's table has a smaller successor
    /// (a shrink that removals started before the call): it finishes that migration and
    /// grows again, so the stripe ends at the reserved size and the bulk load that follows
    /// does not grow it. (Before, it looked only at the current table: a stripe reserved
    /// for 2,048 buckets ended at the shrink's size when writes finished the shrink.)
    @Test func reserveCapacityFinishesASmallerSuccessorAndGrows() throws {
        let capacity = 200_000
        let reserved = LockFreeInt64Map(minimumCapacity: capacity).bucketCount(stripe: 0)
        #expect(reserved == 2_048)
        let map = LockFreeInt64Map()
        let key = { (i: Int) in map.key(stripe: 0, hash: UInt64(i)) }
        // Grow stripe 0 to 4,096 buckets.
        let grown = 6_000
        for i in 0..<grown { map.insertValue(Int64(i), forKey: key(i)) }
        finishMigrations(map)
        #expect(map.bucketCount(stripe: 0) == 4_096)
        // Remove until a removal starts the shrink (under 1 entry per 8 buckets), and stop
        // there: its successor is installed and nothing is moved yet.
        var removed = 0
        while map.migratingStripeCount == 0 {
            map.removeValue(forKey: key(removed))
            removed += 1
            precondition(removed < grown, "no shrink started")
        }
        #expect(map.bucketCount(stripe: 0) == 4_096, "the shrink is under way, not done")
        map.reserveCapacity(capacity)
        #expect(map.bucketCount(stripe: 0) == reserved, "reserveCapacity left the stripe below its size")
        #expect(map.migratingStripeCount == 0, "reserveCapacity left a migration under way")
        // Writes cannot finish a smaller table any more, and a bulk load to the stripe's
        // share of the capacity (5,120 entries fill 2,048 buckets to the growth load) does
        // not grow it.
        let resizes = map.statistics.resizeCount
        var next = grown
        while map.count < 5_000 {
            map.insertValue(Int64(next), forKey: key(next))
            next += 1
        }
        #expect(map.bucketCount(stripe: 0) == reserved)
        #expect(map.statistics.resizeCount == resizes, "grew during the bulk load after reserving")
        for i in removed..<next { #expect(map[key(i)] == Int64(i)) }
        try map.checkInvariants()
    }

    /// Reserving less than a stripe already has moves nothing and allocates nothing, but
    /// it raises the floor: the stripes no longer shrink below the reserved size.
    @Test func reservingLessMovesNothingAndRaisesTheShrinkFloor() throws {
        let capacity = 100_000
        let floor = LockFreeInt64Map(minimumCapacity: capacity).bucketCount(stripe: 0)
        let map = LockFreeInt64Map()
        let keys = 400_000
        for i in 0..<keys { map[Int64(i) &* 0x1E37_79B9_7F4A_7C15] = Int64(i) }
        let before = map.statistics
        #expect((0..<64).allSatisfy { map.bucketCount(stripe: $0) > floor })
        map.reserveCapacity(capacity)
        #expect(map.statistics == before, "reserving less moved or allocated something")
        for i in 0..<keys { map[Int64(i) &* 0x1E37_79B9_7F4A_7C15] = nil }
        finishMigrations(map)
        #expect(map.count == 0)
        #expect((0..<64).allSatisfy { map.bucketCount(stripe: $0) == floor }, "shrank below the reserved size")
        try map.checkInvariants()
    }

    /// A presized table is offered huge pages once it holds one entry per 16 buckets, even
    /// if the counter never shows exactly that many: an insert that counts itself and then
    /// loses its CAS makes the next insert see one more. (Before, the advice was given only
    /// at exactly bucketCount / 16 entries, and such a skip lost it for good.)
    @Test func hugePageAdviceSurvivesASkippedCount() throws {
        // 3,000,000 entries: 32,768 buckets per stripe, a bucket array over 2 MiB.
        let map = LockFreeInt64Map(minimumCapacity: 3_000_000)
        let buckets = map.bucketCount(stripe: 0)
        #expect(buckets == 32_768)
        #expect(map.stripesAwaitingHugePageAdvice == 64)
        let key = { (i: Int) in map.key(stripe: 0, hash: UInt64(i)) }
        let dense = buckets / 16
        for i in 0..<(dense - 1) { map.insertValue(Int64(i), forKey: key(i)) }
        #expect(map.stripesAwaitingHugePageAdvice == 64, "advised before one entry per 16 buckets")
        // The insert that brings the stripe to `dense` entries sees `dense + 1`.
        map.whileAnInsertIsInFlight(stripe: 0) { map.insertValue(Int64(dense - 1), forKey: key(dense - 1)) }
        for i in dense..<(dense + 100) { map.insertValue(Int64(i), forKey: key(i)) }
        #expect(map.count == dense + 100)
        #expect(map.stripesAwaitingHugePageAdvice == 63, "stripe 0 was never offered huge pages")
        try map.checkInvariants()
    }

    /// One successor allocation per migration, without waiting: while a thread holds the
    /// table's claim (it maps the successor; here it stopped there for good), inserts past
    /// the growth load go on in the old table instead of mapping a successor of their own,
    /// and the insert that finds the pool empty, which cannot go on without a successor,
    /// maps its own: the stripe grows anyway, and every key is kept.
    @Test func insertsGoOnWhileAnotherThreadMapsTheSuccessor() throws {
        let map = LockFreeInt64Map()
        let key = { (i: Int) in map.key(stripe: 0, hash: UInt64(i)) }
        map.stallSuccessorClaim(stripe: 0)
        for i in 0..<100 { map.insertValue(Int64(i), forKey: key(i)) }
        #expect(map.bucketCount(stripe: 0) == 32)
        #expect(map.migratingStripeCount == 0, "an insert started a migration the claim holds")
        // 32 buckets hold 96 entries and 16 overflow buckets: the 113th key of these finds
        // no overflow bucket for its chain.
        for i in 100..<200 { map.insertValue(Int64(i), forKey: key(i)) }
        finishMigrations(map)
        #expect(map.bucketCount(stripe: 0) > 32, "no insert mapped the successor it needed")
        for i in 0..<200 { #expect(map[key(i)] == Int64(i)) }
        try map.checkInvariants()
    }
}
