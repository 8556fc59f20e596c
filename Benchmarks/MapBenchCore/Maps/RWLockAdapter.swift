#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `rwlock`: a Dictionary behind a `pthread_rwlock_t`; reads share the lock, writes take it
/// exclusively. glibc's default kind prefers readers.
final class RWLockAdapter: BenchMap, @unchecked Sendable {
    // Safety: `storage` is read only while holding `lock` shared and written only while
    // holding it exclusively. The lock lives in manually allocated memory: a
    // pthread_rwlock_t must never move, and a Swift stored property has no stable address.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    private let storage: UnsafeMutablePointer<[Int64: Int64]>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        let rc = pthread_rwlock_init(lock, nil)
        precondition(rc == 0, "pthread_rwlock_init failed: \(rc)")
        storage = .allocate(capacity: 1)
        storage.initialize(to: [:])
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    static var name: String { "rwlock" }

    @inline(__always) private func reading<R>(_ body: (borrowing [Int64: Int64]) -> R) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return body(storage.pointee)
    }

    @inline(__always) private func writing<R>(_ body: (inout [Int64: Int64]) -> R) -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return body(&storage.pointee)
    }

    @inline(__always) func get(_ key: Int64) -> Int64? { reading { $0[key] } }

    @inline(__always) func update(_ value: Int64, forKey key: Int64) -> Int64? {
        writing { $0.updateValue(value, forKey: key) }
    }

    @inline(__always) func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        writing { $0.insertIfAbsent(value, forKey: key) }
    }

    @inline(__always) func remove(_ key: Int64) -> Int64? { writing { $0.removeValue(forKey: key) } }

    @inline(__always) func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        writing { $0.wrappingAdd(delta, forKey: key) }
    }

    var count: Int { reading { $0.count } }
}
