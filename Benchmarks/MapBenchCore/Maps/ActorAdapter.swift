/// `actor`: a Dictionary owned by an actor, driven by T tasks that each await it per
/// operation: Swift's language-level answer to shared mutable state. Not a `BenchMap`
/// (its operations are async); the suite drives it through `ActorRunner`.
actor ActorMap {
    /// The map's contents, touched only on the actor.
    private var entries: [Int64: Int64] = [:]

    /// An empty map.
    init() {}

    /// The map's name in reports.
    static let name = "actor"

    /// The value for `key`, or nil.
    func get(_ key: Int64) -> Int64? { entries[key] }

    /// Inserts or replaces; returns the previous value.
    func update(_ value: Int64, forKey key: Int64) -> Int64? { entries.updateValue(value, forKey: key) }

    /// Inserts when absent; returns whether it inserted.
    func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool { entries.insertIfAbsent(value, forKey: key) }

    /// Removes; returns the removed value.
    func remove(_ key: Int64) -> Int64? { entries.removeValue(forKey: key) }

    /// Adds `delta` (wrapping), absent counting as 0; returns the new value.
    func add(_ delta: Int64, forKey key: Int64) -> Int64 { entries.wrappingAdd(delta, forKey: key) }

    /// Number of entries.
    var count: Int { entries.count }

    /// Untimed prefill in one actor call: `benchKey(i)` -> key for i in `indices`.
    func prefill(_ indices: StrideTo<UInt64>) {
        for i in indices {
            let key = benchKey(i)
            _ = entries.insertIfAbsent(key, forKey: key)
        }
    }
}
