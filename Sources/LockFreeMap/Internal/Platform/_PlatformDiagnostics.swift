// Lock-free diagnostics and scheduling hints. `write(2)` rather than `print` or stdio:
// those take a user-space lock, which no map path may do.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum PlatformDiagnostics {
    /// Writes `message` to file descriptor 2 with one system call (no stdio lock).
    static func writeToStandardError(_ message: String) {
        var text = message
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }

    /// Gives the processor to another thread (race widening in tests).
    static func yieldProcessor() {
        _ = sched_yield()
    }
}
