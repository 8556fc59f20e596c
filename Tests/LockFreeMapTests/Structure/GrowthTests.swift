@_spi(Testing) import LockFreeMap
import Testing

// Growth, reserving and huge-page advice, watched on one stripe: every key here is aimed at
// stripe 0 (`key(stripe:hash:)`), and `bucketCount(stripe:)` reads that stripe's table.
// DESIGN.md, "Growth, shrinking and sizes" and "Huge pages"; issue 18, items 2 and 5;
// issue 20 (size classes, growth by about 1.5).

@Suite(.serialized) struct GrowthTests {
    /// Writes to every stripe until no migration is under way: each write moves a chunk of
    /// its stripe's buckets, and the one that moves the last publishes. (The writes remove
    /// a key that is never inserted: they change nothing else.)
    /// A table grows on the insert that brings its used slots past 88 % (88/25 = 3.52 per
    /// bucket of 4), to the smallest size class that holds the entries at 44/75 of its slots:
    /// about 1.5 times larger, and not a power of two; below 1,024 buckets it grows fourfold.
    /// 32 buckets -> 128 on the 113th insert (32 · 3.52 = 112.64), 128 -> 512 on the 451st,
    /// 512 -> 2,048 on the 1,803rd, 2,048 -> 3,200 on the 7,209th (7,209 · 75/176 = 3,072.1,
    /// so 3,073 needed, and the size classes between 2,048 and 4,096 go by 128).
    @Test func tablesGrowByAboutHalfPastTheGrowthLoad() throws {
        let map = LockFreeInt64Map()
        let steps: [(inserts: Int, buckets: Int)] = [
            (112, 32), (113, 128), (450, 128), (451, 512), (1_802, 512), (1_803, 2_048), (7_208, 2_048),
            (7_209, 3_200),
        ]
        var inserted = 0
        for step in steps {
            while inserted < step.inserts {
                map.insertValue(Int64(inserted), forKey: map.spreadKey(inserted))
                inserted += 1
            }
            map.finishMigrations()
            #expect(map.bucketCount(stripe: 0) == step.buckets, "after \(step.inserts) inserts")
        }
        #expect(map.statistics.resizeCount == 4)
        for i in 0..<inserted { #expect(map[map.spreadKey(i)] == Int64(i)) }
        try map.checkInvariants()
    }

    /// Writes to other stripes move a migration along (`helpAnotherStripe`): with stripe 0
    /// migrating from 2,048 buckets, writes to the other 63 stripes alone (removals of absent
    /// keys, which change nothing else) finish it in about 2,048 / 4 writes, each moving a
    /// chunk of 4 buckets from the top of its table. Before the fourth pass of issue 20 only
    /// stripe 0's own writes moved it, and these writes would never have finished it.
    @Test func writesToOtherStripesFinishAMigration() throws {
        let map = LockFreeInt64Map()
        let inserted = 7_209  // the growth from 2,048 buckets starts on the 7,209th insert
        for i in 0..<inserted - 1 { map.insertValue(Int64(i), forKey: map.spreadKey(i)) }
        map.finishMigrations()
        #expect(map.bucketCount(stripe: 0) == 2_048 && map.migratingStripeCount == 0)
        map.insertValue(Int64(inserted - 1), forKey: map.spreadKey(inserted - 1))
        #expect(map.migratingStripeCount == 1)
        #expect(map.bucketCount(stripe: 0) == 2_048, "the migration is not published yet")
        var writes = 0
        while map.migratingStripeCount > 0 && writes < 10_000 {
            map.removeValue(forKey: map.key(stripe: 1 + writes % 63, hash: 1 << 57))
            writes += 1
        }
        #expect(map.migratingStripeCount == 0, "writes to other stripes did not finish the migration")
        #expect(writes <= 2_048 / 4 + 64, "\(writes) writes to other stripes")
        #expect(map.bucketCount(stripe: 0) == 3_200)
        for i in 0..<inserted { #expect(map[map.spreadKey(i)] == Int64(i)) }
        try map.checkInvariants()
    }

    /// The first tables of a map that starts small are staggered, 32 + stripe/4 buckets, so
    /// that stripes filling at the same pace do not all grow at the same moment.
    @Test func firstTablesAreStaggered() {
        let map = LockFreeInt64Map()
        let sizes = (0..<64).map { map.bucketCount(stripe: $0) }
        #expect(sizes.first == 32 && sizes.last == 48)
        #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Set(sizes).count == 9, "\(sizes)")
        let presized = LockFreeInt64Map(minimumCapacity: 1_000_000)
        #expect(Set((0..<64).map { presized.bucketCount(stripe: $0) }).count == 1, "presized tables differ")
    }

    /// Size classes: the smallest `(16 + m) · 2^e` at or above a presized stripe's need, so a
    /// presized table is within 1/16 of its target instead of up to twice it.
    @Test func presizedTablesAreWithinASixteenthOfTheirNeed() {
        for capacity in [100_000, 1_000_000, 3_000_000, 10_000_000] {
            let buckets = LockFreeInt64Map(minimumCapacity: capacity).bucketCount(stripe: 0)
            // The need: the stripe's share (plus its margin) at 16/5 entries per bucket.
            let mean = Double(capacity) / 64
            let share = max(mean + 6 * (mean * 63 / 64).squareRoot() + 8, mean * 1.25)
            let need = share * 5 / 16
            #expect(Double(buckets) >= need && Double(buckets) <= need * 17 / 16 + 1, "capacity \(capacity)")
        }
    }

    /// `reserveCapacity` does not return while the stripe's table has a smaller successor
    /// (a shrink that removals started before the call): it finishes that migration and
    /// grows again, so the stripe ends at the reserved size and the bulk load that follows
    /// does not grow it.
    @Test func reserveCapacityFinishesASmallerSuccessorAndGrows() throws {
        let capacity = 200_000
        let reserved = LockFreeInt64Map(minimumCapacity: capacity).bucketCount(stripe: 0)
        let map = LockFreeInt64Map()
        let key = { (i: Int) in map.spreadKey(i) }
        // Grow stripe 0 past the reserved size.
        let grown = 6_000
        for i in 0..<grown { map.insertValue(Int64(i), forKey: key(i)) }
        map.finishMigrations()
        let large = map.bucketCount(stripe: 0)
        #expect(large > reserved)
        // Remove until a removal starts the shrink (under 1 entry per 8 buckets), and stop
        // there: its successor is installed and nothing is moved yet.
        var removed = 0
        while map.migratingStripeCount == 0 {
            map.removeValue(forKey: key(removed))
            removed += 1
            precondition(removed < grown, "no shrink started")
        }
        #expect(map.bucketCount(stripe: 0) == large, "the shrink is under way, not done")
        map.reserveCapacity(capacity)
        #expect(map.bucketCount(stripe: 0) == reserved, "reserveCapacity left the stripe below its size")
        #expect(map.migratingStripeCount == 0, "reserveCapacity left a migration under way")
        // Writes cannot finish a smaller table any more, and a bulk load to the stripe's
        // share of the capacity does not grow it.
        let resizes = map.statistics.resizeCount
        var next = grown
        while map.count < reserved * 16 / 5 - 100 {
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
        map.finishMigrations()
        #expect(map.count == 0)
        #expect((0..<64).allSatisfy { map.bucketCount(stripe: $0) == floor }, "shrank below the reserved size")
        try map.checkInvariants()
    }

    /// A presized table is offered huge pages once it holds one entry per 16 buckets, even
    /// if the counter never shows exactly that many: an insert that counts itself and then
    /// loses its CAS makes the next insert see one more. (Before, the advice was given only
    /// at exactly bucketCount / 16 entries, and such a skip lost it for good.)
    @Test func hugePageAdviceSurvivesASkippedCount() throws {
        // 6,000,000 entries: 36,864 buckets per stripe, a table over 2 MiB.
        let map = LockFreeInt64Map(minimumCapacity: 6_000_000)
        let buckets = map.bucketCount(stripe: 0)
        #expect(buckets * 64 > 2 << 20)
        #expect(map.stripesAwaitingHugePageAdvice == 64)
        let key = { (i: Int) in map.spreadKey(i) }
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
    /// and the insert that admission refuses (the table is full to 95 % of its slots), which
    /// cannot go on without a successor, maps its own: the stripe grows anyway, and every
    /// key is kept.
    @Test func insertsGoOnWhileAnotherThreadMapsTheSuccessor() throws {
        let map = LockFreeInt64Map()
        let key = { (i: Int) in map.spreadKey(i) }
        map.stallSuccessorClaim(stripe: 0)
        for i in 0..<120 { map.insertValue(Int64(i), forKey: key(i)) }
        #expect(map.bucketCount(stripe: 0) == 32)
        #expect(map.migratingStripeCount == 0, "an insert started a migration the claim holds")
        // 32 buckets admit 121 keys (95 % of 128 slots): the 122nd is refused.
        for i in 120..<200 { map.insertValue(Int64(i), forKey: key(i)) }
        map.finishMigrations()
        #expect(map.bucketCount(stripe: 0) > 32, "no insert mapped the successor it needed")
        for i in 0..<200 { #expect(map[key(i)] == Int64(i)) }
        try map.checkInvariants()
    }

    /// Keys that all share one home bucket (a caller who knows the map's seed can aim them)
    /// fill the buckets after it in turn: every key is kept, found, updated and removed, and
    /// the table grows by the same rule.
    @Test func keysSharingAHomeBucketOverflowIntoTheNextBuckets() throws {
        let map = LockFreeInt64Map()
        let key = { (i: Int) in map.key(stripe: 0, hash: UInt64(i)) }  // hashes < 2^58 / n: home 0
        for i in 0..<500 { map.insertValue(Int64(i), forKey: key(i)) }
        map.finishMigrations()
        for i in 0..<500 { #expect(map[key(i)] == Int64(i)) }
        for i in stride(from: 0, to: 500, by: 2) { map[key(i)] = nil }
        for i in 0..<500 { #expect(map[key(i)] == (i % 2 == 0 ? nil : Int64(i))) }
        for i in stride(from: 1, to: 500, by: 2) { map.wrappingAdd(1, forKey: key(i)) }
        for i in stride(from: 1, to: 500, by: 2) { #expect(map[key(i)] == Int64(i) + 1) }
        #expect(map.count == 250)
        try map.checkInvariants()
    }
}
