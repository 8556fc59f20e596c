// LinearizabilityChecker: decides whether a recorded concurrent history of single-key map
// operations is linearizable (Herlihy & Wing, "Linearizability: A Correctness Condition for
// Concurrent Objects", ACM TOPLAS 1990).
//
// Decomposition. Linearizability is local (Herlihy & Wing, Theorem 1): a history over
// several objects is linearizable iff each object's sub-history is. For single-key
// operations the map is a product of independent registers, one `Int64?` per key, so the
// history is split by key and each part is checked on its own ("P-compositionality",
// Horn & Kroening, FORTE 2015; Porcupine does the same for key-value stores). This is why
// whole-map operations (count, isEmpty, forEach, removeAll) are never recorded: they span
// all registers and docs/API.md does not promise that they are atomic.
//
// Search. Wing & Gong's algorithm (J. Parallel Distrib. Comput. 1993) with Lowe's
// memoization ("Testing for linearizability", Concurrency Comput. 2017): walk the history's
// call/return events in time order; at a call, try to linearize that operation now (its
// result must match the register's sequential specification); at a return whose operation
// has not been linearized, backtrack. A configuration (set of linearized operations as a
// bitset, register value) already explored is never explored again, which bounds the work
// by (reachable sets of linearized operations) x (values) instead of n!.
//
// Real-time order. A precedes B iff A.response < B.invocation (strictly). Equal timestamps
// count as overlapping, which can only make the checker more permissive, never produce a
// false "not linearizable".

/// What the checker decided about one key's history.
enum LinearizabilityVerdict: Equatable, Sendable {
    /// Linearizable; `order` lists operation indices in a valid linearization.
    case linearizable(order: [Int])
    /// No linearization exists.
    case notLinearizable
    /// The search exceeded its step budget (history too large); no conclusion.
    case inconclusive
}

/// The Wing & Gong / Lowe linearizability search over a single-key register.
enum LinearizabilityChecker {
    /// Default bound on search steps for one key: far above what a key history of ~40
    /// operations from <= 8 threads needs.
    static let defaultStepBudget = 5_000_000

    /// Decides whether `history` (operations on one key) is linearizable with respect to the
    /// register specification `MapOperation.apply(toRegister:)`, starting from `initial`.
    ///
    /// With `cut`, the history is judged as it stood at that instant: operations that had not
    /// returned by then are pending, so their results are unknown and each may or may not
    /// have taken effect (Herlihy & Wing's completion of a history). Every operation must
    /// have been invoked by `cut`.
    static func checkRegister(
        _ history: [RecordedOperation], initial: Int64?, cut: UInt64? = nil,
        stepBudget: Int = defaultStepBudget
    ) -> LinearizabilityVerdict {
        let count = history.count
        if count == 0 { return .linearizable(order: []) }
        precondition(
            Set(history.compactMap(\.operation.key)).count == 1 && history.allSatisfy { $0.operation.key != nil },
            "checkRegister takes single-key operations on one key")
        precondition(cut == nil || history.allSatisfy { $0.invocation <= cut! }, "operation invoked after the cut")
        let pending = history.map { cut != nil && $0.response > cut! }

        // Events in time order; at equal times calls come first (equal = overlapping).
        // Node 0 is the list head; node i + 1 is events[i].
        struct Event {
            var time: UInt64
            var isCall: Bool
            var operation: Int
        }
        var events: [Event] = []
        events.reserveCapacity(2 * count)
        for (index, recorded) in history.enumerated() {
            precondition(recorded.invocation <= recorded.response, "response before invocation")
            events.append(Event(time: recorded.invocation, isCall: true, operation: index))
            // A pending operation never returns: its return event sorts after all others.
            events.append(Event(time: pending[index] ? .max : recorded.response, isCall: false, operation: index))
        }
        events.sort { ($0.time, $0.isCall ? 0 : 1) < ($1.time, $1.isCall ? 0 : 1) }

        var next = Array(1...(2 * count)) + [-1]  // next[i]: node after node i, -1 = end
        var previous = [-1] + Array(0..<(2 * count))  // previous[i]: node before node i
        var callNode = Array(repeating: 0, count: count)
        var returnNode = Array(repeating: 0, count: count)
        for (position, event) in events.enumerated() {
            if event.isCall {
                callNode[event.operation] = position + 1
            } else {
                returnNode[event.operation] = position + 1
            }
        }
        // Dancing links: unlinked nodes keep their own pointers, so relinking in reverse
        // order of unlinking restores the list exactly.
        func unlink(_ node: Int) {
            next[previous[node]] = next[node]
            if next[node] != -1 { previous[next[node]] = previous[node] }
        }
        func relink(_ node: Int) {
            next[previous[node]] = node
            if next[node] != -1 { previous[next[node]] = node }
        }

        var linearized = OperationSet(capacity: count)
        var state = initial
        var explored = Set<Configuration>()
        var stack: [(operation: Int, stateBefore: Int64?)] = []
        var node = next[0]
        var steps = 0
        while next[0] != -1 {
            steps += 1
            if steps > stepBudget { return .inconclusive }
            // The list always ends with a return event, so a call always has a successor.
            let event = events[node - 1]
            if event.isCall {
                let recorded = history[event.operation]
                let (expected, newState) = recorded.operation.apply(toRegister: state)
                if pending[event.operation] || expected == recorded.result {
                    var candidate = linearized
                    candidate.insert(event.operation)
                    if explored.insert(Configuration(linearized: candidate, state: newState)).inserted {
                        stack.append((event.operation, state))
                        linearized = candidate
                        state = newState
                        unlink(callNode[event.operation])
                        unlink(returnNode[event.operation])
                        node = next[0]
                        continue
                    }
                }
                node = next[node]
            } else if pending[event.operation] {
                // Pending returns come last, so every completed operation is linearized;
                // the pending ones not linearized yet simply never took effect.
                return .linearizable(order: stack.map(\.operation))
            } else {
                // An operation returned before being linearized: undo the last choice.
                guard let (operation, stateBefore) = stack.popLast() else { return .notLinearizable }
                linearized.remove(operation)
                state = stateBefore
                relink(returnNode[operation])
                relink(callNode[operation])
                node = next[callNode[operation]]
            }
        }
        return .linearizable(order: stack.map(\.operation))
    }

