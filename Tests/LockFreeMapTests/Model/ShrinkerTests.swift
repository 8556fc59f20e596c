import Testing
// Self-tests of the model-test machinery. What this proves: the model runner does detect a
// wrong map, and the shrinker reduces a random failing sequence (hundreds of operations) to
// the essential two, with keys and values simplified to 0, so that real failures arrive as
// short, readable, pasteable sequences.
import _LockFreeMapTestSupport

@Suite("Model-based: shrinker self-tests")
struct ShrinkerTests {
    /// A map that forgets `removeValue(forKey: 0)` is caught, and the failure shrinks to
    /// "put something at key 0, then removeValue(forKey: 0)" (the final contents differ).
    @Test func brokenMapFailureShrinksToTwoOperations() throws {
        let makeMap: ModelRunner.MapFactory = { ForgetsRemovalOfKeyZero() }
        var found: (operations: [MapOperation], divergence: ModelDivergence)?
        for index in 0..<200 where found == nil {
            var rng = SeededRandom(seed: TestKnobs.seed, salts: 3, UInt64(index))
            let operations = ModelSequences.generate([(.edgeBiased(poolSize: 12), 300)], using: &rng)
            if let divergence = ModelRunner.firstDivergence(of: operations, makeMap: makeMap) {
                found = (operations, divergence)
            }
        }
        let (operations, divergence) = try #require(
            found, "the broken map passed 200 sequences; \(TestKnobs.replayHint)")

        let outcome = ModelRunner.shrink(operations, divergence: divergence, makeMap: makeMap)
        let minimal = outcome.minimal
        let report = ModelFailureReport.text(
            context: "shrinker self-test", originalCount: operations.count,
            outcome: outcome, divergence: ModelRunner.firstDivergence(of: minimal, makeMap: makeMap))
        #expect(!outcome.ranOutOfBudget, Comment(rawValue: report))
        #expect(
            ModelRunner.firstDivergence(of: minimal, makeMap: makeMap) != nil, "the minimal sequence must still fail")
        #expect(
            ModelRunner.firstDivergence(of: minimal) { LockedReferenceMap() } == nil,
            "the minimal sequence must pass on a correct map")
        #expect(minimal.count == 2, Comment(rawValue: report))
        #expect(minimal.last == .removeValue(forKey: 0), Comment(rawValue: report))
        #expect(minimal.first?.key == 0, Comment(rawValue: report))
        #expect(report.contains("LOCKFREEMAP_SEED=\(TestKnobs.seedText)"))
    }

    /// Chunk and single-element removal: the two elements that matter survive, in order.
    @Test func removalKeepsOnlyTheFailureInducingElements() {
        let shrinker = Shrinker<Int>(stillFails: { candidate in
            guard let three = candidate.firstIndex(of: 3) else { return false }
            return candidate[three...].contains(7)
        })
        let input = Array(0..<100) + [3] + Array(0..<50).reversed()
        let outcome = shrinker.shrink(input)
        #expect(outcome.minimal == [3, 7])
        #expect(!outcome.ranOutOfBudget)
    }

    /// Element simplification moves a value to the simplest one that still fails.
    @Test func simplificationMovesValuesTowardZero() {
        let shrinker = Shrinker<Int64>(
            stillFails: { $0.contains { $0 >= 1_000 } },
            simplerElements: Int64Simplicity.simpler(than:))
        let outcome = shrinker.shrink([5, .max, -7, 123_456])
        #expect(outcome.minimal == [1_000])
    }

    /// The evaluation budget is honoured and reported.
    @Test func budgetStopsTheSearch() {
        let shrinker = Shrinker<Int>(stillFails: { $0.count >= 2 }, maxEvaluations: 3)
        let outcome = shrinker.shrink(Array(0..<1_000))
        #expect(outcome.evaluations == 3)
        #expect(outcome.ranOutOfBudget)
        #expect(outcome.minimal.count >= 2)
    }

    /// Zigzag order: 0, -1, 1, -2, 2, ...; every candidate is strictly simpler.
    @Test(arguments: EdgeValues.extended + [1_000, -1_000])
    func simplerValuesAreStrictlySimpler(value: Int64) {
        let candidates = Int64Simplicity.simpler(than: value)
        #expect(candidates.allSatisfy { Int64Simplicity.rank($0) < Int64Simplicity.rank(value) })
        #expect(candidates.isEmpty == (value == 0))
        #expect(Int64Simplicity.rank(0) == 0 && Int64Simplicity.rank(-1) == 1 && Int64Simplicity.rank(1) == 2)
    }
}
