// OSThreads: runs test bodies on real OS threads (pthreads), never on the Swift concurrency
// cooperative pool, and lets an async test await their end without blocking a pool thread:
// a detached joiner thread joins the workers and then resumes the awaiting test.
import Foundation

/// Starting and joining real threads for concurrent tests.
enum OSThreads {
    /// Runs `body(index)` for `index` in `0..<count`, each on its own new OS thread, and
    /// returns once all have returned. Everything the threads did happens-before the return
    /// (pthread_join), so their results may be read without further synchronization.
    static func run(count: Int, _ body: @escaping @Sendable (_ index: Int) -> Void) async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            let joiner = start {
                let workers = (0..<count).map { index in start { body(index) } }
                for worker in workers {
                    let status = pthread_join(worker, nil)
                    precondition(status == 0, "pthread_join failed: \(status)")
                }
                finished.resume()
            }
            pthread_detach(joiner)
        }
    }

    /// Owns the closure a new thread runs; the thread releases it.
    private final class Start: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let context = Unmanaged.passRetained(Start(body)).toOpaque()
        let (thread, status) = PlatformThread.create(context) { context in
            Unmanaged<Start>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread
    }
}
