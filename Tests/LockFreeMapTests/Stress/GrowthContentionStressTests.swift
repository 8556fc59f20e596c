@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    /// Key `index` of the growth test: even indexes give sequential keys 0, 1, 2, ... (dense
    /// low bits), odd ones scattered negative keys, so both regular and random bit patterns
    /// move through every resize.
    static func growthKey(_ index: Int) -> Int64 {
        index % 2 == 0
            ? Int64(index / 2)
            : Int64(bitPattern: SeededRandom.mix(UInt64(index)) | (1 << 63))
    }

    /// The value stored for key `index` (never equal to the key, so a swapped pair shows).
    static func growthValue(_ index: Int) -> Int64 { ~growthKey(index) &* 5 }

    /// What one thread of the growth test reports.
    struct GrowthThreadResult: Sendable {
        /// Writers: how many of their insertValue calls inserted (rather than found the key).
        var successfulInserts = 0
        /// Readers: how many lookups they checked against a known state.
        var checkedReads = 0
        /// The first wrong result seen, if any.
        var failure: String?
    }

    // Stresses: table growth from capacity 0 while writers insert disjoint and overlapping
    // ranges, readers look up keys known to be present (published per writer with a release
    // high-water mark) or known to be removed, and a remover deletes a separate range. Lost
    // inserts, resurrected removals and keys invisible during migration all show (resize is where mature maps lost updates: xsync#109, JCTools#151).
    @Test("Growth under contention: published keys always found; final contents exact")
    func growthUnderContentionKeepsEveryKey() async throws {
        let totalKeys = TestKnobs.stressScaled(200_000, long: 1_000_000)
        let writerCount = 3
        let readerCount = 2
        let seed = TestKnobs.seed
        let removeRange = 0..<totalKeys / 10  // prefilled, then removed in order by the remover
        let writeRange = removeRange.upperBound..<totalKeys
        let segment = writeRange.count / writerCount
        // Writer w inserts its own segment plus the first quarter of the next one, so a quarter
        // of all keys race between two writers (exactly one insertValue may win each).
        let writerRanges: [Range<Int>] = (0..<writerCount).map { writer in
            let start = writeRange.lowerBound + writer * segment
            let end = writer == writerCount - 1 ? writeRange.upperBound : start + segment
            return start..<min(writeRange.upperBound, end + segment / 4)
        }
        let distinctKeys = Set((0..<totalKeys).map(Self.growthKey))
        try #require(distinctKeys.count == totalKeys, "growthKey collided")

        let map = LockFreeInt64Map()
        for index in removeRange { map.insertValue(Self.growthValue(index), forKey: Self.growthKey(index)) }
        let highWater = StressCounters(count: writerCount)  // indexes [start, start + hw) are in
        let removedUpTo = StressCounters(count: 1)  // indexes [0, mark) are gone
        let writersDone = StressCounters(count: 1)

        let results = await onOSThread { () -> [GrowthThreadResult] in
            let threadCount = writerCount + readerCount + 1
            let results = ThreadSlots<GrowthThreadResult>(count: threadCount)
            var bodies: [@Sendable () -> Void] = []
            for writer in 0..<writerCount {
                bodies.append {
                    var result = GrowthThreadResult()
                    let range = writerRanges[writer]
                    for index in range {
                        let (inserted, current) = map.insertValue(
                            Self.growthValue(index), forKey: Self.growthKey(index))
                        if inserted { result.successfulInserts += 1 }
                        if current != Self.growthValue(index), result.failure == nil {
                            result.failure = "writer \(writer): insertValue(index \(index)) reported \(current)"
                        }
                        // [G1] release: a reader that sees the mark also sees the insert.
                        highWater[writer].store(index - range.lowerBound + 1, ordering: .releasing)
                    }
                    writersDone[0].wrappingAdd(1, ordering: .releasing)
                    results[writer] = result
                }
            }
            for reader in 0..<readerCount {
                bodies.append {
                    var random = SeededRandom(seed: seed, salts: UInt64(reader))
                    var result = GrowthThreadResult()
                    while writersDone[0].load(ordering: .acquiring) < writerCount, result.failure == nil {
                        if random.index(below: 4) != 0 {
                            let writer = random.index(below: writerCount)
                            let published = highWater[writer].load(ordering: .acquiring)  // pairs with [G1]
                            guard published > 0 else { continue }
                            let index = writerRanges[writer].lowerBound + random.index(below: published)
                            let found = map[Self.growthKey(index)]
                            if found != Self.growthValue(index) {
                                result.failure =
                                    "reader \(reader): published index \(index) read as \(String(describing: found))"
                            }
                        } else {
                            let index = random.index(below: removeRange.count)
                            let before = removedUpTo[0].load(ordering: .acquiring)  // pairs with [G2]
                            let found = map[Self.growthKey(index)]
                            let after = removedUpTo[0].load(ordering: .acquiring)
                            // Removed before the lookup began, or not even started when it ended.
                            if index < before, found != nil {
                                result.failure = "reader \(reader): removed index \(index) still read as \(found!)"
                            } else if index > after, found != Self.growthValue(index) {
                                result.failure =
                                    "reader \(reader): not-yet-removed index \(index) read as \(String(describing: found))"
                            }
                        }
                        result.checkedReads += 1
                    }
                    results[writerCount + reader] = result
                }
            }
            bodies.append {
                var result = GrowthThreadResult()
                for index in removeRange {
                    let removed = map.removeValue(forKey: Self.growthKey(index))
                    if removed != Self.growthValue(index), result.failure == nil {
                        result.failure = "remover: removeValue(index \(index)) returned \(String(describing: removed))"
                    }
                    removedUpTo[0].store(index + 1, ordering: .releasing)  // [G2]
                }
                results[writerCount + readerCount] = result
            }
            OSThreads.run(bodies)
            return results.values
        }

        let hint = TestKnobs.replayHint
        for result in results {
            #expect(result.failure == nil, "\(result.failure ?? ""); \(hint)")
        }
        #expect(
            results.dropFirst(writerCount).prefix(readerCount).allSatisfy { $0.checkedReads > 0 },
            "a reader never got to check anything")
        let inserts = results.prefix(writerCount).reduce(0) { $0 + $1.successfulInserts }
        #expect(
            inserts == writeRange.count, "successful inserts \(inserts), distinct keys \(writeRange.count); \(hint)")
        #expect(map.count == writeRange.count, "\(hint)")
        let missing = writeRange.filter { map[Self.growthKey($0)] != Self.growthValue($0) }
        #expect(missing.isEmpty, "\(missing.count) keys missing or wrong, first index \(missing.first ?? -1); \(hint)")
        let resurrected = removeRange.filter { map.containsKey(Self.growthKey($0)) }
        #expect(resurrected.isEmpty, "\(resurrected.count) removed keys present; \(hint)")
        var visits = 0
        var visitedKeys = Set<Int64>()
        map.forEach { key, _ in
            visits += 1
            visitedKeys.insert(key)
        }
        let expectedKeys = Set(writeRange.map(Self.growthKey))
        #expect(
            visits == writeRange.count && visitedKeys == expectedKeys,
            "forEach: \(visits) visits, \(visitedKeys.count) distinct keys, expected \(expectedKeys.count); \(hint)")
        try map.checkInvariants()
    }
}
