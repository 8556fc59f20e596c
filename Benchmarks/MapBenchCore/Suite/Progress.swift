#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The live progress line on stderr ("cell i of n, elapsed, estimate left"), drawn with `\r`
/// and only when stderr is a terminal, so that logs and pipes stay clean.
final class ProgressLine {
    private let enabled: Bool
    private let total: Int
    private var done = 0
    private let start = monotonicNanoseconds()
    private var current = ""
    private var shown = false

    /// A progress line over `total` cells; `enabled` defaults to "stderr is a terminal".
    init(total: Int, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = total
        self.enabled = enabled
    }

    private var elapsed: Double { Double(monotonicNanoseconds() - start) * 1e-9 }

    /// Shows that `what` is running now (a cell, or "prefilling ...").
    func show(_ what: String) {
        current = what
        draw()
    }

    /// One more cell done; the line stays blank until the next `show`.
    func cellFinished() {
        done += 1
        current = ""
    }

    /// Erases the line (before anything else is printed).
    func clear() {
        guard enabled, shown else { return }
        writeAll(STDERR_FILENO, "\r\u{1B}[2K")
        shown = false
    }

    /// Redraws the line after something else was printed.
    func redraw() { draw() }

    private func draw() {
        guard enabled, !current.isEmpty else { return }
        var line = "[\(min(done + 1, total))/\(total)] \(current) | \(Format.clock(elapsed)) elapsed"
        if done > 0 && done < total {
            let left = elapsed / Double(done) * Double(total - done)
            line += " | ~\(Format.clock(left)) left"
        }
        writeAll(STDERR_FILENO, "\r\u{1B}[2K" + line)
        shown = true
    }
}
