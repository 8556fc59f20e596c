// ThreadActivity on Darwin, which has no /proc: thread ids are Mach thread ports
// (`currentThreadID()`, in _LockFreeMapTestSupport), CPU time
// and scheduler state come from thread_info(THREAD_BASIC_INFO), and pthread_getcpuclockid
// does not exist.
#if canImport(Darwin)
import Darwin

extension ThreadActivity {
    /// Where a thread's scheduler state is read from: its Mach thread port.
    typealias StateSource = thread_act_t

    /// CPU time `thread` has consumed so far (user + system), in nanoseconds (0 if unreadable).
    static func cpuNanoseconds(_ thread: pthread_t) -> Int {
        guard let info = basicInfo(pthread_mach_thread_np(thread)) else { return 0 }
        let seconds = Int(info.user_time.seconds) + Int(info.system_time.seconds)
        let microseconds = Int(info.user_time.microseconds) + Int(info.system_time.microseconds)
        return seconds * 1_000_000_000 + microseconds * 1_000
    }

    /// The thread port of `threadID` (a `currentThreadID()` value).
    static func stateSource(threadID: Int) -> StateSource {
        thread_act_t(threadID)
    }

    /// The scheduler state as the letter Linux's stat file uses: 'R' running or runnable
    /// (TH_STATE_RUNNING), 'S' waiting, 'D' uninterruptible, 'T' stopped; nil if unreadable.
    static func state(of thread: StateSource) -> UInt8? {
        guard let info = basicInfo(thread) else { return nil }
        switch info.run_state {
        case integer_t(TH_STATE_RUNNING): return UInt8(ascii: "R")
        case integer_t(TH_STATE_WAITING): return UInt8(ascii: "S")
        case integer_t(TH_STATE_UNINTERRUPTIBLE): return UInt8(ascii: "D")
        default: return UInt8(ascii: "T")
        }
    }

    /// thread_info(THREAD_BASIC_INFO) into a stack value: no heap allocation.
    /// (<mach/thread_act.h>: `kern_return_t thread_info(thread_inspect_t, thread_flavor_t,
    /// thread_info_t, mach_msg_type_number_t *)`; <mach/thread_info.h>: THREAD_BASIC_INFO_COUNT
    /// = sizeof(thread_basic_info_data_t) / sizeof(natural_t).)
    private static func basicInfo(_ thread: thread_act_t) -> thread_basic_info? {
        var info = thread_basic_info()
        var count = mach_msg_type_number_t(MemoryLayout<thread_basic_info_data_t>.size / MemoryLayout<natural_t>.size)
        let status = withUnsafeMutablePointer(to: &info) { pointer in
            pointer.withMemoryRebound(to: integer_t.self, capacity: Int(count)) { words in
                thread_info(thread, thread_flavor_t(THREAD_BASIC_INFO), words, &count)
            }
        }
        return status == KERN_SUCCESS ? info : nil
    }
}
#endif
