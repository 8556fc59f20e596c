/// What the benchmark needs from a map: the operations of docs/WORKLOADS.md, with the semantics of
/// `LockFreeInt64Map`'s API, so that every map is driven by the same specialized code.
///
/// The timed loops are generic over `M: BenchMap` and the suite dispatches on the concrete
/// type once per cell, so each adapter's loop is specialized: no existential, no closure and
/// no witness-table call per operation. Adapters are final classes; their operations are
/// meant to inline into the loop.
protocol BenchMap: AnyObject, Sendable {
    /// An empty map, created without a capacity hint (the build mix measures growth).
    init()

    /// An empty map for a prefill of `expectedCount` keys (the shared prefilled map and
    /// churn's map). By default the same as `init()`: docs/WORKLOADS.md gives no hint;
    /// `lockfree-presized` uses it to compare a presized table with a grown one.
    init(expectedCount: UInt64)

    /// The name used by `--maps` and in every report.
    static var name: String { get }

    /// How many threads may use one instance at once (1 for the unsynchronized Dictionary).
    static var maxThreads: Int { get }

    /// Why the map does not run `mix` at `keys` keys, or nil when it does. Lets a map that is
    /// slow by design (the copy-on-write snapshot) skip cells that would never finish.
    static func skipReason(mix: Mix, keys: UInt64) -> String?

    /// The value for `key`, or nil.
    func get(_ key: Int64) -> Int64?

    /// Inserts or replaces; returns the previous value, or nil when the key was absent.
    func update(_ value: Int64, forKey key: Int64) -> Int64?

    /// Inserts when absent; returns whether it inserted.
    func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool

    /// Removes; returns the removed value, or nil when the key was absent.
    func remove(_ key: Int64) -> Int64?

    /// Atomically adds `delta` (wrapping) to the value for `key`, an absent key counting as 0;
    /// returns the new value.
    func add(_ delta: Int64, forKey key: Int64) -> Int64

    /// The batch mixes' lookup: `values[i]` = the value for `keys[i]` (anything where absent),
    /// `found[i]` whether it was present; returns how many were found. The three buffers have
    /// the same count. By default a loop over `get`; a map with a batch call overrides it.
    func getBatch(
        _ keys: UnsafeBufferPointer<Int64>, into values: UnsafeMutableBufferPointer<Int64>,
        found: UnsafeMutableBufferPointer<Bool>
    ) -> Int

    /// The batch mixes' add: `add(delta, forKey: keys[i])` for each i in order, `newValues[i]`
    /// receiving the new value (same count as `keys`). By default a loop over `add`.
    func addBatch(_ delta: Int64, _ keys: UnsafeBufferPointer<Int64>, into newValues: UnsafeMutableBufferPointer<Int64>)

    /// Number of entries; only called while no other thread uses the map.
    var count: Int { get }

    /// Untimed prefill from one thread: inserts `benchKey(i)` with value = key for i in
    /// `indices`, in order. The default inserts one by one; a map whose single insert copies
    /// the whole map (snapshot) builds the same contents in one step.
    func prefill(_ indices: StrideTo<UInt64>)
}

extension BenchMap {
    init(expectedCount: UInt64) { self.init() }

    static var maxThreads: Int { Int.max }

    static func skipReason(mix: Mix, keys: UInt64) -> String? { nil }

    @inline(__always) func getBatch(
        _ keys: UnsafeBufferPointer<Int64>, into values: UnsafeMutableBufferPointer<Int64>,
        found: UnsafeMutableBufferPointer<Bool>
    ) -> Int {
        var n = 0
        for i in keys.indices {
            let value = get(keys[i])
            values[i] = value ?? 0
            found[i] = value != nil
            if value != nil { n += 1 }
        }
        return n
    }

    @inline(__always) func addBatch(
        _ delta: Int64, _ keys: UnsafeBufferPointer<Int64>, into newValues: UnsafeMutableBufferPointer<Int64>
    ) {
        for i in keys.indices { newValues[i] = add(delta, forKey: keys[i]) }
    }

    func prefill(_ indices: StrideTo<UInt64>) {
        for i in indices {
            let key = benchKey(i)
            _ = insertIfAbsent(key, forKey: key)
        }
    }
}
