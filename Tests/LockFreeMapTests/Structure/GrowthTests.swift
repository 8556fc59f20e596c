@_spi(Testing) import LockFreeMap
import Testing

// Growth, reserving and huge-page advice, watched on one stripe: every key here is aimed at
// stripe 0 (`key(stripe:hash:)`), and `bucketCount(stripe:)` reads that stripe's table.
// DESIGN.md, "Growth, shrinking and sizes" and "Huge pages"; issue 18, items 2, 3 and 5.

@Suite(.serialized) struct GrowthTests {
    /// Writes to stripe 0 until its migration, if one is under way, is done: each write
    /// moves a chunk of buckets, and the one that moves the last publishes.
    private func finishMigrations(_ map: LockFreeInt64Map, touching key: Int64) {
        var writes = 0
        while map.migratingStripeCount > 0 {
            map.wrappingAdd(0, forKey: key)
            writes += 1
            precondition(writes < 1_000_000, "a migration did not finish")
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
            finishMigrations(map, touching: key(0))
            #expect(map.bucketCount(stripe: 0) == step.buckets, "after \(step.inserts) inserts")
        }
        #expect(map.statistics.resizeCount == 4)
        try map.checkInvariants()
    }
}
