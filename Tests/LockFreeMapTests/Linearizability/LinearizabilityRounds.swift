// LinearizabilityRounds: runs many short concurrent rounds against a map, records every
// single-key operation with timestamps, and checks each round key by key.
//
// A round: the round's 1-8 keys are drawn from a tiny universe (the edge values and a few
// small numbers), each thread gets a short script of single-key operations on them, all
// threads leave a spin barrier together, run their scripts (with random pauses: none, a short
// spin, or a yield, to vary the interleavings), and meet at a second barrier. Then thread 0,
// alone, reads every round key ("observer" reads). Those reads end the round's history and
// give each key's starting value for the next round on the same map, so one map can serve
// many rounds. Maps are replaced every `roundsPerMap` rounds.
//
// Preemption: a PreemptionTimer per worker makes it yield at arbitrary instructions, so that
// operations overlap even when the shared cores let only one worker run at a time.
//
// Growth: with `fillerInsertsPerStep > 0`, threads also insert private "filler" keys between
// recorded operations, so that the table grows (and a lock-free table migrates) while the
// checked operations run. Fillers are not part of the history (no other thread touches
// them); after the run each must still hold the value written, which checks that growth
// loses nothing.
//
// Scripts depend only on the seed, so LOCKFREEMAP_SEED replays the same operations; the
// interleaving comes from the OS scheduler and is not replayed.
import Foundation

/// Concurrent linearizability rounds: configuration, execution and checking.
enum LinearizabilityRounds {
    /// What to run.
    struct Configuration: Sendable {
        /// Names the configuration in failure messages.
        var name: String
        /// Worker threads (more than the 2 cores: preemption inside operations).
        var threads: Int
        /// Rounds to run.
        var rounds: Int
        /// How many keys a round uses (fewer keys = more conflicts).
        var keysPerRound: ClosedRange<Int>
        /// Recorded operations per thread per round.
        var operationsPerThread: ClosedRange<Int>
        /// Rounds that share one map before a fresh one (capacity 0) is used.
        var roundsPerMap: Int
        /// Up to this many unrecorded private inserts after each recorded operation.
        var fillerInsertsPerStep: Int = 0
        /// Each worker is made to yield at a random instruction about this often
        /// (PreemptionTimer; each thread's period is drawn from 0.5x...1.5x); 0 = never.
        var preemptionIntervalMicroseconds: Int = 100
        /// Operation kinds (single-key only) and weights.
        var weights = MapOperationGenerator.singleKeyWeights
        /// Keys a round may use.
        var keyUniverse: [Int64] = EdgeValues.extended + [3, 4, 5, 6]
        /// Values and deltas: few, so that compare-exchange expectations often hold.
        var values: [Int64] = [0, 1, 2, -1, .min, .max]
        /// Stream of this configuration (combined with the run's seed).
        var seed: UInt64
        /// Number of the first round (a test that runs several batches numbers them on).
        var firstRound = 0

        /// The largest number of operations one key's history can have.
        var maxOperationsPerKey: Int { threads * operationsPerThread.upperBound + 1 }
    }

    /// One scripted operation of a thread.
    struct Step: Sendable {
        /// How a thread pauses before a step, to vary interleavings.
        enum Pause: Sendable { case none, spin(Int), yield }
        var pause: Pause
        var operation: MapOperation
        var fillers: Int
    }

    /// One round: its keys and each thread's script.
    struct Round: Sendable {
        var keys: [Int64]
        var scripts: [[Step]]
    }

    /// A key history that is not linearizable.
    struct Violation: Sendable {
        var round: Int
        var key: Int64
        var initial: Int64?
        var history: [RecordedOperation]
        var minimal: [RecordedOperation]
        /// When the violation became certain (operations of `minimal` returning later were
        /// still pending then).
        var cut: UInt64
    }

    /// What a run found.
    struct Outcome: Sendable {
        /// Non-linearizable key histories (at most a few are kept and shrunk).
        var violations: [Violation] = []
        /// (round, key) pairs whose search ran out of budget.
        var inconclusive: [(round: Int, key: Int64)] = []
        /// Key histories checked.
        var keyHistories = 0
        /// Recorded operations (observer reads included).
        var operations = 0
        /// The longest key history.
        var longestKeyHistory = 0
        /// Key histories in which operations of different threads overlapped in time:
        /// evidence that the run was concurrent at all.
        var concurrentKeyHistories = 0
        /// Filler keys that did not hold their value at the end.
        var lostFillers: [String] = []

        /// Whether anything went wrong (a violation, an inconclusive search, a lost entry).
        var failed: Bool { !violations.isEmpty || !inconclusive.isEmpty || !lostFillers.isEmpty }

