import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite {
    /// Hostile keys: key sets that collide under weak hashes must still spread over the table.
    ///
    /// `statistics.longestChain` must count the longest probe: the most buckets a lookup of
    /// a present key reads, from its home bucket to its own. These tests failed by design
    /// against the temporary scaffold, whose statistic was the whole entry count (one
    /// Dictionary, one "bucket").
    @Suite("Hostile keys")
    struct HostileKeys {
        /// The longest probe allowed for up to 131,072 keys. With a strong mixer, linear
        /// probing over buckets of 4 at up to 88 % load makes clusters whose longest probe is
        /// some dozens of buckets: 34 to 100 over 40 maps grown to 131,072 sequential keys
        /// (issue 20's fourth pass, docs/results/growth-frontier-2026-12-05), so 256 has
        /// margin; any weak hash piles these sets into runs of thousands.
        static let longestChainBound = 256

        // Stresses: structural hash quality, not timing: 100,000 keys of one hostile pattern
        // inserted into a map growing from capacity 0; every bucket run stays short, every key
        // is found, and the statistic still holds after removing half of them.
        @Test(
            "Hostile key set stays spread: longest chain bounded, all keys found",
            arguments: HostileKeySet.allCases)
        func hostileKeysStaySpread(_ set: HostileKeySet) {
            let keys = set.keys(count: TestKnobs.stressScaled(100_000, long: 131_072))
            #expect(Set(keys).count == keys.count, "the key set has duplicates")
            let map = LockFreeInt64Map()
            for key in keys { map.insertValue(~key, forKey: key) }
            let grown = map.statistics
            #expect(
                grown.longestChain <= Self.longestChainBound,
                "\(set): longest chain \(grown.longestChain) for \(keys.count) keys in \(grown.bucketCount) buckets")
            #expect(map.count == keys.count)
            let missing = keys.filter { map[$0] != ~$0 }
            #expect(missing.isEmpty, "\(set): \(missing.count) keys not found, first \(missing.first ?? 0)")

            for key in keys[..<(keys.count / 2)] { map.removeValue(forKey: key) }
            let shrunk = map.statistics
            #expect(shrunk.longestChain <= Self.longestChainBound, "\(set): after removals, \(shrunk.longestChain)")
            #expect(map.count == keys.count - keys.count / 2)
            #expect(keys[(keys.count / 2)...].allSatisfy { map[$0] == ~$0 }, "\(set): keys lost after removals")
        }
    }
}