    /// One key's part of a history and its verdict.
    struct KeyResult: Sendable {
        /// The key.
        var key: Int64
        /// The key's value before the history (nil = absent).
        var initial: Int64?
        /// The operations on this key, in the order they appear in the input.
        var history: [RecordedOperation]
        /// What the checker decided.
        var verdict: LinearizabilityVerdict
    }

    /// Checks a whole history of single-key operations key by key (locality): it is
    /// linearizable iff every returned verdict is `.linearizable`. `initial` gives each
    /// key's starting value; keys not in it start absent.
    static func checkMap(
        _ history: [RecordedOperation], initial: [Int64: Int64] = [:],
        stepBudget: Int = defaultStepBudget
    ) -> [KeyResult] {
        var byKey: [Int64: [RecordedOperation]] = [:]
        for recorded in history {
            guard let key = recorded.operation.key else {
                preconditionFailure("\(recorded.operation) is a whole-map operation; it cannot be checked per key")
            }
            byKey[key, default: []].append(recorded)
        }
        return byKey.keys.sorted().map { key in
            KeyResult(
                key: key, initial: initial[key], history: byKey[key]!,
                verdict: checkRegister(byKey[key]!, initial: initial[key], stepBudget: stepBudget))
        }
    }

    /// Shrinks a non-linearizable key history to a small one that shows the violation.
    ///
    /// Plain "remove operations while it stays non-linearizable" tends to end at a useless
    /// single read whose justifying write was removed. Instead:
    /// 1. Find the first instant at which the history stops being linearizable: the earliest
    ///    response time `cut` such that the history cut there (operations invoked by then;
    ///    those still running are pending) is not linearizable. The operation returning then
    ///    is the culprit: the cut is linearizable while the culprit still runs (its effect
    ///    optional), not once it has returned its result.
    /// 2. Remove the other operations (the context) while (a) context + running culprit stays
    ///    linearizable, (b) context + returned culprit does not, and (c) the culprit's result can still be produced by the
    ///    context's effects in some order (if it could be with the whole context). (c) keeps
    ///    the writes that the culprit's result comes from, so the report shows why the value
    ///    is plausible and why the order (or a lost effect) makes it impossible.
    /// Returns the culprit and the fewest operations found, sorted by invocation, and `cut`.
    static func minimalViolation(_ history: [RecordedOperation], initial: Int64?) -> (
        operations: [RecordedOperation], cut: UInt64
    ) {
        let ordered = history.sorted { ($0.invocation, $0.response) < ($1.invocation, $1.response) }
        for culprit in history.sorted(by: { $0.response < $1.response }) {
            let cut = culprit.response
            let inCut = ordered.filter { $0.invocation <= cut }
            guard checkRegister(inCut, initial: initial, cut: cut) == .notLinearizable else { continue }
            func linearizable(_ operations: [RecordedOperation]) -> Bool {
                if case .linearizable = checkRegister(operations, initial: initial, cut: cut) { return true }
                return false
            }
            func culpritResultReachable(_ context: [RecordedOperation]) -> Bool {
                // Real time ignored (all concurrent), the context's results ignored (all
                // pending: any result, effect optional): can any sequence of the context's
                // effects lead to the culprit's result? (An inconclusive search counts as no.)
                let unordered =
                    context.map { operation in
                        var copy = operation
                        (copy.invocation, copy.response) = (0, 2)
                        return copy
                    } + [
                        RecordedOperation(
                            thread: culprit.thread, operation: culprit.operation, result: culprit.result,
                            invocation: 0, response: 1)
                    ]
                if case .linearizable = checkRegister(unordered, initial: initial, cut: 1, stepBudget: 200_000) {
                    return true
                }
                return false
            }
            // The culprit still running: its effect may be needed to explain the others.
            var running = culprit
            running.response = cut + 1
            var context = inCut
            context.remove(at: context.firstIndex(of: culprit)!)
            guard linearizable(context + [running]) else { continue }  // another one returned at the same instant
            let reachable = culpritResultReachable(context)
            let shrinker = Shrinker<RecordedOperation>(
                stillFails: { candidate in
                    linearizable(candidate + [running]) && !linearizable(candidate + [culprit])
                        && (!reachable || culpritResultReachable(candidate))
                },
                maxEvaluations: 5_000)
            let minimal = shrinker.shrink(context).minimal + [culprit]
            return (minimal.sorted { ($0.invocation, $0.response) < ($1.invocation, $1.response) }, cut)
        }
        return (history, history.map(\.response).max() ?? 0)
    }

    /// A memoized search configuration.
    private struct Configuration: Hashable {
        var linearized: OperationSet
        var state: Int64?
    }
}

/// A set of operation indices as a bitset (the memo key of the search).
struct OperationSet: Hashable, Sendable {
    private var words: [UInt64]

    /// An empty set for indices in `0..<capacity`.
    init(capacity: Int) {
        words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    /// Adds `index`.
    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// Removes `index`.
    mutating func remove(_ index: Int) {
        words[index >> 6] &= ~(1 << UInt64(index & 63))
    }

    /// Whether `index` is in the set.
    func contains(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }
}
