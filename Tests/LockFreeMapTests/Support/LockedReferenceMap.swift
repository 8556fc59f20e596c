import Foundation

// LockedReferenceMap: an obviously linearizable map (one pthread mutex around a Dictionary)
// that does not depend on the map under development. Running the concurrent rounds against
// it shows that the checker raises no false alarms, and under ThreadSanitizer that the test
// harness itself is race-free (TSan models pthread mutexes; it does not model
// Synchronization.Mutex, see ThreadSlots.swift).

/// Every operation runs entirely under one pthread mutex, so each is atomic.
///
/// `@unchecked Sendable`: `dictionary` is only touched with `mutex` held.
final class LockedReferenceMap: MapUnderTest, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var dictionary: [Int64: Int64] = [:]

    /// An empty map.
    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    private func locked<T>(_ body: (inout [Int64: Int64]) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&dictionary)
    }

    subscript(key: Int64) -> Int64? {
        get { locked { $0[key] } }
        set { locked { $0[key] = newValue } }
    }
    func value(forKey key: Int64) -> Int64? { locked { $0[key] } }
    func containsKey(_ key: Int64) -> Bool { locked { $0[key] != nil } }
    func updateValue(_ value: Int64, forKey key: Int64) -> Int64? { locked { $0.updateValue(value, forKey: key) } }
    func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64) {
        locked { dictionary in
            if let current = dictionary[key] { return (false, current) }
            dictionary[key] = value
            return (true, value)
        }
    }
    func removeValue(forKey key: Int64) -> Int64? { locked { $0.removeValue(forKey: key) } }
    func compareExchange(forKey key: Int64, expected: Int64?, desired: Int64?) -> (exchanged: Bool, original: Int64?) {
        locked { dictionary in
            let original = dictionary[key]
            guard original == expected else { return (false, original) }
            dictionary[key] = desired
            return (true, original)
        }
    }
    func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        locked { dictionary in
            let sum = (dictionary[key] ?? 0) &+ delta
            dictionary[key] = sum
            return sum
        }
    }
    func removeAll() { locked { $0.removeAll() } }
    var count: Int { locked { $0.count } }
    var isEmpty: Bool { count == 0 }
    func forEach(_ body: (_ key: Int64, _ value: Int64) throws -> Void) rethrows {
        for (key, value) in locked({ $0 }) { try body(key, value) }
    }
    func updateValue(forKey key: Int64, with transform: (Int64?) throws -> Int64?) rethrows -> Int64? {
        try locked { dictionary in
            let new = try transform(dictionary[key])
            dictionary[key] = new
            return new
        }
    }
    func value(forKey key: Int64, orInsert make: () throws -> Int64) rethrows -> Int64 {
        try locked { dictionary in
            if let current = dictionary[key] { return current }
            let new = try make()
            dictionary[key] = new
            return new
        }
    }
    func removeAll(where shouldBeRemoved: (_ key: Int64, _ value: Int64) throws -> Bool) rethrows -> Int {
        try locked { dictionary in
            let before = dictionary.count
            dictionary = try dictionary.filter { try !shouldBeRemoved($0.key, $0.value) }
            return before - dictionary.count
        }
    }
    func reserveCapacity(_ minimumCapacity: Int) { locked { $0.reserveCapacity(minimumCapacity) } }
    func iteratedEntries() -> [(key: Int64, value: Int64)] { locked { $0.map { ($0.key, $0.value) } } }
}
