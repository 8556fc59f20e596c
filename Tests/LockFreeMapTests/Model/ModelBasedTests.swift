import LockFreeMap
import Testing
// Model-based property tests: seeded random sequences of every API operation are applied to
// LockFreeInt64Map and to a `[Int64: Int64]` model; every result and the final contents must
// agree. What this proves (single-threaded): each operation implements docs/API.md's sequential
// semantics for all key/value edge cases the generator hits, across growth from capacity 0
// to ~20,000 keys, mass removal and regrowth. Concurrency is the linearizability suite's job.
//
// Replay: the failure message names the seed; LOCKFREEMAP_SEED=<n> regenerates the same
// sequences. LOCKFREEMAP_LONG=1 runs many more and longer sequences.
import _LockFreeMapTestSupport

@Suite("Model-based: map vs [Int64: Int64]")
struct ModelBasedTests {
    /// Many short sequences over 12 keys (all edge values), every operation kind, from
    /// assorted initial capacities: dense collisions of operations on the same keys.
    @Test func edgeBiasedSequencesMatchDictionary() {
        let sequenceCount = TestKnobs.scaled(short: 1_500, long: 50_000)
        let maxLength = TestKnobs.scaled(short: 300, long: 2_000)
        for index in 0..<sequenceCount {
            var rng = SeededRandom(seed: TestKnobs.seed, salts: 1, UInt64(index))
            let capacity = rng.element(of: [0, 0, 1, 2, 16, 1_000])
            let generator = MapOperationGenerator.edgeBiased(poolSize: 12)
            let operations = ModelSequences.generate([(generator, 1 + rng.index(below: maxLength))], using: &rng)
            let matched = ModelSequences.expectMatchesModel(
                operations, context: "edge-biased sequence #\(index), capacity \(capacity)"
            ) { LockFreeInt64Map(minimumCapacity: capacity) }
            if !matched { return }
        }
    }

    /// One long sequence over up to 20,000 distinct keys from capacity 0, in phases: grow
    /// (inserting kinds dominate), churn, drain (removing kinds dominate), removeAll, regrow.
    /// A growing (and possibly shrinking) table resizes many times; every result is checked.
    @Test func wideKeySpaceGrowDrainRegrowMatchesDictionary() {
        let runs = TestKnobs.scaled(short: 1, long: 8)
        let scale = TestKnobs.scaled(short: 1, long: 3)
        for run in 0..<runs {
            var rng = SeededRandom(seed: TestKnobs.seed, salts: 2, UInt64(run))
            let grow = MapOperationGenerator.wide(
                distinctKeys: 20_000, weights: MapOperationGenerator.growingWeights, using: &rng)
            var churn = grow
            churn.weights = MapOperationGenerator.balancedWeights.filter { ![.removeAll, .forEach].contains($0.kind) }
            var drain = grow
            drain.weights = MapOperationGenerator.drainingWeights
            var operations = ModelSequences.generate(
                [(grow, 30_000 * scale), (churn, 10_000 * scale), (drain, 30_000 * scale)], using: &rng)
            // Full-contents checks at phase ends, then a regrowth from an emptied table.
            operations += [.forEach, .count, .removeAll, .isEmpty, .count]
            operations += ModelSequences.generate([(grow, 10_000 * scale)], using: &rng)
            let matched = ModelSequences.expectMatchesModel(
                operations, context: "wide key space run #\(run)", shrinkTimeLimit: .seconds(60)
            ) { LockFreeInt64Map(minimumCapacity: 0) }
            if !matched { return }
        }
    }
}
