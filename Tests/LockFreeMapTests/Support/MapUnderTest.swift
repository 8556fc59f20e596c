// MapUnderTest: the whole public surface of docs/API.md as a protocol, so that the model-based
// tests and the linearizability checker run unchanged against LockFreeInt64Map and against
// deliberately broken adapters (which prove that those tests can fail).
import LockFreeMap

/// Everything docs/API.md promises, one requirement per public member of `LockFreeInt64Map`.
///
/// Conformers must be reference types: the map is shared between threads, and the
/// subscript setter mutates shared state, not a copy.
protocol MapUnderTest: AnyObject, Sendable {
    /// Reads, or with `nil` removes, the value for `key`.
    subscript(key: Int64) -> Int64? { get set }
    /// The value stored for `key`, or nil if absent.
    func value(forKey key: Int64) -> Int64?
    /// Whether `key` is present.
    func containsKey(_ key: Int64) -> Bool
    /// Inserts or replaces; returns the replaced value, nil if the key was absent.
    @discardableResult func updateValue(_ value: Int64, forKey key: Int64) -> Int64?
    /// Put-if-absent; returns whether it inserted and the value now stored.
    @discardableResult func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64)
    /// Removes; returns the removed value, nil if the key was absent.
    @discardableResult func removeValue(forKey key: Int64) -> Int64?
    /// Compare-and-exchange where nil means absent on either side.
    func compareExchange(forKey key: Int64, expected: Int64?, desired: Int64?) -> (exchanged: Bool, original: Int64?)
    /// Adds `delta` (wrapping), an absent key counting as 0; returns the new value.
    @discardableResult func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64
    /// Removes every entry.
    func removeAll()
    /// The number of entries (exact when no writer runs).
    var count: Int { get }
    /// Whether `count == 0`.
    var isEmpty: Bool { get }
    /// Calls `body` once per entry (weakly consistent under concurrent writers).
    func forEach(_ body: (_ key: Int64, _ value: Int64) throws -> Void) rethrows
    // Version 2 additions.
    /// Read-modify-write with `transform`; returns the value stored (nil = absent).
    @discardableResult func updateValue(forKey key: Int64, with transform: (Int64?) throws -> Int64?) rethrows -> Int64?
    /// Get-or-insert.
    func value(forKey key: Int64, orInsert make: () throws -> Int64) rethrows -> Int64
    /// Removes the entries matching the predicate; returns how many.
    @discardableResult func removeAll(where shouldBeRemoved: (_ key: Int64, _ value: Int64) throws -> Bool) rethrows
        -> Int
    /// Prepares room for `minimumCapacity` entries.
    func reserveCapacity(_ minimumCapacity: Int)
    /// Every entry produced by one full for-in iteration, in iteration order.
    func iteratedEntries() -> [(key: Int64, value: Int64)]
}

/// The real map already has exactly this surface (iteration is its Sequence conformance).
extension LockFreeInt64Map: MapUnderTest {
    func iteratedEntries() -> [(key: Int64, value: Int64)] {
        var entries: [(key: Int64, value: Int64)] = []
        for (key, value) in self { entries.append((key, value)) }
        return entries
    }
}

/// The values every Int64 test must cover as keys and as values: docs/API.md allows all 2^64,
/// and these are the ones a sentinel, a sign bug or an overflow would hit first.
enum EdgeValues {
    /// 0, -1, 1, Int64.min, Int64.max.
    static let basic: [Int64] = [0, -1, 1, .min, .max]
    /// `basic` plus the neighbours of the extremes and small numbers. (The literal's type is
    /// spelled: Swift 6.0 cannot infer `Int64` for `.min + 1` inside `basic + [...]`.)
    static let extended: [Int64] = basic + ([.min + 1, .max - 1, 2, -2] as [Int64])
}
