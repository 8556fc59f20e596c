// Resident memory on Darwin, where there is no /proc: task_info(MACH_TASK_BASIC_INFO).
#if canImport(Darwin)
import Darwin

extension ResidentMemory {
    /// Resident bytes now (`mach_task_basic_info.resident_size`), or nil if task_info fails.
    package static func bytes() -> Int? {
        basicInfo().map { Int($0.resident_size) }
    }

    /// The task's peak resident bytes (`resident_size_max`), or nil if task_info fails.
    /// (Not `ru_maxrss`, which Darwin reports in bytes and keeps across exec.)
    package static func peakBytes() -> Int? {
        basicInfo().map { Int($0.resident_size_max) }
    }

    /// mach_task_basic_info of this task, or nil if task_info fails. A system call into a
    /// stack value: no heap allocation.
    /// (<mach/task.h>: `kern_return_t task_info(task_name_t, task_flavor_t, task_info_t,
    /// mach_msg_type_number_t *)`; <mach/task_info.h>: MACH_TASK_BASIC_INFO,
    /// MACH_TASK_BASIC_INFO_COUNT = sizeof(mach_task_basic_info_data_t) / sizeof(natural_t).)
    private static func basicInfo() -> mach_task_basic_info? {
        guard let task = taskSelf else { return nil }
        var info = mach_task_basic_info()
        var count = mach_msg_type_number_t(
            MemoryLayout<mach_task_basic_info_data_t>.size / MemoryLayout<natural_t>.size)
        let status = withUnsafeMutablePointer(to: &info) { pointer in
            pointer.withMemoryRebound(to: integer_t.self, capacity: Int(count)) { words in
                task_info(task, task_flavor_t(MACH_TASK_BASIC_INFO), words, &count)
            }
        }
        return status == KERN_SUCCESS ? info : nil
    }

    /// This task's port: what `mach_task_self()` returns (<mach/mach_init.h>: `extern
    /// mach_port_t mach_task_self_; #define mach_task_self() mach_task_self_`, set by libSystem
    /// before `main`, never changed). Swift does not import the function-like macro, and the
    /// 14.2 SDK declares `mach_task_self_` as a plain mutable global, which Swift 6 rejects as
    /// "not concurrency-safe"; a newer SDK may annotate it. Reading the variable through its
    /// symbol compiles whatever the SDK's annotation, and reads the same word.
    private static let taskSelf: mach_port_t? = DynamicSymbol.address(of: "mach_task_self_")?
        .load(as: mach_port_t.self)
}
#endif
