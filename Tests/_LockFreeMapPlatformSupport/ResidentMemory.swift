#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's resident memory, as docs/WORKLOADS.md measures it: on Linux from /proc
/// (this file), on Darwin from the task's `mach_task_basic_info` (ResidentMemory+Darwin.swift).
/// The one reader for the tests and the benchmark.
///
/// Both read into stack buffers with plain system calls, so sampling allocates nothing on the
/// heap and does not disturb what it measures.
package enum ResidentMemory {
    #if !canImport(Darwin)
    /// Resident bytes now: the second field of `/proc/self/statm` (resident pages) times the
    /// page size; nil if it cannot be read.
    package static func bytes() -> Int? {
        readProcFile("/proc/self/statm", capacity: 128) { text -> Int? in
            // "size resident shared text lib data dt": skip the first field, parse the second.
            var field = 0
            var pages = 0
            var sawDigit = false
            for byte in text {
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

    /// The process's peak resident bytes: `VmHWM` of `/proc/self/status` (in kB), else
    /// `ru_maxrss` (kB on Linux). Not `ru_maxrss` first: Linux keeps it across execve, so a
    /// child re-executed from a large parent would report the parent's peak.
    package static func peakBytes() -> Int? {
        let fromStatus = readProcFile("/proc/self/status", capacity: 8192) { text -> Int? in
            let key = Array("VmHWM:".utf8)
            var lineStart = 0
            while lineStart < text.count {
                var lineEnd = lineStart
                while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                if lineEnd - lineStart > key.count, text[lineStart..<lineStart + key.count].elementsEqual(key) {
                    var kilobytes = 0
                    var sawDigit = false
                    for byte in text[(lineStart + key.count)..<lineEnd]
                    where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                        kilobytes = kilobytes * 10 + Int(byte - UInt8(ascii: "0"))
                        sawDigit = true
                    }
                    return sawDigit ? kilobytes * 1024 : nil
                }
                lineStart = lineEnd + 1
            }
            return nil
        }
        if let fromStatus { return fromStatus }
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        return usage.ru_maxrss * 1024
    }

    /// Reads up to `capacity` bytes of the file at `path` into a stack buffer and returns
    /// `parse` of them; nil if the file cannot be opened or read.
    private static func readProcFile(
        _ path: String, capacity: Int, _ parse: (UnsafeMutableBufferPointer<UInt8>.SubSequence) -> Int?
    ) -> Int? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> Int? in
            let length = read(descriptor, buffer.baseAddress, buffer.count)
            guard length > 0 else { return nil }
            return parse(buffer[0..<length])
        }
    }
    #endif
}
