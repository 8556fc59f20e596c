// Self-tests of the linearizability checker on hand-written histories (no threads). What this
// proves: the checker rejects histories that no sequential order explains (stale reads, lost
// updates, double inserts, reads that ignore a completed write) and accepts overlapping
// histories that are linearizable only in an order different from invocation order; its
// witness order is a valid linearization; it honours the initial value, real-time order and
// timestamp ties; and a violation buried in noise shrinks to the essential operations.
import Testing

/// A hand-written operation: `thread` ran `operation` from `invoked` to `returned` (ns).
private func recorded(
    _ thread: Int, _ invoked: UInt64, _ returned: UInt64, _ operation: MapOperation,
    _ result: MapOperationResult
) -> RecordedOperation {
    RecordedOperation(thread: thread, operation: operation, result: result, invocation: invoked, response: returned)
}

private func isLinearizable(_ history: [RecordedOperation], initial: Int64? = nil) -> Bool {
    if case .linearizable = LinearizabilityChecker.checkRegister(history, initial: initial) { return true }
    return false
}

@Suite("Linearizability: checker self-tests")
struct CheckerSelfTests {
    /// Two adds that do not overlap, then a read that misses the second: rejected. The same
    /// history with the fresh value read is accepted (control).
    @Test func staleReadAfterSequentialAddsIsRejected() {
        let adds = [
            recorded(0, 0, 10, .wrappingAdd(1, forKey: 5), .sum(1)),
            recorded(1, 20, 30, .wrappingAdd(1, forKey: 5), .sum(2)),
        ]
        #expect(!isLinearizable(adds + [recorded(2, 40, 50, .value(forKey: 5), .value(1))]))
        #expect(isLinearizable(adds + [recorded(2, 40, 50, .value(forKey: 5), .value(2))]))
    }

    /// Two overlapping adds that both saw 0 (a lost update): no order gives both results.
    @Test func lostUpdateIsRejected() {
        let history = [
            recorded(0, 0, 100, .wrappingAdd(1, forKey: 0), .sum(1)),
            recorded(1, 10, 90, .wrappingAdd(1, forKey: 0), .sum(1)),
        ]
        #expect(LinearizabilityChecker.checkRegister(history, initial: nil) == .notLinearizable)
    }

    /// Overlapping operations whose only linearization differs from invocation order: the
    /// read invoked after the update must come before it (it saw the key absent), the
    /// failed compare-exchange and the add must follow the update. Accepted, and the witness
    /// is a genuine linearization.
    @Test func overlappingHistoryThatNeedsReorderingIsAccepted() throws {
        let history = [
            recorded(0, 0, 100, .updateValue(5, forKey: -1), .value(nil)),
            recorded(1, 10, 20, .value(forKey: -1), .value(nil)),
            recorded(
                2, 15, 120, .compareExchange(forKey: -1, expected: nil, desired: 7),
                .exchange(exchanged: false, original: 5)),
            recorded(1, 30, 40, .containsKey(-1), .flag(true)),
            recorded(3, 50, 150, .wrappingAdd(1, forKey: -1), .sum(6)),
            recorded(0, 110, 130, .removeValue(forKey: -1), .value(6)),
            recorded(
                2, 200, 210, .compareExchange(forKey: -1, expected: nil, desired: nil),
                .exchange(exchanged: true, original: nil)),
        ]
        let verdict = LinearizabilityChecker.checkRegister(history, initial: nil)
        guard case .linearizable(let order) = verdict else {
            Issue.record("expected linearizable, got \(verdict)")
            return
        }
        let invocationOrder = history.indices.sorted { history[$0].invocation < history[$1].invocation }
        #expect(order != invocationOrder, "this history is only linearizable out of invocation order")
        #expect(Set(order) == Set(history.indices))
        expectValidLinearization(order, of: history, initial: nil)
    }

    /// A read that starts after a completed update must see it; overlapping, it may not.
    @Test func realTimeOrderIsRespected() {
        let update = recorded(0, 0, 10, .updateValue(5, forKey: 1), .value(nil))
        #expect(!isLinearizable([update, recorded(1, 20, 30, .value(forKey: 1), .value(nil))]))
        #expect(isLinearizable([update, recorded(1, 5, 30, .value(forKey: 1), .value(nil))]))
    }

    /// Equal timestamps (A returns at the instant B is invoked) count as overlapping.
    @Test func equalTimestampsCountAsOverlapping() {
        let update = recorded(0, 0, 10, .updateValue(5, forKey: 1), .value(nil))
        #expect(isLinearizable([update, recorded(1, 10, 30, .value(forKey: 1), .value(nil))]))
        #expect(!isLinearizable([update, recorded(1, 11, 30, .value(forKey: 1), .value(nil))]))
    }

