// LinearizabilityRounds, checking: splits each round's history by key, runs the
// linearizability checker on each part, shrinks violations, verifies the filler entries,
// and renders the failure report.

import _LockFreeMapTestSupport

extension LinearizabilityRounds {
    /// Checks every round key by key. `histories[t][r]`: thread t's operations in round r
    /// (t == configuration.threads: the observer). Each key starts a round with the value
    /// the observer read at the end of the key's previous round on the same map.
    static func check(rounds: [Round], histories: [[[RecordedOperation]]], configuration: Configuration) -> Outcome {
        var outcome = Outcome()
        var knownValues: [Int64: Int64] = [:]  // per key, on the current map
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
                    let (minimal, cut) = LinearizabilityChecker.minimalViolation(
                        result.history, initial: result.initial)
                    outcome.violations.append(
                        Violation(
                            round: configuration.firstRound + index, key: result.key,
                            initial: result.initial, history: result.history,
                            minimal: minimal, cut: cut))
                case .notLinearizable:
                    outcome.violations.append(
                        Violation(
                            round: configuration.firstRound + index, key: result.key,
                            initial: result.initial, history: result.history,
                            minimal: result.history, cut: .max))
                }
                // The observer's read is the last operation on the key in real time.
                if let last = result.history.last(where: { $0.thread == configuration.threads }),
                    case .value(let value) = last.result
                {
                    knownValues[result.key] = value
                }
            }
        }
        return outcome
    }

    /// Whether two operations of different threads overlap in time (histories are small).
    private static func hasOverlap(_ history: [RecordedOperation]) -> Bool {
        for (index, first) in history.enumerated() {
            for second in history[(index + 1)...]
            where first.thread != second.thread
                && first.invocation <= second.response && second.invocation <= first.response
            {
                return true
            }
        }
        return false
    }

    /// Filler keys that do not hold the value their thread wrote (at most 10 are listed).
    static func lostFillers(rounds: [Round], maps: [any MapUnderTest], configuration: Configuration) -> [String] {
        var lost: [String] = []
        for (mapIndex, map) in maps.enumerated() {
            let mapRounds = rounds[
                (mapIndex * configuration.roundsPerMap)..<min((mapIndex + 1) * configuration.roundsPerMap, rounds.count)
            ]
            for thread in 0..<configuration.threads {
                let inserted = mapRounds.reduce(0) { $0 + $1.scripts[thread].reduce(0) { $0 + $1.fillers } }
                for counter in 0..<inserted {
                    let key = fillerKey(map: mapIndex, thread: thread, counter: counter)
                    let value = map.value(forKey: key)
                    if value != Int64(counter) && lost.count < 10 {
                        lost.append(
                            "map #\(mapIndex) key \(key): expected \(counter), found \(SwiftLiteral.text(value))")
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
