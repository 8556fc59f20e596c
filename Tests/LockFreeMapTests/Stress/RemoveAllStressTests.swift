@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension StressSuite.Invariants {
    /// The value every writer of the removeAll test stores for `key`.
    static func removeAllValue(_ key: Int64) -> Int64 { key &* 7 &- 3 }

    /// What the clearing thread of the removeAll test saw.
    struct RemoveAllClearerResult: Sendable {
        /// How many removeAll calls completed.
        var clears = 0
        /// The first wrong observation (negative count, foreign entry), if any.
        var failure: String?
    }

    // Stresses: removeAll (a sequence of linearizable removals, not one atomic step) racing
    // with inserters that keep the table growing from capacity 0: no crash, no foreign or
    // duplicated entry, count never negative, and once everyone stops count == forEach's tally.
    @Test("removeAll concurrent with inserters: afterwards count equals what forEach sees")
    func removeAllRacingInsertersLeavesConsistentMap() async throws {
        let rounds = TestKnobs.stressScaled(4, long: 40)
        let clearsPerRound = TestKnobs.stressScaled(20, long: 200)
        let inserterCount = 3
        let keySpace = 8_192
        let seed = TestKnobs.seed
        let hint = TestKnobs.replayHint

        for round in 0..<rounds {
            let map = LockFreeInt64Map()
            let stop = StressFlag()
            let clearer = await onOSThread { () -> RemoveAllClearerResult in
                let clearerResult = ThreadSlots<RemoveAllClearerResult>(count: 1)
                var bodies: [@Sendable () -> Void] = (0..<inserterCount).map { inserter in
                    {
                        var random = SeededRandom(seed: seed, salts: UInt64(round * 8 + inserter))
                        while !stop.isRaised {
                            let key = Int64(random.index(below: keySpace)) - Int64(keySpace / 2)
                            switch random.index(below: 8) {
                            case 0: map.removeValue(forKey: key)
                            case 1: map.updateValue(Self.removeAllValue(key), forKey: key)
                            default: map.insertValue(Self.removeAllValue(key), forKey: key)
                            }
                        }
                    }
                }
                bodies.append {
                    var result = RemoveAllClearerResult()
                    for clear in 0..<clearsPerRound where result.failure == nil {
                        map.removeAll()
                        result.clears += 1
                        let count = map.count
                        if count < 0 { result.failure = "clear \(clear): count \(count)" }
                        var seen = Set<Int64>()
                        map.forEach { key, value in
                            if result.failure != nil { return }
                            if value != Self.removeAllValue(key)
                                || !(-Int64(keySpace / 2)..<Int64(keySpace / 2)).contains(key)
                            {
                                result.failure = "clear \(clear): forEach saw (\(key), \(value))"
                            } else if !seen.insert(key).inserted {
                                result.failure = "clear \(clear): forEach visited \(key) twice"
                            }
                        }
                        // Let the inserters refill (and grow) the table between clears.
                        for _ in 0..<3 { sched_yield() }
                    }
                    stop.raise()
                    clearerResult[0] = result
                }
                OSThreads.run(bodies)
                return clearerResult.values[0]
            }

            #expect(clearer.failure == nil, "round \(round): \(clearer.failure ?? ""); \(hint)")
            #expect(clearer.clears == clearsPerRound)
            var visited = Set<Int64>()
            var duplicates = 0
            map.forEach { key, value in
                if !visited.insert(key).inserted { duplicates += 1 }
                #expect(value == Self.removeAllValue(key), "round \(round): (\(key), \(value)); \(hint)")
            }
            #expect(duplicates == 0, "round \(round); \(hint)")
            #expect(map.count == visited.count, "round \(round): count \(map.count), forEach \(visited.count); \(hint)")
            #expect(visited.allSatisfy { map.containsKey($0) }, "round \(round); \(hint)")
            map.removeAll()
            #expect(map.count == 0 && map.isEmpty, "round \(round): quiescent removeAll left \(map.count); \(hint)")
            var leftovers = 0
            map.forEach { _, _ in leftovers += 1 }
            #expect(leftovers == 0, "round \(round): forEach after quiescent removeAll; \(hint)")
            try map.checkInvariants()
        }
    }
}
