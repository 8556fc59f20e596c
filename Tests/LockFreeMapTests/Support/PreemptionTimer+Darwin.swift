// PreemptionTimer on Darwin, which has no POSIX per-thread timers (timer_create): a timer
// thread sleeps for the interval and sends SIGURG to the target thread with pthread_kill,
// until stopped. Same signal and handler as on Linux (PreemptionTimer.swift).
#if canImport(Darwin)
import Darwin
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

/// A periodic "yield now" signal aimed at the thread that started it.
struct PreemptionTimer: ~Copyable {
    /// What the timer thread needs: its target and the stop request.
    private final class Ticker: @unchecked Sendable {
        let target: pthread_t  // written once, before the timer thread starts
        let intervalMicroseconds: Int
        let stopRequested = AtomicWord(0)  // 1: stop
        init(target: pthread_t, intervalMicroseconds: Int) {
            self.target = target
            self.intervalMicroseconds = intervalMicroseconds
        }
    }

    private let ticker: Ticker
    private let thread: pthread_t

    /// Starts interrupting the calling thread every `intervalMicroseconds`. The timer must
    /// be stopped (`stop()`) on the same thread before it exits.
    init(intervalMicroseconds: Int) {
        precondition(preemptionHandlerInstalled, "could not install the SIGURG handler")
        unblockPreemptionSignal()
        ticker = Ticker(target: pthread_self(), intervalMicroseconds: intervalMicroseconds)
        let (thread, status) = PlatformThread.create(Unmanaged.passRetained(ticker).toOpaque()) { raw in
            let ticker = Unmanaged<Ticker>.fromOpaque(PlatformThread.context(raw)).takeRetainedValue()
            let interval = ticker.intervalMicroseconds
            while ticker.stopRequested.load(ordering: .acquiring) == 0 {
                var request = timespec(tv_sec: interval / 1_000_000, tv_nsec: (interval % 1_000_000) * 1_000)
                nanosleep(&request, nil)
                if ticker.stopRequested.load(ordering: .acquiring) != 0 { break }
                pthread_kill(ticker.target, SIGURG)
            }
            return nil
        }
        precondition(status == 0, "pthread_create failed: \(status)")
        self.thread = thread
    }

    /// Stops the timer thread and waits for it (in `deinit`, which consuming `self` runs):
    /// no signal is sent after this returns.
    consuming func stop() {}

    deinit {
        ticker.stopRequested.store(1, ordering: .releasing)
        pthread_join(thread, nil)
    }
}
#endif
