// What Linux reads from /proc, on Darwin: the task's resident and peak resident size
// (task_info), this executable's path (_NSGetExecutablePath) and the CPU's name (sysctl).
#if canImport(Darwin)
import Darwin

enum DarwinTask {
    /// mach_task_basic_info of this task, or nil if task_info fails.
    /// (<mach/task.h>: `kern_return_t task_info(task_name_t, task_flavor_t, task_info_t,
    /// mach_msg_type_number_t *)`; <mach/task_info.h>: MACH_TASK_BASIC_INFO,
    /// MACH_TASK_BASIC_INFO_COUNT = sizeof(mach_task_basic_info_data_t) / sizeof(natural_t).)
    static func basicInfo() -> (residentBytes: Int, peakResidentBytes: Int)? {
        var info = mach_task_basic_info()
        var count = mach_msg_type_number_t(
            MemoryLayout<mach_task_basic_info_data_t>.size / MemoryLayout<natural_t>.size)
        let status = withUnsafeMutablePointer(to: &info) { pointer in
            pointer.withMemoryRebound(to: integer_t.self, capacity: Int(count)) { words in
                task_info(mach_task_self_, task_flavor_t(MACH_TASK_BASIC_INFO), words, &count)
            }
        }
        guard status == KERN_SUCCESS else { return nil }
        return (Int(info.resident_size), Int(info.resident_size_max))
    }

    /// This executable's path. (<mach-o/dyld.h>: `int _NSGetExecutablePath(char *buf,
    /// uint32_t *bufsize)`, 0 on success, -1 and the needed size when the buffer is short.)
    static func executablePath() -> String? {
        var size: UInt32 = 4096
        var buffer = [CChar](repeating: 0, count: Int(size))
        if _NSGetExecutablePath(&buffer, &size) != 0 {
            buffer = [CChar](repeating: 0, count: Int(size))
            guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
        }
        return text(buffer)
    }

    /// The CPU's marketing name (sysctl machdep.cpu.brand_string), or nil.
    /// (<sys/sysctl.h>: `int sysctlbyname(const char *, void *, size_t *, void *, size_t)`.)
    static func cpuBrand() -> String? {
        var size = 0
        guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard sysctlbyname("machdep.cpu.brand_string", &buffer, &size, nil, 0) == 0 else { return nil }
        return text(buffer)
    }

    /// A NUL-terminated C string in `buffer`, as text.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
#endif
