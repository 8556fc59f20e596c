import Foundation
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
import _LockFreeMapTestSupport

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
        enum Pause: Sendable {
            /// Go on at once.
            case none
            /// Busy-loop this many iterations (up to a few hundred ns).
            case spin(Int)
            /// Give the core to another thread.
            case yield
        }
        /// The pause before the operation.
        var pause: Pause
        /// The recorded operation.
        var operation: MapOperation
        /// Unrecorded private inserts right after it.
        var fillers: Int
    }

    /// One round: its keys and each thread's script.
    struct Round: Sendable {
        /// The keys all scripts of the round use (each is read by the observer afterwards).
        var keys: [Int64]
        /// `scripts[t]`: what thread `t` does in this round.
        var scripts: [[Step]]
    }

    /// A key history that is not linearizable.
    struct Violation: Sendable {
        /// The round (numbered across batches).
        var round: Int
        /// The key.
        var key: Int64
        /// The key's value when the round started (nil = absent).
        var initial: Int64?
        /// All the key's operations in the round.
        var history: [RecordedOperation]
        /// The shrunk history (LinearizabilityChecker.minimalViolation).
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
            var rng = SeededRandom(
                seed: TestKnobs.seed, salts: configuration.seed, UInt64(configuration.firstRound + index))
            let keyCount = Int.random(in: configuration.keysPerRound, using: &rng)
            let keys = Array(configuration.keyUniverse.shuffled(using: &rng).prefix(keyCount))
            let generator = MapOperationGenerator(
                keys: keys, hotKeys: [], values: configuration.values,
                percentAnyValue: 0, weights: configuration.weights)
            let scripts = (0..<configuration.threads).map { _ in
                (0..<Int.random(in: configuration.operationsPerThread, using: &rng)).map { _ in
                    let pause: Step.Pause =
                        switch rng.index(below: 10) {
                        case 0..<5: .none
                        case 5..<8: .spin(rng.index(below: 400))
                        default: .yield
                        }
                    let fillers =
                        configuration.fillerInsertsPerStep > 0
                        ? rng.index(below: configuration.fillerInsertsPerStep + 1) : 0
                    return Step(pause: pause, operation: generator.next(using: &rng), fillers: fillers)
                }
            }
            return Round(keys: keys, scripts: scripts)
        }
    }

    /// A private key for filler insert `counter` of `thread` on map `mapIndex`. Bit 62 is
    /// set and bits 36-61 hold the map index, so it is never a key of `keyUniverse` (edge
    /// values and small numbers) while fewer than 2^25 maps are used.
    static func fillerKey(map mapIndex: Int, thread: Int, counter: Int) -> Int64 {
        precondition(mapIndex < 1 << 25 && thread < 1 << 8 && counter < 1 << 28, "filler key fields overflow")
        return Int64(
            bitPattern: 0x4000_0000_0000_0000 | UInt64(mapIndex) << 36 | UInt64(thread) << 28 | UInt64(counter))
    }
}
