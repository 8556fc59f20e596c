// Resident memory on Darwin, where there is no /proc: task_info(MACH_TASK_BASIC_INFO).
#if canImport(Darwin)
import Darwin

extension StressResidentMemory {
    /// Resident bytes now (`mach_task_basic_info.resident_size`), or nil if task_info fails.
    /// A system call into a stack value: no heap allocation.
    /// (<mach/task.h>: `kern_return_t task_info(task_name_t, task_flavor_t, task_info_t,
    /// mach_msg_type_number_t *)`; <mach/task_info.h>: MACH_TASK_BASIC_INFO,
    /// MACH_TASK_BASIC_INFO_COUNT = sizeof(mach_task_basic_info_data_t) / sizeof(natural_t).)
    static func bytes() -> Int? {
        var info = mach_task_basic_info()
        var count = mach_msg_type_number_t(
            MemoryLayout<mach_task_basic_info_data_t>.size / MemoryLayout<natural_t>.size)
        let status = withUnsafeMutablePointer(to: &info) { pointer in
            pointer.withMemoryRebound(to: integer_t.self, capacity: Int(count)) { words in
                task_info(mach_task_self_, task_flavor_t(MACH_TASK_BASIC_INFO), words, &count)
            }
        }
        return status == KERN_SUCCESS ? Int(info.resident_size) : nil
    }
}
#endif
