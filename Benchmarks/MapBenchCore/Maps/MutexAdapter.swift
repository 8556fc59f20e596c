import Synchronization

/// `mutex`: `Mutex<[Int64: Int64]>`, the example of SE-0433 and what most Swift code uses
/// today. Every operation, reads included, takes the one lock.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class MutexAdapter: BenchMap {
    private let storage = Mutex<[Int64: Int64]>([:])

    init() {}

    static var name: String { "mutex" }

    @inline(__always) func get(_ key: Int64) -> Int64? { storage.withLock { $0[key] } }

    @inline(__always) func update(_ value: Int64, forKey key: Int64) -> Int64? {
        storage.withLock { $0.updateValue(value, forKey: key) }
    }

    @inline(__always) func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        storage.withLock { $0.insertIfAbsent(value, forKey: key) }
    }

    @inline(__always) func remove(_ key: Int64) -> Int64? {
        storage.withLock { $0.removeValue(forKey: key) }
    }

    @inline(__always) func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        storage.withLock { $0.wrappingAdd(delta, forKey: key) }
    }

    var count: Int { storage.withLock { $0.count } }
}
