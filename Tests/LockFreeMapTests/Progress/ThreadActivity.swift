#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the scheduler says about a thread, to tell a worker that is blocked (sleeping on a lock:
/// a stall) from one that is runnable but was not given a processor (the machine is busy: no
/// verdict). Used only outside the hot loops.
/// Linux reads /proc; Darwin asks the kernel with thread_info (ThreadActivity+Darwin.swift).
enum ThreadActivity {
    #if !canImport(Darwin)
    /// Where a thread's scheduler state is read from: its /proc stat file, as a C string.
    typealias StateSource = [CChar]

    /// CPU time `thread` has consumed so far, in nanoseconds (0 if it cannot be read).
    static func cpuNanoseconds(_ thread: pthread_t) -> Int {
        var clock = clockid_t()
        var time = timespec()
        guard pthread_getcpuclockid(thread, &clock) == 0, clock_gettime(clock, &time) == 0 else { return 0 }
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    /// The path of thread `threadID`'s stat file, as a C string, built ahead of time so that
    /// reading the state later allocates nothing.
    static func stateSource(threadID: Int) -> StateSource {
        Array("/proc/self/task/\(threadID)/stat".utf8CString)
    }

    /// The scheduler state letter ('R' runnable or running, 'S' sleeping, 'D' in uninterruptible
    /// wait, ...) read from a thread's stat file (see `stateSource(threadID:)`); nil if unreadable.
    /// Reads into a stack buffer: no heap allocation.
    static func state(of statPath: StateSource) -> UInt8? {
        let descriptor = statPath.withUnsafeBufferPointer { open($0.baseAddress!, O_RDONLY) }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer -> UInt8? in
            let length = read(descriptor, buffer.baseAddress, buffer.count)
            guard length > 0 else { return nil }
            // "tid (comm) S ...": the state follows the last ')' (comm may itself contain ')').
            guard let close = buffer[0..<length].lastIndex(of: UInt8(ascii: ")")), close + 2 < length else {
                return nil
            }
            return buffer[close + 2]
        }
    }
    #endif
}
