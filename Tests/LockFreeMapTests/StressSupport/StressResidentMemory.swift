#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's resident memory, as docs/WORKLOADS.md measures it: on Linux the second field of
/// `/proc/self/statm` (resident pages) times the page size; on Darwin the task's
/// `resident_size` (StressResidentMemory+Darwin.swift).
enum StressResidentMemory {
    #if !canImport(Darwin)
    /// Resident bytes now, or nil if `/proc/self/statm` cannot be read. Reads into a stack
    /// buffer with plain system calls, so sampling allocates nothing on the heap and does not
    /// disturb what it measures.
    static func bytes() -> Int? {
        let descriptor = open("/proc/self/statm", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> Int? in
            let length = read(descriptor, buffer.baseAddress, buffer.count)
            guard length > 0 else { return nil }
            // "size resident shared text lib data dt": skip the first field, parse the second.
            var field = 0
            var pages = 0
            var sawDigit = false
            for byte in buffer[0..<length] {
                if byte == UInt8(ascii: " ") {
                    if field == 1 { break }
                    field += 1
                } else if field == 1, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    pages = pages * 10 + Int(byte - UInt8(ascii: "0"))
                    sawDigit = true
                }
            }
            return sawDigit ? pages * sysconf(Int32(_SC_PAGESIZE)) : nil
        }
    }
    #endif
}
