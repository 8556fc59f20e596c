@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    // Stresses: lost or doubled adds when batch adds (one pin per group of 16, prefetch, then
    // the single-key upsert) race with single-key adds on the same keys while the map grows
    // from empty through many migrations, and batch lookups racing with them. Every key's final
    // value must be the exact sum of what was added to it; a batch lookup must never see a value
    // no add produced (all deltas are positive, so values only grow and a key's value is
    // bounded by its final sum).
    @Test("batches: batch and single-key adds on shared keys while the map grows; totals exact")
    func batchAddsAreExact() async throws {
        let batchThreads = 2
        let singleThreads = 2
        let threadCount = batchThreads + singleThreads
        let rounds = TestKnobs.stressScaled(3_000, long: 60_000)
        let seed = TestKnobs.seed
        // Enough keys that the map migrates many times on its way up (it starts empty).
        let keyCount = 20_000
        let keys = (0..<keyCount).map { Int64(bitPattern: SeededRandom.mix(UInt64($0) &+ 0x5EED)) }
        let map = LockFreeInt64Map()

        let perThread = await onOSThread { () -> [[Int64]] in
            let sums = ThreadSlots<[Int64]>(count: threadCount)
            OSThreads.run(count: threadCount) { thread in
                var random = SeededRandom(seed: seed, salts: 0xBA7C, UInt64(thread))
                var added = [Int64](repeating: 0, count: keyCount)
                var batch: [Int64] = []
                var indices: [Int] = []
                var newValues = [Int64](repeating: 0, count: 64)
                for round in 0..<rounds {
                    // The key window moves up with the round, so that new keys keep arriving
                    // (growth) while old ones stay hot; batches repeat keys on purpose.
                    let window = min(keyCount, 64 + round * keyCount / rounds)
                    let size = 1 + random.index(below: 64)
                    indices.removeAll(keepingCapacity: true)
                    for _ in 0..<size { indices.append(random.index(below: window)) }
                    let delta = Int64(1 + random.index(below: 9))
                    if thread < batchThreads {
                        batch.removeAll(keepingCapacity: true)
                        for i in indices { batch.append(keys[i]) }
                        if random.chance(1, in: 2) {
                            batch.withUnsafeBufferPointer { k in
                                newValues.withUnsafeMutableBufferPointer { v in
                                    map.wrappingAdd(
                                        delta, forKeys: k, into: UnsafeMutableBufferPointer(rebasing: v[0..<size]))
                                }
                            }
                            for j in 0..<size where newValues[j] < delta {
                                Issue.record("batch add returned \(newValues[j]) < delta \(delta)")
                            }
                        } else {
                            map.wrappingAdd(delta, forKeys: batch)
                        }
                        // Lookups of the same keys: present (just added), positive.
                        for value in map.values(forKeys: batch) where value == nil || value! <= 0 {
                            Issue.record("batch lookup of a key just added saw \(String(describing: value))")
                        }
                    } else {
                        for i in indices { map.wrappingAdd(delta, forKey: keys[i]) }
                    }
                    for i in indices { added[i] &+= delta }
                }
                sums[thread] = added
            }
            return sums.values
        }

        var expectedCount = 0
        var mismatches = 0
        let finalValues = map.values(forKeys: keys)
        for i in 0..<keyCount {
            let total = perThread.reduce(Int64(0)) { $0 &+ $1[i] }
            if total != 0 { expectedCount += 1 }
            if finalValues[i] != (total == 0 ? nil : total) {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("key #\(i): \(String(describing: finalValues[i])), expected \(total)")
                }
            }
            #expect(map.value(forKey: keys[i]) == finalValues[i])
        }
        #expect(mismatches == 0, "\(TestKnobs.replayHint)")
        #expect(map.count == expectedCount, "\(TestKnobs.replayHint)")
        #expect(map.statistics.resizeCount > 0, "the map grew while the batches ran")
        try map.checkInvariants()
    }
}
