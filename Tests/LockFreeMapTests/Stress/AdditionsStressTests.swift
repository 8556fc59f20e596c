@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

// Concurrent stress of the version 2 additions: removeAll(where:) against writers changing
// the values it may be removing, and for-in iteration (the resumable iterator) against churn,
// migrations and a full growth of its stripe between two calls of next().
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The removeAll(where:) test's handshake: the predicate announces the index of the key it
/// is looking at, and the interfering writer, which owns that key, changes its value and
/// acknowledges, before the predicate returns. That forces the race the remove-if-equal
/// exists for (predicate saw v, the entry changed, the removal must fail) on every
/// announced key instead of leaving it to chance.
final class SweepMailbox: Sendable {
    let announced = AtomicWord(-1)
    let acknowledged = AtomicWord(-1)
}

extension StressSuite.Invariants {
    /// What one writer of the removeAll(where:) test wrote last, per key it owns.
    struct LastWrites: Sendable {
        var values: [Int64: Int64] = [:]
        var writes = 0
    }

    // Stresses: removeAll(where:) removes with remove-if-equal on the value its predicate saw,
    // so an entry updated meanwhile must stay. The predicate removes even values; writers own
    // disjoint keys and set odd or even values during the sweep (through updateValue and
    // updateValue(forKey:with:)). Afterwards, every key whose last write was odd holds that
    // value, a key whose last write was even holds it or is absent, untouched keys (even
    // values from the fill) are gone, and the returned count equals the entries that vanished.
    @Test("removeAll(where:) vs writers: an entry updated during the sweep survives")
    func removeAllWhereKeepsEntriesUpdatedMeanwhile() async throws {
        let rounds = TestKnobs.stressScaled(6, long: 60)
        let keyCount = 20_000
        let writerCount = 2
        let seed = TestKnobs.seed
        let hint = TestKnobs.replayHint
        let keys = (0..<keyCount).map { Int64(bitPattern: SeededRandom.mix(UInt64($0) &+ 77)) }
        try #require(Set(keys).count == keyCount, "key generator collided")
        var totalWrites = 0
        var interfered = 0

        for round in 0..<rounds {
            let map = LockFreeInt64Map(minimumCapacity: round % 2 == 0 ? 0 : keyCount)
            for (index, key) in keys.enumerated() { map[key] = Int64(index) * 2 }  // all even
            let sweepDone = StressFlag()
            let removedCount = ThreadSlots<Int>(count: 1)
            let writes = ThreadSlots<LastWrites>(count: writerCount + 1)
            let mailbox = SweepMailbox()
            let indexOf = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) })
            await onOSThread {
                var bodies: [@Sendable () -> Void] = (0..<writerCount).map { writer in
                    {
                        var random = SeededRandom(seed: seed, salts: UInt64(round * 8 + writer))
                        var last = LastWrites()
                        while !sweepDone.isRaised {
                            // Writer w owns the keys with index % writerCount == w.
                            let index = random.index(below: keyCount / writerCount) * writerCount + writer
                            if index % 16 == 0 { continue }  // the interferer's key
                            let key = keys[index]
                            let odd = random.index(below: 2) == 0
                            let value = Int64(random.index(below: 1 << 20)) * 2 + (odd ? 1 : 0)
                            if random.index(below: 2) == 0 {
                                map.updateValue(value, forKey: key)
                            } else {
                                map.updateValue(forKey: key) { _ in value }
                            }
                            last.values[key] = value
                            last.writes += 1
                        }
                        writes[writer] = last
                    }
                }
                // The interferer owns the keys whose index is a multiple of 16 (the random
                // writers own the others), and sets an odd value on each one announced.
                bodies.append {
                    var last = LastWrites()
                    var handled = -1
                    while !sweepDone.isRaised {
                        let index = mailbox.announced.load(ordering: .acquiring)
                        if index == handled {
                            sched_yield()
                            continue
                        }
                        let value = Int64(index) * 2 + 1
                        map.updateValue(forKey: keys[index]) { _ in value }
                        last.values[keys[index]] = value
                        last.writes += 1
                        handled = index
                        mailbox.acknowledged.store(index, ordering: .releasing)
                    }
                    writes[writerCount] = last
                }
                bodies.append {
                    // Yield now and then so that the writers' updates land mid-sweep, also
                    // between the predicate and its remove-if-equal.
                    var seen = 0
                    removedCount[0] = map.removeAll { key, value in
                        seen += 1
                        if seen % 128 == 0 { sched_yield() }
                        if let index = indexOf[key], index % 16 == 0, index % 256 == round * 16 % 256 || index < 64 {
                            // Announce, and give the interferer a bounded time to act.
                            mailbox.announced.store(index, ordering: .releasing)
                            var spins = 0
                            while mailbox.acknowledged.load(ordering: .acquiring) != index, spins < 10_000 {
                                sched_yield()
                                spins += 1
                            }
                        }
                        return value & 1 == 0
                    }
                    sweepDone.raise()
                }
                OSThreads.run(bodies)
            }

            interfered += writes.values[writerCount].writes
            var lastWrite: [Int64: Int64] = [:]
            for w in writes.values { lastWrite.merge(w.values) { _, new in new } }
            totalWrites += writes.values.reduce(0) { $0 + $1.writes }
            let present = keys.filter { map[$0] != nil }.count
            var failure: String?
            for key in keys {
                let stored = map[key]
                if let written = lastWrite[key] {
                    if written & 1 != 0, stored != written {
                        failure = "key \(key): last write \(written) (odd), map holds \(SwiftLiteral.text(stored))"
                    } else if written & 1 == 0, stored != nil, stored != written {
                        failure = "key \(key): last write \(written), map holds \(SwiftLiteral.text(stored))"
                    }
                } else if stored != nil {
                    failure = "untouched key \(key) survived with \(SwiftLiteral.text(stored))"
                }
                if failure != nil { break }
            }
            #expect(failure == nil, "round \(round): \(failure ?? ""); \(hint)")
            // Writers never remove, so every entry that vanished was one of the sweep's
            // removals (a writer may also have re-inserted a key the sweep removed).
            #expect(
                removedCount.values[0] >= keyCount - present,
                "round \(round): removed \(removedCount.values[0]), vanished \(keyCount - present); \(hint)")
            #expect(map.count == present, "round \(round); \(hint)")
            try map.checkInvariants()
            if failure != nil { break }
        }
        #expect(totalWrites > 0, "no write overlapped a sweep: nothing concurrent was tested")
        #expect(interfered > 0, "the interferer changed no announced entry")
    }

    /// What an iterating reader found.
    struct IterationRoundResult: Sendable {
        var iterations = 0
        var failure: String?
    }

    /// Checks one iteration's tally: every stable key exactly once with its value, no key
    /// twice, churn values well formed. Returns the first violation.
    static func iterationFailure(_ visits: [Int64: Int], badEntry: String?, stableKeys: [Int64]) -> String? {
        if let badEntry { return badEntry }
        if let duplicate = visits.first(where: { $0.value > 1 }) {
            return "key \(duplicate.key) produced \(duplicate.value) times"
        }
        if let missing = stableKeys.first(where: { visits[$0] == nil }) { return "stable key \(missing) not produced" }
        return nil
    }

    // Stresses: for-in iteration while writers fill and drain a disjoint key set (the tables
    // grow and shrink under the iterator) and one writer also raises the capacity with
    // reserveCapacity. One reader iterates straight through; a second iterates slowly,
    // yielding between next() calls, so migrations happen between its calls. Every key
    // present throughout is produced exactly once with its value, no key twice (docs/API.md).
    @Test("for-in under churn and migrations: each untouched key exactly once, no key twice")
    func iterationUnderChurnProducesStableKeysOnce() async throws {
        let rounds = TestKnobs.stressScaled(3, long: 20)
        let iterationsPerRound = TestKnobs.stressScaled(30, long: 300)
        let stableCount = 2_000
        let churnCount = 16_384
        let seed = TestKnobs.seed
        let hint = TestKnobs.replayHint
        let stableKeys = (0..<stableCount).map(Self.stableKey)
        let churnKeys = (0..<churnCount).map(Self.churnKey)
        let stableSet = Set(stableKeys)
        let churnSet = Set(churnKeys)

        for round in 0..<rounds {
            let map = LockFreeInt64Map()
            for key in stableKeys { map[key] = Self.stableValue(key) }
            let stop = StressFlag()
            let readers = ThreadSlots<IterationRoundResult>(count: 2)
            await onOSThread {
                var bodies: [@Sendable () -> Void] = (0..<2).map { writer in
                    {
                        var random = SeededRandom(seed: seed, salts: UInt64(round * 16 + writer))
                        var step = 0
                        while !stop.isRaised {
                            let filling = (step / 4_096) % 2 == 0
                            step += 1
                            if writer == 0, step % 20_000 == 10_000 { map.reserveCapacity(step / 4) }
                            let key = churnKeys[random.index(below: churnCount)]
                            let choice = random.index(below: 10)
                            if choice < 2 {
                                map.updateValue(forKey: key) { _ in
                                    Self.churnValue(key, version: random.index(below: 16))
                                }
                            } else if (choice < 8) == filling {
                                _ = map.value(forKey: key, orInsert: { Self.churnValue(key, version: 3) })
                            } else {
                                map.removeValue(forKey: key)
                            }
                        }
                    }
                }
                for reader in 0..<2 {
                    bodies.append {
                        var result = IterationRoundResult()
                        var visits: [Int64: Int] = [:]
                        let slow = reader == 1
                        let target = slow ? max(1, iterationsPerRound / 10) : iterationsPerRound
                        for iteration in 0..<target where result.failure == nil {
                            visits.removeAll(keepingCapacity: true)
                            var badEntry: String?
                            var produced = 0
                            for (key, value) in map {
                                visits[key, default: 0] += 1
                                produced += 1
                                if slow, produced % 64 == 0 { sched_yield() }
                                if badEntry == nil {
                                    badEntry = Self.churnEntryProblem(
                                        key, value, stableSet: stableSet, churnSet: churnSet)
                                }
                            }
                            result.iterations += 1
                            if let failure = Self.iterationFailure(visits, badEntry: badEntry, stableKeys: stableKeys) {
                                result.failure = "reader \(reader) iteration \(iteration): \(failure)"
                            }
                        }
                        readers[reader] = result
                        if reader == 0 { stop.raise() }
                    }
                }
                OSThreads.run(bodies)
            }
            for result in readers.values {
                #expect(result.failure == nil, "round \(round): \(result.failure ?? ""); \(hint)")
                #expect(result.iterations > 0)
            }
            for key in stableKeys where map[key] != Self.stableValue(key) {
                Issue.record("round \(round): stable key \(key) lost; \(hint)")
                break
            }
            try map.checkInvariants()
        }
    }

    // Stresses: an iterator kept alive (no pin held) while another thread grows the map
    // many times over, then resumed; and one resumed while the growth is still running.
    // Keys present throughout are produced exactly once, with their values.
    @Test("An iterator kept across a full growth of its stripes produces each key once")
    func iteratorKeptAcrossGrowth() async throws {
        let rounds = TestKnobs.stressScaled(3, long: 20)
        let stableCount = 3_000
        let growthCount = TestKnobs.isInstrumented ? 60_000 : 200_000
        let hint = TestKnobs.replayHint
        let stableKeys = (0..<stableCount).map(Self.stableKey)
        let stableSet = Set(stableKeys)

        for round in 0..<rounds {
            let map = LockFreeInt64Map()
            for key in stableKeys { map[key] = Self.stableValue(key) }
            let bucketsBefore = map.statistics.bucketCount
            var iterator = map.makeIterator()
            var visits: [Int64: Int] = [:]
            var badEntry: String?
            func take(_ n: Int, yieldingEvery period: Int = .max) {
                var produced = 0
                while produced < n, let (key, value) = iterator.next() {
                    visits[key, default: 0] += 1
                    produced += 1
                    if produced % period == 0 { sched_yield() }
                    if badEntry == nil, stableSet.contains(key), value != Self.stableValue(key) {
                        badEntry = "stable key \(key) had value \(value)"
                    }
                }
            }
            take(5 + round * 7)
            #expect(LockFreeInt64Map.currentThreadPinDepth == 0)
            // Grow from another thread, to completion (churn keys are disjoint from stable ones).
            let concurrent = round % 2 == 1
            let grower = OSThreads.spawn {
                for i in 0..<growthCount { map.insertValue(1, forKey: Self.churnKey(i)) }
            }
            if concurrent {
                // Resume while the growth runs: a slow walk, yielding now and then.
                take(Int.max, yieldingEvery: 16)
                PlatformThread.join(grower)
            } else {
                PlatformThread.join(grower)
                #expect(map.statistics.bucketCount > bucketsBefore * 8, "the map did not grow much")
                take(Int.max)
            }
            let stableOnly = visits.filter { stableSet.contains($0.key) }
            #expect(badEntry == nil, "round \(round): \(badEntry ?? ""); \(hint)")
            #expect(
                stableOnly.count == stableCount,
                "round \(round): \(stableCount - stableOnly.count) stable keys not produced; \(hint)")
            #expect(visits.allSatisfy { $0.value == 1 }, "round \(round): a key produced twice; \(hint)")
            #expect(iterator.next() == nil)
            try map.checkInvariants()
        }
    }
}
