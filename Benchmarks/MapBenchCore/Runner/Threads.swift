import _LockFreeMapPlatformSupport

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
    let (thread, status) = PlatformThread.create(context) { raw in
        Unmanaged<Start>.fromOpaque(PlatformThread.context(raw)).takeRetainedValue().body()
        return nil
    }
    precondition(status == 0, "pthread_create failed: \(status)")
    return thread
}

/// Waits for a thread started by `startThread`.
func joinThread(_ thread: pthread_t) {
    PlatformThread.join(thread)
}

/// Number of online CPUs (the default thread counts are 1 ... this).
func onlineCPUCount() -> Int {
    max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
