import _LockFreeMapPlatformSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Pausing a chosen thread at an arbitrary instruction: the controller sends it `SIGUSR2` with
/// `pthread_kill`; the handler records where the thread was interrupted, sleeps for the pause
/// length with `nanosleep`, and returns, so the thread resumes exactly where it was.
///
/// The handler only does async-signal-safe things: lock-free atomic loads and stores on
/// memory allocated before it was installed, reading the interrupted context, and `nanosleep`
/// (POSIX lists it as async-signal-safe). It takes no lock and never allocates, so a thread
/// paused inside any lock (a `Mutex`, the allocator, the Swift runtime) holds it for the pause
/// and then releases it: a pause can stall other threads, never deadlock them.
///
/// The handler stays installed for the rest of the process once installed: a signal still in
/// flight when a test ends then finds the handler rather than the default action, which would
/// kill the process.
enum PauseSignal {
    /// The signal used. Nothing else in the test process uses SIGUSR2.
    static let number = SIGUSR2

    /// Installs the handler (once; later calls do nothing).
    static func install() { _ = installation }

    /// Sets how long each delivered pause lasts.
    static func setPauseLength(nanoseconds: Int) {
        slot(.pauseNanoseconds).store(nanoseconds, ordering: .relaxed)
    }

    /// How many pauses have begun (the handler was entered) since the process started.
    static var enteredCount: Int { slot(.entered).load(ordering: .acquiring) }

    /// How many pauses have ended (the handler is about to return) since the process started.
    static var exitedCount: Int { slot(.exited).load(ordering: .acquiring) }

    /// The instruction address at which the most recent pause interrupted its thread.
    static var lastInterruptedAddress: UInt {
        UInt(bitPattern: slot(.interruptedAddress).load(ordering: .acquiring))
    }

    /// Lets the pause signal reach the calling thread. Needed in every thread that is to be
    /// paused: threads inherit their creator's signal mask, and the Swift concurrency pool's
    /// threads (libdispatch workers) block the asynchronous signals, so any thread started from
    /// a test function would otherwise hold the pause pending forever.
    static func unblockOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        let status = pthread_sigmask(SIG_UNBLOCK, &set, nil)
        precondition(status == 0, "pthread_sigmask failed")
    }

    /// Sends the pause signal to `thread`. Returns false if it could not be sent.
    static func pause(_ thread: pthread_t) -> Bool {
        pthread_kill(thread, number) == 0
    }

    // MARK: - State shared with the handler

    /// The handler's shared words. One allocation made before the handler is installed, and
    /// only touched through atomic operations, so the handler needs no lock to reach it.
    fileprivate enum Slot: Int, CaseIterable {
        case pauseNanoseconds, entered, exited, interruptedAddress
    }

    fileprivate static func slot(_ slot: Slot) -> AtomicWordPointer {
        AtomicWordPointer(pauseSignalSlots + slot.rawValue)
    }

    private static let installation: Void = {
        // Touch the slots first: their lazy initialization must not happen inside the handler.
        _ = pauseSignalSlots
        let installed = SignalAction.install(PauseSignal.number, flags: SA_RESTART, infoHandler: pauseSignalHandler)
        precondition(installed, "sigaction(SIGUSR2) failed")
    }()
}

/// The handler's shared words (see `PauseSignal.Slot`), allocated once for the process.
/// `nonisolated(unsafe)`: an immutable pointer to memory that is only accessed atomically.
nonisolated(unsafe) private let pauseSignalSlots: UnsafeMutablePointer<UInt64> = {
    let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: PauseSignal.Slot.allCases.count)
    slots.initialize(repeating: 0, count: PauseSignal.Slot.allCases.count)
    AtomicWordPointer(slots + PauseSignal.Slot.pauseNanoseconds.rawValue).store(20_000_000, ordering: .relaxed)
    return slots
}()

/// The SIGUSR2 handler: record where the thread was, sleep, return. Async-signal-safe.
private func pauseSignalHandler(_: Int32, _: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let savedErrno = errno
    var address = 0
    if let context {
        // x86_64 Linux: the interrupted instruction pointer is gregs[REG_RIP], REG_RIP == 16
        // (SignalAction.interruptedAddress, which also knows arm64 and Darwin).
        address = SignalAction.interruptedAddress(context)
    }
    PauseSignal.slot(.interruptedAddress).store(address, ordering: .relaxed)
    // Release: the controller that sees the new count also sees the address.
    PauseSignal.slot(.entered).wrappingAdd(1, ordering: .releasing)
    let length = PauseSignal.slot(.pauseNanoseconds).load(ordering: .relaxed)
    var request = timespec(tv_sec: length / 1_000_000_000, tv_nsec: length % 1_000_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    PauseSignal.slot(.exited).wrappingAdd(1, ordering: .releasing)
    errno = savedErrno
}
