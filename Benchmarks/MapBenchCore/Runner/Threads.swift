import Glibc

/// A real OS thread running `body` (never a task on the cooperative pool, which the timed
/// loops would block). Join it with `joinThread`.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Start {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Start(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, context)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    return thread
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
