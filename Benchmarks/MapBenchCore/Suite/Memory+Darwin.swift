// What Linux reads from /proc, on Darwin: this executable's path (_NSGetExecutablePath) and
// the CPU's name (sysctl). Resident memory is ResidentMemory's (_LockFreeMapPlatformSupport).
#if canImport(Darwin)
import Darwin
// _NSGetExecutablePath is declared in <mach-o/dyld.h>, module MachO. Whether Darwin
// re-exports MachO depends on the SDK's module maps: importing it when it exists compiles
// either way.
#if canImport(MachO)
import MachO
#endif

enum DarwinHost {
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
