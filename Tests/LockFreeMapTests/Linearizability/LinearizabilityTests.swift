import LockFreeMap
import Testing
// Concurrent linearizability tests of LockFreeInt64Map. What this proves: in many short
// rounds of 4-8 threads (oversubscribing the 2 cores) hammering 1-8 keys, including edge
// keys and values, every key's recorded history of value(forKey:), containsKey, subscript
// get/set (nil included), updateValue, insertValue, removeValue, all four compareExchange
// forms, wrappingAdd, updateValue(forKey:with:) and value(forKey:orInsert:) is linearizable, also while the table grows under the operations;
// and growth loses no entry. It also asserts that operations really overlapped, so a pass
// is not a run that happened to be sequential.
//
// Knobs: LOCKFREEMAP_SEED replays the scripts (not the interleaving); LOCKFREEMAP_LONG=1
// runs up to 50,000 rounds per test (at most 10 minutes each). All threaded suites of this file and EndToEndSelfTests.swift are
// one serialized suite, so they never compete with each other for the 2 cores.
import _LockFreeMapTestSupport

@Suite("Linearizability: concurrent rounds", .serialized)
struct LinearizabilityTests {
    /// Runs `configuration` on maps from `makeMap` and expects no violation, no inconclusive
    /// search, no lost filler entry, and real overlap.
    ///
    /// Rounds run in batches of `configuration.rounds` (numbered on), until the run has
    /// `Budget.concurrentKeyHistories` key histories in which operations of different threads
    /// overlapped, `Budget.batches` batches ran, or `Budget.time` passed. The 2 cores are
    /// shared: when they are busy, rounds get slow and overlap gets rare, and the budget
    /// keeps such a run short instead of letting it take minutes.
    static func expectLinearizable(
        _ configuration: LinearizabilityRounds.Configuration,
        makeMap: @escaping @Sendable () -> any MapUnderTest = { LockFreeInt64Map() },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        var outcome = LinearizabilityRounds.Outcome()
        let deadline = ContinuousClock.now + Budget.time
        for batch in 0..<Budget.batches {
            var batchConfiguration = configuration
            batchConfiguration.firstRound = batch * configuration.rounds
            outcome.absorb(await LinearizabilityRounds.run(batchConfiguration, makeMap: makeMap))
            if outcome.failed || outcome.concurrentKeyHistories >= Budget.concurrentKeyHistories
                || ContinuousClock.now > deadline
            {
                break
            }
        }
        if let violation = outcome.violations.first {
            Issue.record(
                Comment(
                    rawValue: LinearizabilityRounds.report(violation, configuration: configuration)
                        + "\n(\(outcome.violations.count) violating key histories in this run)"),
                sourceLocation: sourceLocation)
        }
        #expect(
            outcome.inconclusive.isEmpty,
            "search budget exhausted for \(outcome.inconclusive.prefix(5)); \(TestKnobs.replayHint)",
            sourceLocation: sourceLocation)
        #expect(
            outcome.lostFillers.isEmpty, "entries lost: \(outcome.lostFillers); \(TestKnobs.replayHint)",
            sourceLocation: sourceLocation)
        #expect(
            outcome.concurrentKeyHistories > 0,
            "no two operations of different threads overlapped in \(outcome.keyHistories) key histories (\(outcome.operations) operations): nothing concurrent was tested",
            sourceLocation: sourceLocation)
        #expect(
            outcome.keyHistories > 0 && outcome.longestKeyHistory <= configuration.maxOperationsPerKey,
            sourceLocation: sourceLocation)
    }

    /// How long each test goes on (short by default, long under LOCKFREEMAP_LONG=1).
    enum Budget {
        /// Rounds per batch.
        static let rounds = TestKnobs.scaled(short: 200, long: 2_000)
        /// At most this many batches.
        static let batches = TestKnobs.scaled(short: 12, long: 25)
        /// Stop once this many key histories had overlapping operations.
        static let concurrentKeyHistories = TestKnobs.scaled(short: 500, long: .max)
        /// Start no new batch after this long: half as long under a sanitizer or valgrind,
        /// where rounds run 5-50x slower and CI's budget is spent (the same rounds run
        /// uninstrumented in three other steps of `.ci/run`).
        static let time: Duration = .seconds(
            TestKnobs.isLong ? 600 : TestKnobs.isInstrumented ? 5 : 10)
    }

    /// 4 threads, 1-4 keys, a fresh map every 10 rounds: the densest conflicts.
    @Test func fourThreadsFewKeys() async {
        await Self.expectLinearizable(
            .init(
                name: "4 threads, 1-4 keys", threads: 4, rounds: Budget.rounds, keysPerRound: 1...4,
                operationsPerThread: 1...6, roundsPerMap: 10, seed: 11))
    }

    /// 8 threads on 2 cores, 4-8 keys: operations are preempted in the middle.
    @Test func eightThreadsOversubscribed() async {
        await Self.expectLinearizable(
            .init(
                name: "8 threads, 4-8 keys", threads: 8, rounds: Budget.rounds, keysPerRound: 4...8,
                operationsPerThread: 1...5, roundsPerMap: 20, seed: 12))
    }

    /// 6 threads on one key, only the read-modify-write operations: counters and CAS races.
    @Test func oneHotKeyReadModifyWrite() async {
        await Self.expectLinearizable(
            .init(
                name: "6 threads, 1 key, read-modify-write", threads: 6, rounds: Budget.rounds, keysPerRound: 1...1,
                operationsPerThread: 1...6, roundsPerMap: 50,
                weights: [
                    (.compareExchange, 10), (.wrappingAdd, 8), (.insertValue, 4), (.removeValue, 3), (.value, 3),
                ],
                seed: 13))
    }

    /// 6 threads on 2-6 keys while they also insert private keys, from capacity 0: the
    /// table grows (several doublings per map) under the checked operations.
    @Test func whileTheTableGrows() async {
        await Self.expectLinearizable(
            .init(
                name: "6 threads, 2-6 keys, growing table", threads: 6, rounds: Budget.rounds, keysPerRound: 2...6,
                operationsPerThread: 1...5, roundsPerMap: 30, fillerInsertsPerStep: 12, seed: 14))
    }

    /// 6 threads on 1-2 keys, mostly the closure-based additions (updateValue(forKey:with:)
    /// retries its transform on every lost race; value(forKey:orInsert:) races its insert),
    /// mixed with the writes they race against, while private fillers grow the table.
    @Test func closureReadModifyWriteAndGetOrInsert() async {
        await Self.expectLinearizable(
            .init(
                name: "6 threads, 1-2 keys, updateWith / valueOrInsert", threads: 6, rounds: Budget.rounds,
                keysPerRound: 1...2, operationsPerThread: 1...6, roundsPerMap: 30, fillerInsertsPerStep: 4,
                weights: [
                    (.updateWith, 14), (.valueOrInsert, 6), (.wrappingAdd, 3), (.compareExchange, 3),
                    (.removeValue, 3), (.insertValue, 2), (.value, 3),
                ],
                seed: 15))
    }
}
