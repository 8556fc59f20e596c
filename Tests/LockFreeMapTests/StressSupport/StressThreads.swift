#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// POSIX threads for the stress tests: real kernel threads, so that a test never blocks the
/// Swift concurrency pool (two threads on this machine) and the scheduler can preempt a thread
/// anywhere inside a map operation.
///
/// All threads of a group wait on one start flag and are released together once every one of
/// them is running, so that their operations overlap from the first one on.
final class StressThreads {
    /// The threads, in the order of the bodies given to `init`; valid until `join()` returns.
    let handles: [pthread_t]
    private var joined: [Bool]

    /// Starts one thread per body, waits until all are running, then releases them together.
    init(_ bodies: [@Sendable () -> Void]) {
        let gate = StressStartGate()
        var handles: [pthread_t] = []
        for body in bodies {
            handles.append(StressThreads.spawn {
                gate.arriveAndWait()
                body()
            })
        }
        self.handles = handles
        joined = Array(repeating: false, count: handles.count)
        gate.openWhen(arrived: bodies.count)
    }

    /// Waits for thread `index` (the index of its body) to end. Each thread is joined once.
    func join(at index: Int) {
        precondition(!joined[index], "thread \(index) joined twice")
        joined[index] = true
        let status = pthread_join(handles[index], nil)
        precondition(status == 0, "pthread_join failed: \(status)")
    }

    /// Waits for every thread of the group not joined yet to end.
    func join() {
        for index in handles.indices where !joined[index] { join(at: index) }
    }

    deinit { precondition(!joined.contains(false), "a StressThreads group was not joined") }

    /// Runs the bodies on their own threads, released together, and returns when all have ended.
    static func run(_ bodies: [@Sendable () -> Void]) {
        StressThreads(bodies).join()
    }

    /// Runs `count` copies of `body`, each given its index, released together; returns when all ended.
    static func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        run((0 ..< count).map { index in { body(index) } })
    }

    /// Starts a joinable thread running `body`.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let box = Unmanaged.passRetained(StressThreadBody(body)).toOpaque()
        let (handle, status) = PlatformThread.create(box) { raw in
            let box = Unmanaged<StressThreadBody>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }
        precondition(status == 0, "pthread_create failed: \(status)")
        return handle
    }
}

/// Runs `body` on a fresh POSIX thread and suspends (never blocks) the calling task until it
/// returns. The stress tests do all their thread work, waiting and joining in such a body, and
/// their `#expect`s on its result in the test function, where Swift Testing attributes them.
func onStressThread<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
        let handle = StressThreads.spawn { continuation.resume(returning: body()) }
        // Detached: nobody joins it; the continuation is the completion signal.
        pthread_detach(handle)
    }
}

/// The closure a new thread runs, boxed so that it can cross `pthread_create` as one pointer.
private final class StressThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// A one-shot start flag: threads announce themselves, then wait until the starter opens it.
/// Waiting yields the processor rather than spinning hard: two cores are shared by all threads.
final class StressStartGate: Sendable {
    private let arrivedCount = Atomic<Int>(0)
    private let isOpen = Atomic<Bool>(false)

    /// Creates a closed gate.
    init() {}

    /// Called by each thread: counts it as arrived and returns once the gate is open.
    func arriveAndWait() {
        arrivedCount.wrappingAdd(1, ordering: .releasing)
        while !isOpen.load(ordering: .acquiring) { sched_yield() }
    }

    /// Called by the starter: waits until `arrived` threads have arrived, then opens the gate.
    func openWhen(arrived: Int) {
        while arrivedCount.load(ordering: .acquiring) < arrived { sched_yield() }
        isOpen.store(true, ordering: .releasing)
    }
}
