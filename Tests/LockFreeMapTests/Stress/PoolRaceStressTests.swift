@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    // Stresses: the copy race of DESIGN.md M5 (found by an outside review's SPIN model: finding "m5-pool-exhaustion"). Every
    // key lands in one bucket chain of one stripe, and eight threads insert ever-new keys and
    // remove old ones there: tombstones fill the chain, its pool runs out, and the table is
    // rebuilt again and again, each rebuild copied by every thread at once (they all meet the
    // frozen chain and move it themselves), racing for each overflow bucket of the copy. With
    // one spare slot for the buckets of lost races, losers leaked their buckets and the copy
    // could run out of its reserve ("ran out of its reserved pool"); with race widening the
    // racers pile up in that window. Now every lost bucket goes back to a free stack, and a
    // copy that still finds the pool exhausted maps an extension block.
    @Test("Copies racing on one chain never run out of pool; contents exact")
    func copiesRacingOnOneChainNeverRunOut() async throws {
        let threads = 8
        let steps = TestKnobs.stressScaled(1_500, long: 20_000)
        let map = LockFreeInt64Map()
        // Hash = 5 + i * 2^24: bucket 5 of every table up to 2^24 buckets, stripe 0.
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
