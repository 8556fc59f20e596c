// Printing like a Dictionary.

/// Prints like a Dictionary (`[1: 10, 2: 20]`, `[:]` when empty): one weakly consistent
/// pass of `forEach`, in no particular order.
extension LockFreeInt64Map: CustomStringConvertible, CustomDebugStringConvertible {
    /// The entries as a Dictionary literal, `[1: 10, 2: 20]` (`[:]` when empty). Weakly
    /// consistent under concurrent writers, like `forEach(_:)`.
    public var description: String {
        var text = "["
        var first = true
        forEach { key, value in
            if !first { text += ", " }
            first = false
            text += "\(key): \(value)"
        }
        return first ? "[:]" : text + "]"
    }

    /// The entries with the type name, `LockFreeInt64Map([1: 10, 2: 20])`. Weakly
    /// consistent, like `description`.
    public var debugDescription: String { "LockFreeInt64Map(\(description))" }
}