        /// Adds the findings and counts of a later batch.
        mutating func absorb(_ other: Outcome) {
            violations += other.violations
            inconclusive += other.inconclusive
            keyHistories += other.keyHistories
            operations += other.operations
            longestKeyHistory = max(longestKeyHistory, other.longestKeyHistory)
            concurrentKeyHistories += other.concurrentKeyHistories
            lostFillers += other.lostFillers
        }
    }

    // MARK: - Scripts

    /// The rounds of `configuration`, fixed by the run seed.
    static func makeRounds(_ configuration: Configuration) -> [Round] {
        (0..<configuration.rounds).map { index in
            var rng = SeededRandom(seed: TestKnobs.seed, salts: configuration.seed, UInt64(configuration.firstRound + index))
            let keyCount = Int.random(in: configuration.keysPerRound, using: &rng)
            let keys = Array(configuration.keyUniverse.shuffled(using: &rng).prefix(keyCount))
            let generator = MapOperationGenerator(keys: keys, hotKeys: [], values: configuration.values,
                                                  percentAnyValue: 0, weights: configuration.weights)
            let scripts = (0..<configuration.threads).map { _ in
                (0..<Int.random(in: configuration.operationsPerThread, using: &rng)).map { _ in
                    let pause: Step.Pause = switch rng.index(below: 10) {
                    case 0..<5: .none
                    case 5..<8: .spin(rng.index(below: 400))
                    default: .yield
                    }
                    let fillers = configuration.fillerInsertsPerStep > 0 ? rng.index(below: configuration.fillerInsertsPerStep + 1) : 0
                    return Step(pause: pause, operation: generator.next(using: &rng), fillers: fillers)
                }
            }
            return Round(keys: keys, scripts: scripts)
        }
    }

    /// A private key for filler insert `counter` of `thread` on map `mapIndex`; never in any
    /// key universe (bit 62 set, Int64.max excluded by the layout).
    static func fillerKey(map mapIndex: Int, thread: Int, counter: Int) -> Int64 {
        Int64(bitPattern: 0x4000_0000_0000_0000 | UInt64(mapIndex) << 36 | UInt64(thread) << 28 | UInt64(counter))
    }

    // MARK: - Running

    /// Runs `configuration` against maps from `makeMap` and checks every key history.
    static func run(_ configuration: Configuration, makeMap: @escaping @Sendable () -> any MapUnderTest) async -> Outcome {
        precondition(configuration.maxOperationsPerKey <= 64, "keep key histories small for the search")
        let rounds = makeRounds(configuration)
        let mapCount = (configuration.rounds + configuration.roundsPerMap - 1) / configuration.roundsPerMap
        let maps = (0..<mapCount).map { _ in makeMap() }
        let barrier = SpinBarrier(parties: configuration.threads)
        let observer = configuration.threads
        // Slot t: worker t's histories, one per round; slot `observer`: thread 0's reads.
        let recorded = ThreadSlots<[[RecordedOperation]]>(count: configuration.threads + 1)
        let meanInterval = configuration.preemptionIntervalMicroseconds

        await OSThreads.run(count: configuration.threads) { thread in
            var rng = SeededRandom(seed: TestKnobs.seed, salts: configuration.seed, UInt64(configuration.firstRound), UInt64(thread))
            let preemption = meanInterval > 0
                ? PreemptionTimer(intervalMicroseconds: meanInterval / 2 + rng.index(below: meanInterval + 1))
                : nil
            var perRound: [[RecordedOperation]] = []
            var observed: [[RecordedOperation]] = []
            var fillerCounter = 0
            for (index, round) in rounds.enumerated() {
                let mapIndex = index / configuration.roundsPerMap
                let map = maps[mapIndex]
                if index % configuration.roundsPerMap == 0 { fillerCounter = 0 }
                var recorder = HistoryRecorder(thread: thread, capacity: round.scripts[thread].count)
                barrier.wait()
                for step in round.scripts[thread] {
                    switch step.pause {
                    case .none: break
                    case .spin(let iterations): spin(iterations)
                    case .yield: sched_yield()
                    }
                    recorder.record(step.operation, on: map)
                    for _ in 0..<step.fillers {
                        map.updateValue(Int64(fillerCounter), forKey: fillerKey(map: mapIndex, thread: thread, counter: fillerCounter))
                        fillerCounter += 1
                    }
                }
                barrier.wait()
                if thread == 0 {
                    // Quiescent: every worker is at the next round's barrier.
                    var reads = HistoryRecorder(thread: observer, capacity: round.keys.count)
                    for key in round.keys { reads.record(.value(forKey: key), on: map) }
                    observed.append(reads.operations)
                }
                perRound.append(recorder.operations)
            }
            recorded[thread] = perRound
            if thread == 0 { recorded[observer] = observed }
            preemption?.stop()
        }

        let histories = recorded.values.map { $0 ?? [] }
        var outcome = check(rounds: rounds, histories: histories, configuration: configuration)
        outcome.lostFillers = lostFillers(rounds: rounds, maps: maps, configuration: configuration)
        return outcome
    }

