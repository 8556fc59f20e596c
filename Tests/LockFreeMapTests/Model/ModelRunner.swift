import LockFreeMap
// ModelRunner: applies one operation sequence to a map under test and to a `[Int64: Int64]`
// model, comparing every result, then the full contents. It is the oracle of the
// model-based tests; a divergence it finds is shrunk and reported by `ModelFailureReport`.
import _LockFreeMapTestSupport

/// Where and how a map disagreed with the dictionary model.
struct ModelDivergence: Sendable, CustomStringConvertible {
    /// Index of the diverging operation, or nil when the final contents check failed.
    var step: Int?
    /// What was compared: the operation, or the name of the final check.
    var what: String
    /// What the model says.
    var expected: String
    /// What the map said.
    var actual: String

    var description: String {
        let place = step.map { "step \($0): \(what)" } ?? "final check, \(what)"
        return "\(place): expected \(expected), map returned \(actual)"
    }
}

/// Runs operation sequences against a map and the model.
enum ModelRunner {
    /// Creates a fresh map for each run (runs must be independent for shrinking).
    typealias MapFactory = @Sendable () -> any MapUnderTest

    /// The first divergence between `makeMap()` and the model on `operations`, or nil.
    ///
    /// After the last operation it compares count, isEmpty, the entries forEach visits and
    /// the value of every key the sequence touched.
    static func firstDivergence(of operations: [MapOperation], makeMap: MapFactory) -> ModelDivergence? {
        let map = makeMap()
        var model: [Int64: Int64] = [:]
        var touched = Set<Int64>()
        for (step, operation) in operations.enumerated() {
            if let key = operation.key { touched.insert(key) }
            let expected = operation.apply(to: &model)
            let actual = operation.perform(on: map)
            if expected != actual {
                return ModelDivergence(
                    step: step, what: operation.description,
                    expected: expected.description, actual: actual.description)
            }
        }
        return finalDivergence(map: map, model: model, touched: touched)
    }

    /// Compares the whole state of a quiescent map with the model.
    static func finalDivergence(map: some MapUnderTest, model: [Int64: Int64], touched: Set<Int64>) -> ModelDivergence?
    {
        if map.count != model.count {
            return ModelDivergence(step: nil, what: "count", expected: "\(model.count)", actual: "\(map.count)")
        }
        if map.isEmpty != model.isEmpty {
            return ModelDivergence(step: nil, what: "isEmpty", expected: "\(model.isEmpty)", actual: "\(map.isEmpty)")
        }
        let visited = MapOperation.forEach.perform(on: map)
        var modelCopy = model
        let expectedEntries = MapOperation.forEach.apply(to: &modelCopy)
        if visited != expectedEntries {
            return ModelDivergence(
                step: nil, what: "forEach entries", expected: expectedEntries.description,
                actual: visited.description)
        }
        for key in touched.sorted() where map.value(forKey: key) != model[key] {
            return ModelDivergence(
                step: nil, what: "value(forKey: \(SwiftLiteral.text(key)))",
                expected: SwiftLiteral.text(model[key]),
                actual: SwiftLiteral.text(map.value(forKey: key)))
        }
        return nil
    }

    /// Shrinks a diverging sequence: first to the prefix that ends at the divergence (a
    /// later operation cannot matter), then by delta debugging.
    static func shrink(
        _ operations: [MapOperation], divergence: ModelDivergence, makeMap: @escaping MapFactory,
        maxEvaluations: Int = 4_000, timeLimit: Duration = .seconds(30)
    ) -> Shrinker<MapOperation>.Outcome {
        let prefix = divergence.step.map { Array(operations[...$0]) } ?? operations
        let shrinker = MapOperationShrinking.shrinker(maxEvaluations: maxEvaluations, timeLimit: timeLimit) {
            candidate in
            firstDivergence(of: candidate, makeMap: makeMap) != nil
        }
        return shrinker.shrink(prefix)
    }
}

/// The text of a model-test failure: how to replay it and the minimal sequence as Swift.
enum ModelFailureReport {
    /// Renders a failure. `context` names the test configuration and the sequence index.
    static func text(
        context: String, originalCount: Int, outcome: Shrinker<MapOperation>.Outcome,
        divergence: ModelDivergence?
    ) -> String {
        var lines: [String] = []
        lines.append("Map diverged from the dictionary model (\(context); \(TestKnobs.replayHint)).")
        lines.append(
            "Original sequence: \(originalCount) operations. Minimal failing sequence: \(outcome.minimal.count) operations"
                + " (\(outcome.evaluations) replays\(outcome.ranOutOfBudget ? ", budget exhausted: may not be minimal" : ""))."
        )
        if let divergence { lines.append("Minimal sequence fails at \(divergence).") }
        lines.append("Paste as a regression test:")
        lines.append("    let operations: [MapOperation] = [")
        for operation in outcome.minimal.prefix(200) { lines.append("        \(operation),") }
        if outcome.minimal.count > 200 { lines.append("        // ... \(outcome.minimal.count - 200) more") }
        lines.append("    ]")
        return lines.joined(separator: "\n")
    }
}
