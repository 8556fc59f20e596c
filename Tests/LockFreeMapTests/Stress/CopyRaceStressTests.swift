@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    // Stresses: racing copies into a successor that must always have room (DESIGN.md,
    // "Admission"). Every key has the same home bucket in every table (its hash is below
    // 2^58 / n), and eight threads insert ever-new keys and remove old ones there: the keys
    // fill the buckets after the home bucket one by one, tombstones fill them too, the
    // table is rebuilt again and again, and each rebuild is copied by every thread at once
    // (they all meet the frozen buckets of that one probe range and move it themselves). A
    // successor without room for a copy would stop the process ("no empty slot for a copy").
    // The same scenario, with chains and an overflow pool, once found the copy running out
    // of its reserve (an outside review's SPIN model: finding "m5-pool-exhaustion").
    @Test("Copies racing on one probe range never run out of room; contents exact")
    func copiesRacingOnOneProbeRangeNeverRunOutOfRoom() async throws {
        let threads = 8
        let steps = TestKnobs.stressScaled(1_500, long: 20_000)
        let map = LockFreeInt64Map()
        // Hash = 5 + i * 2^24, below 2^58 / n for every table here: home bucket 0, stripe 0.
        let key: @Sendable (Int) -> Int64 = { i in map.key(stripe: 0, hash: 5 &+ UInt64(i) << 24) }
        let wrong = AtomicWord(0)
        await onOSThread {
            OSThreads.run(count: threads) { t in
                for step in 0..<steps {
                    let index = step * threads + t
                    if map.insertValue(Int64(index), forKey: key(index)).inserted == false {
                        wrong.wrappingAdd(1, ordering: .relaxed)
                    }
                    if step > 0, map.removeValue(forKey: key(index - threads)) != Int64(index - threads) {
                        wrong.wrappingAdd(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(map.count == threads)
        for t in 0..<threads {
            let last = (steps - 1) * threads + t
            #expect(map[key(last)] == Int64(last))
            #expect(map[key(last - threads)] == nil)
        }
        #expect(map.statistics.resizeCount > 10, "\(map.statistics)")
        try map.checkInvariants()
    }
}
