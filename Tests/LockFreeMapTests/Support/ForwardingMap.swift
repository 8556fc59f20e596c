// ForwardingMap: a MapUnderTest that passes every call to another map (by default the
// LockedReferenceMap, so that the tooling's self-tests do not depend on the map under
// development). Tests subclass it and override one operation to build a deliberately broken
// map, which proves that an oracle (the model runner, the linearizability checker) can fail.
/// Forwards the whole API to `base`; subclasses break one operation on purpose.
///
/// `@unchecked Sendable`: a non-final class cannot be checked, but its only stored property
/// is an immutable reference to a Sendable map, and subclasses must add no mutable state.
class ForwardingMap: MapUnderTest, @unchecked Sendable {
    /// The correct map every call goes to.
    let base: any MapUnderTest

    /// Wraps `base`.
    init(base: any MapUnderTest = LockedReferenceMap()) {
        self.base = base
    }

    subscript(key: Int64) -> Int64? {
        get { base[key] }
        set { base[key] = newValue }
    }
    func value(forKey key: Int64) -> Int64? { base.value(forKey: key) }
    func containsKey(_ key: Int64) -> Bool { base.containsKey(key) }
    @discardableResult func updateValue(_ value: Int64, forKey key: Int64) -> Int64? {
        base.updateValue(value, forKey: key)
    }
    @discardableResult func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64) {
        base.insertValue(value, forKey: key)
    }
    @discardableResult func removeValue(forKey key: Int64) -> Int64? { base.removeValue(forKey: key) }
    func compareExchange(forKey key: Int64, expected: Int64?, desired: Int64?) -> (exchanged: Bool, original: Int64?) {
        base.compareExchange(forKey: key, expected: expected, desired: desired)
    }
    @discardableResult func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        base.wrappingAdd(delta, forKey: key)
    }
    func removeAll() { base.removeAll() }
    var count: Int { base.count }
    var isEmpty: Bool { base.isEmpty }
    func forEach(_ body: (_ key: Int64, _ value: Int64) throws -> Void) rethrows { try base.forEach(body) }
    @discardableResult func updateValue(forKey key: Int64, with transform: (Int64?) throws -> Int64?) rethrows -> Int64?
    {
        try base.updateValue(forKey: key, with: transform)
    }
    func value(forKey key: Int64, orInsert make: () throws -> Int64) rethrows -> Int64 {
        try base.value(forKey: key, orInsert: make)
    }
    @discardableResult func removeAll(where shouldBeRemoved: (_ key: Int64, _ value: Int64) throws -> Bool) rethrows
        -> Int
    {
        try base.removeAll(where: shouldBeRemoved)
    }
    func reserveCapacity(_ minimumCapacity: Int) { base.reserveCapacity(minimumCapacity) }
    func iteratedEntries() -> [(key: Int64, value: Int64)] { base.iteratedEntries() }
}
