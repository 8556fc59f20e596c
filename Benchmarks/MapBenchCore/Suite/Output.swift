#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` to a file descriptor in full, unbuffered: table rows reach a pipe as they are
/// produced, and rows and the progress line never interleave mid-line.
func writeAll(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}

/// One line on stdout.
func printOut(_ line: String) { writeAll(STDOUT_FILENO, line + "\n") }

/// One line on stderr.
func printErr(_ line: String) { writeAll(STDERR_FILENO, line + "\n") }
