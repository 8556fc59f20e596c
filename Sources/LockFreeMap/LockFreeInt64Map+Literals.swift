// Dictionary literals, and the snapshot into a plain Dictionary.

/// `let m: LockFreeInt64Map = [1: 10, 2: 20]`. Duplicate keys are a failure, as for
/// Dictionary.
extension LockFreeInt64Map: ExpressibleByDictionaryLiteral {
    /// Creates a map holding `elements`, sized for them (it does not grow while filled).
    ///
    /// - Precondition: the keys are distinct (checked in every build configuration; the
    ///   message names the duplicate key).
    public convenience init(dictionaryLiteral elements: (Int64, Int64)...) {
        self.init(minimumCapacity: elements.count)
        for (key, value) in elements where !insertValue(value, forKey: key).inserted {
            // fatalError, not precondition: its message survives -O builds.
            fatalError("LockFreeInt64Map(dictionaryLiteral:): duplicate key \(key)")
        }
    }
}

extension Dictionary where Key == Int64, Value == Int64 {
    /// A snapshot of `map` as a plain Dictionary: one weakly consistent pass of
    /// `forEach` (every key present for the whole pass is included with a value it held
    /// during the pass; keys inserted or removed meanwhile may or may not be). Keys are
    /// unique within a pass. Exact when no writer runs.
    public init(_ map: LockFreeInt64Map) {
        var dictionary: [Int64: Int64] = [:]
        dictionary.reserveCapacity(map.count)
        map.forEach { key, value in dictionary[key] = value }
        self = dictionary
    }
}
