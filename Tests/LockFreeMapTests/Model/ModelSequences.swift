import Testing
// ModelSequences: builds seeded operation sequences and checks them against the model,
// turning a divergence into one readable, replayable test failure (shrunk sequence + seed).
import _LockFreeMapTestSupport

/// Generation and checking of model-test sequences.
enum ModelSequences {
    /// `length` operations from `generator`, in phases if given. The generator sees the
    /// model state while generating, so compare-exchange often expects the right value.
    static func generate(
        _ phases: [(generator: MapOperationGenerator, length: Int)],
        using rng: inout SeededRandom
    ) -> [MapOperation] {
        var model: [Int64: Int64] = [:]
        var operations: [MapOperation] = []
        operations.reserveCapacity(phases.reduce(0) { $0 + $1.length })
        for (generator, length) in phases {
            for _ in 0..<length {
                let operation = generator.next(using: &rng) { model[$0] }
                _ = operation.apply(to: &model)
                operations.append(operation)
            }
        }
        return operations
    }

    /// Runs `operations` against `makeMap()` and the model. On divergence, shrinks the
    /// sequence, records one issue with the seed and the minimal sequence, and returns false.
    @discardableResult
    static func expectMatchesModel(
        _ operations: [MapOperation], context: String,
        shrinkTimeLimit: Duration = .seconds(30),
        makeMap: @escaping ModelRunner.MapFactory,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard let divergence = ModelRunner.firstDivergence(of: operations, makeMap: makeMap) else { return true }
        let outcome = ModelRunner.shrink(
            operations, divergence: divergence, makeMap: makeMap,
            timeLimit: shrinkTimeLimit)
        let minimalDivergence = ModelRunner.firstDivergence(of: outcome.minimal, makeMap: makeMap)
        let report = ModelFailureReport.text(
            context: context, originalCount: operations.count,
            outcome: outcome, divergence: minimalDivergence)
        Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
        return false
    }
}
