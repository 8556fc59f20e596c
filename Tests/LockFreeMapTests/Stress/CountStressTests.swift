@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    /// What one churning thread of the count test counted.
    struct CountChurnResult: Sendable {
        /// Net successful inserts (inserts minus removes) per key index.
        var balance: [Int]
    }

    /// What the count sampler saw while the churn ran.
    struct CountSamplerResult: Sendable {
        /// How many times it read `count`.
        var samples = 0
        /// The smallest value it read.
        var minimum = Int.max
    }

    // Stresses: the striped size counter when the insert and the remove of one key run on
    // different threads (so on different stripes): a sum read between them can fall below the
    // true size, and `count` must clamp it, never report a negative size (eclipse-collections#497 saw a size of 0 right after an insert). Once the
    // threads stop, `count` must be exact: equal to the insert/remove balance and to forEach.
    @Test("count is never negative under churn and exact when quiescent")
    func countNeverNegativeAndExactAtRest() async throws {
        let rounds = max(2, TestKnobs.stressScaled(6, long: 20))  // both kinds of round
        let operationsPerThread = TestKnobs.stressScaled(20_000, long: 500_000)
        let threadCount = 4
        let seed = TestKnobs.seed
        let hint = TestKnobs.replayHint
        let map = LockFreeInt64Map()  // one map for all rounds: exactness must survive history

        for round in 0..<rounds {
            // Even rounds: 4 hot keys (the map is often empty: negatives show there);
            // odd rounds: 4,096 keys, so the table grows and counters spread over many stripes.
            let keys: [Int64] =
                round % 2 == 0
                ? [0, -1, .min, .max]
                : (0..<4_096).map { Int64(bitPattern: SeededRandom.mix(UInt64($0))) }
            let before = Dictionary(uniqueKeysWithValues: keys.map { ($0, map.containsKey($0) ? 1 : 0) })
            let stop = StressFlag()
            let (churn, sampler) = await onOSThread { () -> ([CountChurnResult], CountSamplerResult) in
                let churnResults = ThreadSlots<CountChurnResult>(count: threadCount)
                let samplerResult = ThreadSlots<CountSamplerResult>(count: 1)
                var bodies: [@Sendable () -> Void] = (0..<threadCount).map { thread in
                    {
                        var random = SeededRandom(seed: seed, salts: UInt64(round * 8 + thread))
                        var balance = Array(repeating: 0, count: keys.count)
                        for _ in 0..<operationsPerThread {
                            let index = random.index(below: keys.count)
                            if random.index(below: 2) == 0 {
                                if map.insertValue(Int64(thread), forKey: keys[index]).inserted { balance[index] += 1 }
                            } else {
                                if map.removeValue(forKey: keys[index]) != nil { balance[index] -= 1 }
                            }
                        }
                        churnResults[thread] = CountChurnResult(balance: balance)
                    }
                }
                bodies.append {
                    var result = CountSamplerResult()
                    while !stop.isRaised {
                        result.minimum = min(result.minimum, map.count)
                        result.samples += 1
                    }
                    samplerResult[0] = result
                }
                let threads = OSThreads(bodies)
                // Join the churners (the first threadCount handles) before stopping the sampler.
                for thread in 0..<threadCount { threads.join(at: thread) }
                stop.raise()
                threads.join()
                return (churnResults.values, samplerResult.values[0])
            }

            #expect(sampler.samples > 0)
            #expect(sampler.minimum >= 0, "round \(round): count read \(sampler.minimum); \(hint)")
            var expected = 0
            for (index, key) in keys.enumerated() {
                let present = before[key]! + churn.reduce(0) { $0 + $1.balance[index] }
                #expect(present == 0 || present == 1, "round \(round) key \(key): balance \(present); \(hint)")
                expected += present
            }
            var visits = 0
            map.forEach { _, _ in visits += 1 }
            // Keys of other rounds stay untouched, so count the ones this round does not cover.
            let others = visits - keys.reduce(0) { $0 + (map.containsKey($1) ? 1 : 0) }
            #expect(map.count == visits, "round \(round): count \(map.count), forEach \(visits); \(hint)")
            #expect(
                visits - others == expected, "round \(round): present \(visits - others), balance \(expected); \(hint)")
            try map.checkInvariants()
        }
        map.removeAll()
        #expect(map.count == 0 && map.isEmpty, "\(hint)")
        try map.checkInvariants()
    }
}
