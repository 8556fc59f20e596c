@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    /// What the forEach reader found in one round.
    struct ForEachChurnRoundResult: Sendable {
        /// How many forEach calls completed.
        var calls = 0
        /// The most entries one call visited (shows that the churn made the map grow under it).
        var largestVisit = 0
        /// The first violated guarantee, if any.
        var failure: String?
    }

    /// A stable key: odd, spread over the whole range. Churn keys are even, so the sets are disjoint.
    static func stableKey(_ index: Int) -> Int64 {
        Int64(bitPattern: SeededRandom.mix(UInt64(index)) | 1)
    }

    /// A churn key: even, spread over the whole range.
    static func churnKey(_ index: Int) -> Int64 {
        Int64(bitPattern: SeededRandom.mix(UInt64(index) &+ (1 << 40)) & ~1)
    }

    /// The value a stable key always has.
    static func stableValue(_ key: Int64) -> Int64 { key &* 3 &+ 1 }

    /// Churn values are the key with a version in the top 4 bits, so a reader can check any value
    /// it sees for a churn key without knowing which write it came from.
    static func churnValue(_ key: Int64, version: Int) -> Int64 {
        key ^ Int64(bitPattern: UInt64(version & 15) << 60)
    }

    /// What is wrong with an entry a walk produced under churn, if anything: a stable key
    /// must have its fixed value, a churn key a value of `churnValue`, and no other key appears.
    static func churnEntryProblem(_ key: Int64, _ value: Int64, stableSet: Set<Int64>, churnSet: Set<Int64>) -> String?
    {
        if stableSet.contains(key) {
            return value == stableValue(key) ? nil : "stable key \(key) had value \(value)"
        }
        if churnSet.contains(key) {
            return (value ^ key) & 0x0FFF_FFFF_FFFF_FFFF == 0 ? nil : "churn key \(key) had value \(value)"
        }
        return "foreign key \(key) (value \(value))"
    }

    // Stresses: weakly consistent iteration while writers insert, remove and update a disjoint
    // key set hard enough to make the table grow (and shrink, if it does) under the iterator.
    // Every key present for the whole call (the stable set S) must be visited exactly once with
    // its value, and no key may be visited twice (docs/API.md; iterators of other maps repeated or missed entries across a resize: cockroachdb/swiss#39, papaya#76).
    @Test("forEach under churn: each untouched key exactly once, no key twice")
    func forEachUnderChurnVisitsStableKeysOnce() async throws {
        let rounds = TestKnobs.stressScaled(4, long: 20)
        let callsPerRound = TestKnobs.stressScaled(60, long: 500)
        let stableCount = 2_000
        let churnCount = 16_384
        let writerCount = 2
        let seed = TestKnobs.seed
        let stableKeys = (0..<stableCount).map(Self.stableKey)
        let churnKeys = (0..<churnCount).map(Self.churnKey)
        let stableSet = Set(stableKeys)
        let churnSet = Set(churnKeys)
        try #require(stableSet.count == stableCount && churnSet.count == churnCount, "key generators collided")

        for round in 0..<rounds {
            let map = LockFreeInt64Map()  // capacity 0: growth happens while forEach runs
            for key in stableKeys { map.updateValue(Self.stableValue(key), forKey: key) }
            let stop = StressFlag()

            let result = await onOSThread { () -> ForEachChurnRoundResult in
                let readerResult = ThreadSlots<ForEachChurnRoundResult>(count: 1)
                var bodies: [@Sendable () -> Void] = (0..<writerCount).map { writer in
                    {
                        var random = SeededRandom(seed: seed, salts: UInt64(round * 16 + writer))
                        var step = 0
                        while !stop.isRaised {
                            // Alternate fill and drain phases so that the table keeps resizing.
                            let filling = (step / 4_096) % 2 == 0
                            step += 1
                            let key = churnKeys[random.index(below: churnCount)]
                            let choice = random.index(below: 10)
                            if choice < 2 {
                                map.updateValue(Self.churnValue(key, version: random.index(below: 16)), forKey: key)
                            } else if (choice < 8) == filling {
                                map.insertValue(Self.churnValue(key, version: random.index(below: 16)), forKey: key)
                            } else {
                                map.removeValue(forKey: key)
                            }
                        }
                    }
                }
                bodies.append {
                    var result = ForEachChurnRoundResult()
                    var visits: [Int64: Int] = [:]
                    visits.reserveCapacity(stableCount + churnCount)
                    for call in 0..<callsPerRound where result.failure == nil {
                        visits.removeAll(keepingCapacity: true)
                        var badEntry: String?
                        map.forEach { key, value in
                            visits[key, default: 0] += 1
                            guard badEntry == nil else { return }
                            badEntry = Self.churnEntryProblem(key, value, stableSet: stableSet, churnSet: churnSet)
                        }
                        result.calls += 1
                        result.largestVisit = max(result.largestVisit, visits.count)
                        if let badEntry {
                            result.failure = "round \(round) call \(call): \(badEntry)"
                        } else if let duplicate = visits.first(where: { $0.value > 1 }) {
                            result.failure =
                                "round \(round) call \(call): key \(duplicate.key) visited \(duplicate.value) times"
                        } else if let missing = stableKeys.first(where: { visits[$0] == nil }) {
                            result.failure = "round \(round) call \(call): stable key \(missing) not visited"
                        }
                    }
                    stop.raise()
                    readerResult[0] = result
                }
                OSThreads.run(bodies)
                return readerResult.values[0]
            }

            #expect(result.failure == nil, "\(result.failure ?? ""); \(TestKnobs.replayHint)")
            #expect(result.calls > 0)
            // Quiescent: the stable keys are all still there with their values.
            for key in stableKeys where map[key] != Self.stableValue(key) {
                Issue.record("round \(round): stable key \(key) lost; \(TestKnobs.replayHint)")
                break
            }
            try map.checkInvariants()
            if result.failure != nil { break }
        }
    }
}
