#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`, for the lock of `readmostly` and the reclaimer's
/// orphan list.
///
/// Why not `Synchronization.Mutex`: ThreadSanitizer does not see its lock. The futex
/// operations live in the uninstrumented Synchronization library, so every access made under
/// it is reported as a race (checked with Swift 6.3.1). TSan intercepts pthread mutexes, so
/// the lock-free parts of these two designs can be checked under `--sanitize=thread`. The
/// `mutex` and `sharded` baselines keep `Mutex`, since that is what they measure.
final class PthreadMutex<State>: @unchecked Sendable {
    // Safety: `state` is only reached inside `withLock`, between lock and unlock. Both the
    // mutex and the state live in manually allocated memory (a pthread mutex must not move;
    // a stored `var` would also pay dynamic exclusivity checks).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let state: UnsafeMutablePointer<State>

    /// A mutex guarding `initial`.
    init(_ initial: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let rc = pthread_mutex_init(mutex, nil)
        precondition(rc == 0, "pthread_mutex_init failed: \(rc)")
        state = .allocate(capacity: 1)
        state.initialize(to: initial)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Runs `body` on the state with the lock held.
    @inline(__always)
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
