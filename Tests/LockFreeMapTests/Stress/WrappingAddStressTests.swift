@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    /// What each thread of the wrappingAdd test knows once it has finished.
    struct WrappingAddThreadResult: Sendable {
        /// Per shared key, the wrapping sum of the deltas this thread added to it.
        var sums: [Int64]
        /// Per shared key, whether this thread touched it at all.
        var touched: [Bool]
        /// The first case where the value returned for the thread's private key was not the
        /// running sum (only this thread writes that key, so the return value is exact).
        var privateMismatch: String?
        /// The key only this thread adds to, and the final sum of its deltas.
        var privateKey: Int64 = 0
        var privateSum: Int64 = 0
    }

    /// The keys every thread adds to: edge values and keys that differ only in high bits.
    static let wrappingAddSharedKeys: [Int64] = [0, -1, 1, .min, .max, 42, 1 << 32, -(1 << 40)]

    // Stresses: lost updates and torn values in concurrent read-modify-write on a few hot keys,
    // including the absent-key-counts-as-zero insert path and wrap-around at the Int64 limits.
    @Test("wrappingAdd: every key ends at the wrapping sum of all deltas applied to it")
    func wrappingAddSumsAreExact() async throws {
        let threadCount = 4
        let iterations = TestKnobs.stressScaled(200_000, long: 5_000_000)
        let seed = TestKnobs.seed
        let keys = Self.wrappingAddSharedKeys
        let map = LockFreeInt64Map()

        let results = await onOSThread { () -> [WrappingAddThreadResult] in
            let results = ThreadSlots<WrappingAddThreadResult>(count: threadCount)
            OSThreads.run(count: threadCount) { thread in
                var random = SeededRandom(seed: seed, salts: UInt64(thread))
                var result = WrappingAddThreadResult(
                    sums: Array(repeating: 0, count: keys.count),
                    touched: Array(repeating: false, count: keys.count))
                let privateKey = Int64(1_000 + thread)
                var privateSum: Int64 = 0
                for step in 0..<iterations {
                    // Half small deltas of either sign, half edge-biased full-range ones (wrapping).
                    let delta =
                        random.index(below: 2) == 0
                        ? Int64(random.index(below: 2_001)) - 1_000
                        : random.edgeBiasedInt64()
                    if random.index(below: 8) == 0 {
                        privateSum &+= delta
                        let returned = map.wrappingAdd(delta, forKey: privateKey)
                        if returned != privateSum, result.privateMismatch == nil {
                            result.privateMismatch =
                                "thread \(thread) step \(step): returned \(returned), running sum \(privateSum)"
                        }
                    } else {
                        let index = random.index(below: keys.count)
                        result.sums[index] &+= delta
                        result.touched[index] = true
                        map.wrappingAdd(delta, forKey: keys[index])
                    }
                }
                result.privateKey = privateKey
                result.privateSum = privateSum
                results[thread] = result
            }
            return results.values
        }

        for result in results {
            #expect(result.privateMismatch == nil, "\(result.privateMismatch ?? ""); \(TestKnobs.replayHint)")
            #expect(map[result.privateKey] == result.privateSum, "\(TestKnobs.replayHint)")
        }
        var expectedCount = threadCount  // every thread's private key is present
        for (index, key) in keys.enumerated() {
            let expected = results.reduce(Int64(0)) { $0 &+ $1.sums[index] }
            let touched = results.contains { $0.touched[index] }
            if touched { expectedCount += 1 }
            #expect(
                map[key] == (touched ? expected : nil),
                "key \(key): \(TestKnobs.replayHint)")
        }
        #expect(map.count == expectedCount, "\(TestKnobs.replayHint)")
        try map.checkInvariants()
    }
}
