import LockFreeMap

/// `lockfree`: the package's `LockFreeInt64Map`, through its public API only.
final class LockFreeAdapter: BenchMap {
    /// The map under test.
    let map: LockFreeInt64Map

    init() { map = LockFreeInt64Map() }

    static var name: String { "lockfree" }

    @inline(__always) func get(_ key: Int64) -> Int64? { map.value(forKey: key) }

    @inline(__always) func update(_ value: Int64, forKey key: Int64) -> Int64? {
        map.updateValue(value, forKey: key)
    }

    @inline(__always) func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        map.insertValue(value, forKey: key).inserted
    }

    @inline(__always) func remove(_ key: Int64) -> Int64? { map.removeValue(forKey: key) }

    @inline(__always) func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        map.wrappingAdd(delta, forKey: key)
    }

    var count: Int { map.count }
}
