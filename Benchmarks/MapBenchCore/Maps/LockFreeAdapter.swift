import LockFreeMap

/// How an adapter creates its `LockFreeInt64Map` for a prefill.
protocol LockFreeSizing {
    /// The `--maps` name.
    static var name: String { get }
    /// The map for a prefill of `expectedCount` keys.
    static func make(expectedCount: UInt64) -> LockFreeInt64Map
}

/// Grown from empty, as docs/WORKLOADS.md says: `lockfree`.
enum GrownFromEmpty: LockFreeSizing {
    static var name: String { "lockfree" }
    static func make(expectedCount: UInt64) -> LockFreeInt64Map { LockFreeInt64Map() }
}

/// Created with `minimumCapacity` = the prefill's key count: `lockfree-presized`, to compare
/// lookups in a presized table with a grown one (issue #3). Build cells still get no hint.
enum PresizedForPrefill: LockFreeSizing {
    static var name: String { "lockfree-presized" }
    static func make(expectedCount: UInt64) -> LockFreeInt64Map {
        LockFreeInt64Map(minimumCapacity: Int(expectedCount))
    }
}

/// `lockfree`: the package's `LockFreeInt64Map`, through its public API only.
typealias LockFreeAdapter = LockFreeAdapterWith<GrownFromEmpty>
/// `lockfree-presized`: see `PresizedForPrefill`.
typealias PresizedLockFreeAdapter = LockFreeAdapterWith<PresizedForPrefill>

/// The adapter over `LockFreeInt64Map`; `Sizing` only decides how a prefilled map is created.
final class LockFreeAdapterWith<Sizing: LockFreeSizing>: BenchMap {
    /// The map under test.
    let map: LockFreeInt64Map

    init() { map = LockFreeInt64Map() }

    init(expectedCount: UInt64) { map = Sizing.make(expectedCount: expectedCount) }

    static var name: String { Sizing.name }

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

    /// The map's allocation-free batch lookup (`values(forKeys:into:found:)`).
    @inline(__always) func getBatch(
        _ keys: UnsafeBufferPointer<Int64>, into values: UnsafeMutableBufferPointer<Int64>,
        found: UnsafeMutableBufferPointer<Bool>
    ) -> Int {
        map.values(forKeys: keys, into: values, found: found)
    }

    /// The map's allocation-free batch add (`wrappingAdd(_:forKeys:into:)`).
    @inline(__always) func addBatch(
        _ delta: Int64, _ keys: UnsafeBufferPointer<Int64>, into newValues: UnsafeMutableBufferPointer<Int64>
    ) {
        map.wrappingAdd(delta, forKeys: keys, into: newValues)
    }

    var count: Int { map.count }
}
