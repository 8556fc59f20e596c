// OSThreads: runs test bodies on real OS threads (pthreads), never on the Swift concurrency
// cooperative pool (two threads on this machine), so that a test never blocks the pool and
// the scheduler can preempt a thread anywhere inside a map operation. An async test awaits
// their end with `onOSThread`, which suspends the task instead of blocking a pool thread.
import _LockFreeMapPlatformSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A group of joinable OS threads, one per body.
///
/// By default the threads wait at a start line (a `SpinBarrier` with the starter as one more
/// party) and are released together once every one of them is running, so that their
/// operations overlap from the first one on. Everything a thread did happens-before the
/// return of its join (pthread_join), so its results may be read after it without further
/// synchronization.
package final class OSThreads {
    /// The threads, in the order of the bodies given to `init`; valid until `join()` returns.
    package let handles: [pthread_t]
    private var joined: [Bool]

    /// Starts one thread per body. With `startTogether` (the default), waits until all are
    /// running, then releases them together; without it, each body starts at once (for bodies
    /// that synchronize among themselves).
    package init(_ bodies: [@Sendable () -> Void], startTogether: Bool = true) {
        var handles: [pthread_t] = []
        if startTogether {
            let start = SpinBarrier(parties: bodies.count + 1)
            for body in bodies {
                handles.append(
                    OSThreads.spawn {
                        start.wait()
                        body()
                    })
            }
            start.wait()
        } else {
            for body in bodies { handles.append(OSThreads.spawn(body)) }
        }
        self.handles = handles
        joined = Array(repeating: false, count: handles.count)
    }

    /// Waits for thread `index` (the index of its body) to end. Each thread is joined once.
    package func join(at index: Int) {
        precondition(!joined[index], "thread \(index) joined twice")
        joined[index] = true
        PlatformThread.join(handles[index])
    }

    /// Waits for every thread of the group not joined yet to end.
    package func join() {
        for index in handles.indices where !joined[index] { join(at: index) }
    }

    deinit { precondition(!joined.contains(false), "an OSThreads group was not joined") }

    /// Runs the bodies on their own threads, released together, and returns when all have ended.
    package static func run(_ bodies: [@Sendable () -> Void]) {
        OSThreads(bodies).join()
    }

    /// Runs `body(index)` for `index` in `0..<count`, each on its own thread, and returns when
    /// all have ended. With `startTogether` (the default) they are released together.
    package static func run(count: Int, startTogether: Bool = true, _ body: @escaping @Sendable (_ index: Int) -> Void)
    {
        OSThreads((0..<count).map { index in { body(index) } }, startTogether: startTogether).join()
    }

    /// Starts a joinable thread running `body`.
    package static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        PlatformThread.start(body)
    }
}

/// Runs `body` on a fresh OS thread and suspends (never blocks) the calling task until it
/// returns. The concurrent tests do all their thread work, waiting and joining in such a body,
/// and their `#expect`s on its result in the test function, where Swift Testing attributes them.
package func onOSThread<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
        let handle = OSThreads.spawn { continuation.resume(returning: body()) }
        // Detached: nobody joins it; the continuation is the completion signal.
        pthread_detach(handle)
    }
}
