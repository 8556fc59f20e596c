#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A real OS thread running `body` (never a task on the cooperative pool, which the timed
/// loops would block). Join it with `joinThread`.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Start {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Start(body)).toOpaque()
    // `pthread_t` is an integer on Linux, a non-null pointer on Darwin, where pthread_create
    // fills a `pthread_t?` (<pthread.h>: `pthread_t _Nullable * _Nonnull`).
    #if canImport(Darwin)
    var created: pthread_t?
    #else
    var created = pthread_t()
    #endif
    let rc = pthread_create(
        &created, nil,
        { raw in
            Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    #if canImport(Darwin)
    return created!
    #else
    return created
    #endif
}

/// Waits for a thread started by `startThread`.
func joinThread(_ thread: pthread_t) {
    let rc = pthread_join(thread, nil)
    precondition(rc == 0, "pthread_join failed: \(rc)")
}

/// Number of online CPUs (the default thread counts are 1 ... this).
func onlineCPUCount() -> Int {
    max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
