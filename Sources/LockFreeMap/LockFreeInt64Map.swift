// TEMPORARY SCAFFOLD (replaced by the lock-free structure before anything lands):
// the public surface of API.md over a Mutex'd Dictionary, so that the benchmark and the
// verification tooling can be built against the real API in parallel.
import Synchronization

public final class LockFreeInt64Map: Sendable {
    let storage: Mutex<[Int64: Int64]>

    public init(minimumCapacity: Int = 0) {
        precondition(minimumCapacity >= 0, "LockFreeInt64Map(minimumCapacity:) needs a capacity >= 0")
        storage = Mutex([:])
    }

    public subscript(key: Int64) -> Int64? {
        get { value(forKey: key) }
        set {
            if let newValue { updateValue(newValue, forKey: key) } else { removeValue(forKey: key) }
        }
    }
    public func value(forKey key: Int64) -> Int64? { storage.withLock { $0[key] } }
    public func containsKey(_ key: Int64) -> Bool { value(forKey: key) != nil }
    @discardableResult public func updateValue(_ value: Int64, forKey key: Int64) -> Int64? {
        storage.withLock { $0.updateValue(value, forKey: key) }
    }
    @discardableResult public func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64) {
        storage.withLock { d in
            if let v = d[key] { return (false, v) }
            d[key] = value
            return (true, value)
        }
    }
    @discardableResult public func removeValue(forKey key: Int64) -> Int64? {
        storage.withLock { $0.removeValue(forKey: key) }
    }
    public func compareExchange(forKey key: Int64, expected: Int64?, desired: Int64?) -> (exchanged: Bool, original: Int64?) {
        storage.withLock { d in
            let original = d[key]
            guard original == expected else { return (false, original) }
            d[key] = desired
            return (true, original)
        }
    }
    @discardableResult public func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        storage.withLock { d in
            let v = (d[key] ?? 0) &+ delta
            d[key] = v
            return v
        }
    }
    public func removeAll() { storage.withLock { $0.removeAll() } }
    public var count: Int { storage.withLock { $0.count } }
    public var isEmpty: Bool { count == 0 }
    public func forEach(_ body: (_ key: Int64, _ value: Int64) throws -> Void) rethrows {
        let copy = storage.withLock { $0 }
        for (k, v) in copy { try body(k, v) }
    }

    /// Approximate shape of the table (see the real implementation).
    public struct Statistics: Sendable, Equatable {
        public var stripeCount: Int
        public var bucketCount: Int
        public var initializedBucketCount: Int
        public var entryCount: Int
        public var loadFactor: Double
        public var longestChain: Int
        public var resizeCount: Int
    }
    public var statistics: Statistics {
        let n = count
        return Statistics(stripeCount: 1, bucketCount: 1, initializedBucketCount: 1, entryCount: n,
                          loadFactor: Double(n), longestChain: n, resizeCount: 0)
    }
}
