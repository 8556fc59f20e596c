#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The knobs that size and steer the stress, progress, memory and hostile-key tests, read from
/// the environment once.
///
/// - `LOCKFREEMAP_LONG=1`: long versions (minutes instead of seconds).
/// - `LOCKFREEMAP_SEED=<n>`: replays the random choices of a run (the thread interleaving itself
///   cannot be replayed; the seed fixes every operation sequence and key choice).
/// - `LOCKFREEMAP_TSAN=1` / `LOCKFREEMAP_ASAN=1`: set by CI for sanitizer runs; iteration counts
///   shrink and tests that measure resident memory or need precise signal timing are skipped.
/// - `LOCKFREEMAP_VALGRIND=1`: set by `.ci/valgrind.sh`; the release tests shrink further.
enum StressEnvironment {
    /// Whether `LOCKFREEMAP_LONG=1` asks for the long versions.
    static let isLong = flag("LOCKFREEMAP_LONG")
    /// Whether the run is under ThreadSanitizer (CI sets `LOCKFREEMAP_TSAN=1`).
    static let isThreadSanitizer = flag("LOCKFREEMAP_TSAN")
    /// Whether the run is under AddressSanitizer (CI sets `LOCKFREEMAP_ASAN=1`).
    static let isAddressSanitizer = flag("LOCKFREEMAP_ASAN")
    /// Whether the run is under valgrind (`.ci/valgrind.sh` sets `LOCKFREEMAP_VALGRIND=1`).
    static let isValgrind = flag("LOCKFREEMAP_VALGRIND")

    /// Whether any instrumentation that changes memory use or timing is active. Resident-memory
    /// curves are meaningless then (sanitizers keep shadow memory and quarantine freed blocks).
    static var isInstrumented: Bool { isThreadSanitizer || isAddressSanitizer || isValgrind }

    /// The seed of this run: `LOCKFREEMAP_SEED` when set, otherwise fresh from the system.
    /// Each test derives its generators from it and names it in every failure message.
    static let seed: UInt64 = {
        if let text = value("LOCKFREEMAP_SEED"), let seed = UInt64(text) { return seed }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }()

    /// The text to append to a failure so that the run can be replayed.
    static var replayHint: String { "replay with LOCKFREEMAP_SEED=\(seed)" }

    /// An iteration count: `long` under `LOCKFREEMAP_LONG=1`, otherwise `normal`, divided by 2
    /// under a sanitizer (they run 5-15x slower) and by 10 under valgrind (20-50x slower).
    static func scaled(_ normal: Int, long: Int) -> Int {
        if isLong { return long }
        if isValgrind { return max(1, normal / 10) }
        if isThreadSanitizer || isAddressSanitizer { return max(1, normal / 2) }
        return normal
    }

    private static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    private static func flag(_ name: String) -> Bool {
        guard let text = value(name) else { return false }
        return !text.isEmpty && text != "0"
    }
}