    /// Two concurrent put-if-absent (or insert-if-absent compare-exchange) calls: exactly
    /// one may win (jcstress's classic litmus test).
    @Test func twoWinnersOfPutIfAbsentAreRejected() {
        #expect(
            !isLinearizable([
                recorded(0, 0, 50, .insertValue(1, forKey: 0), .insert(inserted: true, currentValue: 1)),
                recorded(1, 10, 60, .insertValue(2, forKey: 0), .insert(inserted: true, currentValue: 2)),
            ]))
        #expect(
            !isLinearizable([
                recorded(
                    0, 0, 50, .compareExchange(forKey: 0, expected: nil, desired: 1),
                    .exchange(exchanged: true, original: nil)),
                recorded(
                    1, 10, 60, .compareExchange(forKey: 0, expected: nil, desired: 2),
                    .exchange(exchanged: true, original: nil)),
            ]))
        #expect(
            isLinearizable([
                recorded(0, 0, 50, .insertValue(1, forKey: 0), .insert(inserted: true, currentValue: 1)),
                recorded(1, 10, 60, .insertValue(2, forKey: 0), .insert(inserted: false, currentValue: 1)),
            ]))
    }

    /// Each compare-exchange form, judged against the register: nil -> nil may not succeed
    /// on a present key; e -> nil must remove; a failed e -> v must report the current value.
    @Test func compareExchangeFormsAreJudgedBySpecification() {
        #expect(
            !isLinearizable(
                [
                    recorded(
                        0, 0, 10, .compareExchange(forKey: 2, expected: nil, desired: nil),
                        .exchange(exchanged: true, original: nil))
                ], initial: 3))
        #expect(
            !isLinearizable(
                [
                    recorded(
                        0, 0, 10, .compareExchange(forKey: 2, expected: 3, desired: nil),
                        .exchange(exchanged: true, original: 3)),
                    recorded(0, 20, 30, .containsKey(2), .flag(true)),
                ], initial: 3))
        #expect(
            !isLinearizable(
                [
                    recorded(
                        0, 0, 10, .compareExchange(forKey: 2, expected: 4, desired: 9),
                        .exchange(exchanged: false, original: 4))
                ], initial: 3))
        #expect(
            isLinearizable(
                [
                    recorded(
                        0, 0, 10, .compareExchange(forKey: 2, expected: 3, desired: 9),
                        .exchange(exchanged: true, original: 3)),
                    recorded(
                        1, 5, 30, .compareExchange(forKey: 2, expected: 3, desired: 8),
                        .exchange(exchanged: false, original: 9)),
                    recorded(0, 20, 40, .subscriptSet(2, nil), .done),
                    recorded(1, 50, 60, .subscriptGet(2), .value(nil)),
                ], initial: 3))
    }

    /// The initial value is the register's starting state.
    @Test func initialValueIsHonoured() {
        let read = [recorded(0, 0, 10, .value(forKey: 8), .value(7))]
        #expect(isLinearizable(read, initial: 7))
        #expect(!isLinearizable(read, initial: nil))
        #expect(!isLinearizable(read, initial: 6))
    }

    /// checkMap splits by key: a violation on one key is reported on that key alone.
    @Test func checkMapPartitionsByKey() {
        let history = [
            recorded(0, 0, 100, .wrappingAdd(1, forKey: 1), .sum(1)),
            recorded(1, 10, 90, .wrappingAdd(1, forKey: 1), .sum(1)),
            recorded(0, 110, 120, .updateValue(3, forKey: 2), .value(nil)),
            recorded(1, 100, 130, .value(forKey: 2), .value(3)),
            recorded(2, 0, 200, .removeValue(forKey: 3), .value(4)),
        ]
        let results = LinearizabilityChecker.checkMap(history, initial: [3: 4])
        #expect(results.map(\.key) == [1, 2, 3])
        #expect(results[0].verdict == .notLinearizable)
        #expect(results[1].verdict != .notLinearizable && results[1].verdict != .inconclusive)
        #expect(results[2].verdict == .linearizable(order: [0]))
    }

    /// A lost update hidden among unrelated, linearizable operations shrinks to the two adds.
    /// (The noise only observes what is true from the initial value on, so no subset of it
    /// fails alone.)
    @Test func violationShrinksToItsCore() {
        let initial: Int64? = 10
        var history: [RecordedOperation] = []
        for index in 0..<12 {
            let time = UInt64(index) * 1_000
            history.append(
                index < 6
                    ? recorded(index % 3, time, time + 10, .value(forKey: 4), .value(10))
                    : recorded(index % 3, time, time + 10, .containsKey(4), .flag(true)))
        }
        history.insert(recorded(5, 5_500, 5_900, .wrappingAdd(1, forKey: 4), .sum(11)), at: 6)
        history.insert(recorded(6, 5_600, 5_800, .wrappingAdd(1, forKey: 4), .sum(11)), at: 7)
        #expect(LinearizabilityChecker.checkRegister(history, initial: initial) == .notLinearizable)
        let (minimal, cut) = LinearizabilityChecker.minimalViolation(history, initial: initial)
        #expect(minimal.count == 2)
        #expect(minimal.allSatisfy { $0.operation == .wrappingAdd(1, forKey: 4) })
        #expect(cut == 5_900, "the violation is certain when the second add returns")
        let text = HistoryFormatter.describe(minimal, initial: initial, observerThread: 6, cut: cut)
        #expect(text.contains("T5") && text.contains("obs") && text.contains("initial value: 10"))
    }

    /// A read invoked first but returning last may see a write invoked after it: the
    /// minimal violation keeps the write that justifies the read and names the real culprit.
    @Test func minimalViolationKeepsJustifyingWrites() {
        let history = [
            recorded(0, 0, 1_000, .value(forKey: 1), .value(7)),  // preempted read
            recorded(1, 100, 200, .updateValue(7, forKey: 1), .value(nil)),
            recorded(2, 300, 400, .updateValue(8, forKey: 1), .value(7)),
            recorded(1, 500, 600, .value(forKey: 1), .value(7)),  // stale: 8 was written
        ]
        #expect(LinearizabilityChecker.checkRegister(history, initial: nil) == .notLinearizable)
        let (minimal, cut) = LinearizabilityChecker.minimalViolation(history, initial: nil)
        #expect(cut == 600)
        #expect(minimal.last?.invocation == 500, "the stale read is the culprit")
        #expect(minimal.contains { $0.operation == .updateValue(8, forKey: 1) })
        #expect(!minimal.contains { $0.invocation == 0 }, "the overlapping early read is irrelevant")
        #expect(LinearizabilityChecker.checkRegister(minimal, initial: nil, cut: cut) == .notLinearizable)
    }

    /// At a cut, operations still running are pending: any result, effect optional.
    @Test func pendingOperationsAtACutMayOrMayNotTakeEffect() {
        let write = recorded(0, 0, 1_000, .updateValue(5, forKey: 2), .value(42))  // result irrelevant while pending
        let sawIt = recorded(1, 100, 200, .value(forKey: 2), .value(5))
        let missedIt = recorded(1, 100, 200, .value(forKey: 2), .value(nil))
        #expect(LinearizabilityChecker.checkRegister([write, sawIt], initial: nil, cut: 200) != .notLinearizable)
        #expect(LinearizabilityChecker.checkRegister([write, missedIt], initial: nil, cut: 200) != .notLinearizable)
        #expect(
            LinearizabilityChecker.checkRegister([write, sawIt], initial: nil) == .notLinearizable,
            "without the cut the write returned 42, which no order explains")
    }

    /// A search that runs out of budget says so instead of guessing.
    @Test func exhaustedBudgetIsInconclusive() {
        let history =
            (0..<20).map { recorded($0, 0, 100, .wrappingAdd(1, forKey: 0), .sum(Int64(20 - $0))) }
            + [recorded(0, 200, 210, .value(forKey: 0), .value(0))]
        #expect(LinearizabilityChecker.checkRegister(history, initial: nil, stepBudget: 50) == .inconclusive)
        #expect(LinearizabilityChecker.checkRegister(history, initial: nil) == .notLinearizable)
    }

    /// Checks that `order` is a linearization: replaying it sequentially reproduces every
    /// result, and it never puts B before A when A returned before B was invoked.
    private func expectValidLinearization(_ order: [Int], of history: [RecordedOperation], initial: Int64?) {
        var state = initial
        for index in order {
            let (result, newState) = history[index].operation.apply(toRegister: state)
            #expect(result == history[index].result, "operation \(index) in the witness order")
            state = newState
        }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for a in history.indices {
            for b in history.indices where history[a].response < history[b].invocation {
                #expect(position[a]! < position[b]!, "real-time order \(a) before \(b)")
            }
        }
    }
}
