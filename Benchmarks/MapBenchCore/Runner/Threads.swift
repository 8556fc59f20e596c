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
    PlatformThread.start(body)
}

/// Waits for a thread started by `startThread`.
func joinThread(_ thread: pthread_t) {
    PlatformThread.join(thread)
}

/// Number of online CPUs (the default thread counts are 1 ... this).
func onlineCPUCount() -> Int {
    max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
