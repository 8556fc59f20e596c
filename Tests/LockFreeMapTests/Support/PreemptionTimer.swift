import Foundation
// PreemptionTimer: makes a worker thread give up its core at arbitrary instructions, so that
// map operations get interrupted in the middle (a thread stalled half-way through a CAS loop
// while others run). Operations take ~100 ns and the 2 shared cores are often busy, so
// without this, operations of different threads rarely overlap at all.
//
// How: a per-thread POSIX timer (timer_create with SIGEV_THREAD_ID) sends SIGURG to its own
// thread periodically; the handler calls sched_yield(), which hands the core to another
// runnable thread, often another worker, wherever the interrupted one was. Go's runtime
// preempts goroutines with SIGURG for the same reason; SIGURG is ignored by default and, not
// being a real-time signal, never queues up while a thread waits for a core (a thread that
// was descheduled for a while handles one pending signal, not dozens). The handler does
// nothing but sched_yield, a plain system call that takes no lock and leaves errno alone.
// Under ThreadSanitizer, signals are handled at TSan's next safe point rather than at an
// arbitrary instruction, so injection is coarser there but harmless.
// Darwin has no timer_create: PreemptionTimer+Darwin.swift sends the same signal from a
// timer thread with pthread_kill instead.
import _LockFreeMapTestSupport

/// The SIGURG handler (installed once): yield the processor.
let preemptionHandlerInstalled = SignalAction.install(SIGURG, flags: SA_RESTART, plainHandler: { _ in sched_yield() })

/// Lets SIGURG reach the calling thread. Threads inherit their creator's signal mask, and
/// threads of the concurrency pool (libdispatch) block most signals: unblock ours, or it
/// would stay pending forever.
func unblockPreemptionSignal() {
    var mask = sigset_t()
    sigemptyset(&mask)
    sigaddset(&mask, SIGURG)
    pthread_sigmask(SIG_UNBLOCK, &mask, nil)
}

#if !canImport(Darwin)
/// A periodic "yield now" signal aimed at the thread that started it.
struct PreemptionTimer: ~Copyable {
    private static let signal = SIGURG

    private var timer: timer_t?

    /// Starts interrupting the calling thread every `intervalMicroseconds`. The timer must
    /// be stopped (`stop()`) on the same thread before it exits.
    init(intervalMicroseconds: Int) {
        precondition(preemptionHandlerInstalled, "could not install the SIGURG handler")
        unblockPreemptionSignal()

        var event = sigevent()
        event.sigev_notify = Int32(SIGEV_THREAD_ID)
        event.sigev_signo = Self.signal
        event._sigev_un._tid = pid_t(currentThreadID())  // the kernel thread id
        var created: timer_t?
        guard timer_create(CLOCK_MONOTONIC, &event, &created) == 0 else {
            preconditionFailure("timer_create failed: errno \(errno)")
        }
        timer = created
        let interval = timespec(
            tv_sec: intervalMicroseconds / 1_000_000, tv_nsec: (intervalMicroseconds % 1_000_000) * 1_000)
        var schedule = itimerspec(it_interval: interval, it_value: interval)
        timer_settime(timer, 0, &schedule, nil)
    }

    /// Stops and deletes the timer.
    consuming func stop() {
        timer_delete(timer)
        discard self
    }

    deinit {
        timer_delete(timer)
    }
}
#endif
