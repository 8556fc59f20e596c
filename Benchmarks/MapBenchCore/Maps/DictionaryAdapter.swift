/// `dictionary`: a plain `[Int64: Int64]` with no synchronization at all: the single-thread
/// ceiling every concurrent map pays for its safety against.
///
/// The dictionary lives in manually allocated memory rather than in a stored `var`, so that
/// no access pays Swift's dynamic exclusivity check on class properties (the other
/// Dictionary-based adapters get the same treatment from their locks or from the same trick).
final class DictionaryAdapter: BenchMap, @unchecked Sendable {
    // Safety: not thread-safe at all. `maxThreads == 1`, and the suite never hands one
    // instance to two threads (the only cross-thread hand-off is the start/join of a cell's
    // single worker, which synchronizes).
    private let storage: UnsafeMutablePointer<[Int64: Int64]>

    init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: [:])
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    static var name: String { "dictionary" }
    static var maxThreads: Int { 1 }

    @inline(__always) func get(_ key: Int64) -> Int64? { storage.pointee[key] }

    @inline(__always) func update(_ value: Int64, forKey key: Int64) -> Int64? {
        storage.pointee.updateValue(value, forKey: key)
    }

    @inline(__always) func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        storage.pointee.insertIfAbsent(value, forKey: key)
    }

    @inline(__always) func remove(_ key: Int64) -> Int64? { storage.pointee.removeValue(forKey: key) }

    @inline(__always) func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        storage.pointee.wrappingAdd(delta, forKey: key)
    }

    var count: Int { storage.pointee.count }
}

extension Dictionary where Key == Int64, Value == Int64 {
    /// Put-if-absent in one hash lookup; returns whether it inserted.
    @inline(__always)
    mutating func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        var inserted = false
        // An inout access through the default-value subscript runs its modify accessor,
        // which finds the slot or inserts the default, in one lookup.
        _touch(
            &self[
                key,
                default: {
                    inserted = true
                    return value
                }()])
        return inserted
    }

    /// `self[key] = (self[key] ?? 0) &+ delta` in one hash lookup; returns the new value.
    @inline(__always)
    mutating func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        _addAndRead(&self[key, default: 0], delta)
    }
}

@inline(__always)
private func _touch(_ value: inout Int64) {}

@inline(__always)
private func _addAndRead(_ value: inout Int64, _ delta: Int64) -> Int64 {
    value &+= delta
    return value
}