    /// Busy work the optimizer cannot remove, to shift a thread by a few hundred ns.
    private static func spin(_ iterations: Int) {
        var accumulator = 0
        for index in 0..<iterations { accumulator &+= index }
        withExtendedLifetime(accumulator) {}
    }

    // MARK: - Checking

    private static func check(rounds: [Round], histories: [[[RecordedOperation]]], configuration: Configuration) -> Outcome {
        var outcome = Outcome()
        var knownValues: [Int64: Int64] = [:]   // per key, on the current map
        for index in rounds.indices {
            if index % configuration.roundsPerMap == 0 { knownValues = [:] }
            let operations = histories.flatMap { $0[index] }
            outcome.operations += operations.count
            for result in LinearizabilityChecker.checkMap(operations, initial: knownValues) {
                outcome.keyHistories += 1
                outcome.longestKeyHistory = max(outcome.longestKeyHistory, result.history.count)
                if hasOverlap(result.history) { outcome.concurrentKeyHistories += 1 }
                switch result.verdict {
                case .linearizable:
                    break
                case .inconclusive:
                    outcome.inconclusive.append((configuration.firstRound + index, result.key))
                case .notLinearizable where outcome.violations.count < 3:
                    let (minimal, cut) = LinearizabilityChecker.minimalViolation(result.history, initial: result.initial)
                    outcome.violations.append(Violation(round: configuration.firstRound + index, key: result.key,
                                                        initial: result.initial, history: result.history,
                                                        minimal: minimal, cut: cut))
                case .notLinearizable:
                    outcome.violations.append(Violation(round: configuration.firstRound + index, key: result.key,
                                                        initial: result.initial, history: result.history,
                                                        minimal: result.history, cut: .max))
                }
                // The observer's read is the last operation on the key in real time.
                if let last = result.history.last(where: { $0.thread == configuration.threads }),
                   case .value(let value) = last.result {
                    knownValues[result.key] = value
                }
            }
        }
        return outcome
    }

    /// Whether two operations of different threads overlap in time.
    private static func hasOverlap(_ history: [RecordedOperation]) -> Bool {
        let sorted = history.sorted { $0.invocation < $1.invocation }
        var latestResponse: (time: UInt64, thread: Int)?
        for recorded in sorted {
            if let latest = latestResponse, latest.time >= recorded.invocation, latest.thread != recorded.thread {
                return true
            }
            if latestResponse == nil || recorded.response > latestResponse!.time {
                latestResponse = (recorded.response, recorded.thread)
            }
        }
        return false
    }

    private static func lostFillers(rounds: [Round], maps: [any MapUnderTest], configuration: Configuration) -> [String] {
        var lost: [String] = []
        for (mapIndex, map) in maps.enumerated() {
            let mapRounds = rounds[(mapIndex * configuration.roundsPerMap)..<min((mapIndex + 1) * configuration.roundsPerMap, rounds.count)]
            for thread in 0..<configuration.threads {
                let inserted = mapRounds.reduce(0) { $0 + $1.scripts[thread].reduce(0) { $0 + $1.fillers } }
                for counter in 0..<inserted {
                    let key = fillerKey(map: mapIndex, thread: thread, counter: counter)
                    let value = map.value(forKey: key)
                    if value != Int64(counter) && lost.count < 10 {
                        lost.append("map #\(mapIndex) key \(key): expected \(counter), found \(SwiftLiteral.text(value))")
                    }
                }
            }
        }
        return lost
    }

    // MARK: - Reporting

    /// The failure text for a violation: seed, configuration, and the minimal history.
    static func report(_ violation: Violation, configuration: Configuration) -> String {
        """
        Key \(SwiftLiteral.text(violation.key)) is not linearizable in round \(violation.round) of "\(configuration.name)" \
        (\(configuration.threads) threads; \(TestKnobs.replayHint): same scripts, the interleaving is not replayed).
        Minimal non-linearizable history (\(violation.minimal.count) of the key's \(violation.history.count) operations; \
        times in ns from the first invocation; "obs" = quiescent read after the round):
        \(HistoryFormatter.describe(violation.minimal, initial: violation.initial, observerThread: configuration.threads,
                                   cut: violation.cut))
        """
    }
}
