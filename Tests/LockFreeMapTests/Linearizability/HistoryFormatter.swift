// HistoryFormatter: renders one key's history for a failure message: a table of operations
// (thread, invocation, response in ns from the first invocation, call, result) and a text
// timeline in which overlapping operations are visibly concurrent.

/// Readable rendering of recorded histories.
enum HistoryFormatter {
    /// A multi-line description of `history` (operations on one key) starting from `initial`.
    /// Thread numbers >= `observerThread` are marked as the quiescent observer. With `cut`
    /// (the instant the violation became certain), operations still running then are marked
    /// pending: their results were not known yet and do not matter.
    static func describe(
        _ history: [RecordedOperation], initial: Int64?, observerThread: Int = .max,
        cut: UInt64? = nil
    ) -> String {
        guard let start = history.map(\.invocation).min(), let end = history.map(\.response).max() else {
            return "    (empty history)"
        }
        let sorted = history.sorted { ($0.invocation, $0.response) < ($1.invocation, $1.response) }
        let span = max(end - start, 1)
        let width = 48
        func column(_ time: UInt64) -> Int { Int((time - start) * UInt64(width - 1) / span) }
        func name(_ thread: Int) -> String { thread >= observerThread ? "obs" : "T\(thread)" }
        func pad(_ text: String, _ size: Int) -> String {
            text.count >= size ? text : text + String(repeating: " ", count: size - text.count)
        }
        func padLeft(_ text: String, _ size: Int) -> String {
            text.count >= size ? text : String(repeating: " ", count: size - text.count) + text
        }

        var lines = ["    initial value: \(SwiftLiteral.text(initial))" + (initial == nil ? " (absent)" : "")]
        lines.append("    thread   invoked  returned  operation -> result")
        var anyPending = false
        for recorded in sorted {
            let pending = cut.map { recorded.response > $0 } ?? false
            anyPending = anyPending || pending
            lines.append(
                "    " + pad(name(recorded.thread), 6) + padLeft("\(recorded.invocation - start)", 9)
                    + padLeft("\(recorded.response - start)", 10) + "  \(recorded.operation) -> "
                    + (pending ? "(pending)" : "\(recorded.result)"))
        }
        if let cut, anyPending {
            lines.append(
                "    (pending: still running at \(cut - start), when the violation became certain; it may or may not have taken effect)"
            )
        }
        lines.append("    timeline (\(span) ns across):")
        for recorded in sorted {
            let from = column(recorded.invocation)
            let to = max(column(recorded.response), from)
            let bar =
                String(repeating: " ", count: from) + "[" + String(repeating: "=", count: max(to - from - 1, 0))
                + (to > from ? "]" : "")
            lines.append("    " + pad(name(recorded.thread), 6) + "|" + pad(bar, width) + "|")
        }
        return lines.joined(separator: "\n")
    }
}
