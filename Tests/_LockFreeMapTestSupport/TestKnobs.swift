// TestKnobs: the one reader of the environment variables that size, seed and steer the tests
// of both test targets (LockFreeMapTests and MapBenchTests).
//
//   LOCKFREEMAP_SEED=<n>      replays a run: every randomized test derives its streams from this
//                             seed (decimal, or hexadecimal with 0x). Unset: a fresh random seed
//                             per run. The thread interleaving itself cannot be replayed.
//   LOCKFREEMAP_LONG=1        long versions (minutes instead of seconds).
//   LOCKFREEMAP_VALGRIND=1    set by .ci/valgrind.sh: stress iteration counts shrink, and
//                             tests that measure resident memory are skipped. The sanitizers
//                             need no variable: `isThreadSanitizer` and `isAddressSanitizer`
//                             see their runtimes in the process, with the same effects.
//
// A flag is on when its variable is set to anything but "" or "0". The first read of the seed
// prints the replay line once per process; every failure message of a randomized test also
// contains `TestKnobs.replayHint`, so a red run always says how to replay it.
import _LockFreeMapPlatformSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Seed, size and instrumentation switches, read once from the environment.
package enum TestKnobs {
    /// The base seed of this run: `LOCKFREEMAP_SEED` if set and valid (decimal or 0x-hex),
    /// else fresh from the system. Reading it the first time prints the replay line.
    package static let seed: UInt64 = {
        let seed: UInt64
        if let text = value("LOCKFREEMAP_SEED"), let parsed = parseSeed(text) {
            seed = parsed
        } else {
            var system = SystemRandomNumberGenerator()
            seed = system.next()
        }
        announce(seed)
        return seed
    }()

    /// The seed as it is written in replay lines: `0x` and lowercase hexadecimal digits.
    package static var seedText: String { format(seed) }

    /// Whether `LOCKFREEMAP_LONG=1` asked for the long versions.
    package static let isLong = flag("LOCKFREEMAP_LONG")
    /// Whether the process runs under ThreadSanitizer: its runtime is loaded (`__tsan_init`
    /// is defined). The tests' one answer; the library asks the question of its C object
    /// instead (`_lfm_built_with_tsan`), which agrees for any build of the whole package
    /// with `--sanitize=thread`.
    package static let isThreadSanitizer = DynamicSymbol.address(of: "__tsan_init") != nil
    /// Whether the process runs under AddressSanitizer: its runtime is loaded (`__asan_init`).
    package static let isAddressSanitizer = DynamicSymbol.address(of: "__asan_init") != nil
    /// Whether the run is under valgrind (`.ci/valgrind.sh` sets `LOCKFREEMAP_VALGRIND=1`).
    package static let isValgrind = flag("LOCKFREEMAP_VALGRIND")

    /// Whether any instrumentation that changes memory use or timing is active. Resident-memory
    /// curves are meaningless then (sanitizers keep shadow memory and quarantine freed blocks).
    package static var isInstrumented: Bool { isThreadSanitizer || isAddressSanitizer || isValgrind }

    /// A size for the single-threaded randomized tests (model sequences, linearizability rounds,
    /// benchmark adapters): `long` under `LOCKFREEMAP_LONG=1`, otherwise `short`. Sanitizers do
    /// not shrink it.
    package static func scaled(short: Int, long: Int) -> Int {
        isLong ? long : short
    }

    /// An iteration count for the stress, memory and hostile-key tests: `long` under
    /// `LOCKFREEMAP_LONG=1`, otherwise `normal`, divided by 2 under a sanitizer (they run
    /// 5-15x slower) and by 10 under valgrind (20-50x slower).
    package static func stressScaled(_ normal: Int, long: Int) -> Int {
        if isLong { return long }
        if isValgrind { return max(1, normal / 10) }
        if isThreadSanitizer || isAddressSanitizer { return max(1, normal / 2) }
        return normal
    }

    /// The text to append to a failure (and to put in front of `swift test`) to replay this run.
    package static var replayHint: String {
        "replay with LOCKFREEMAP_SEED=\(seedText)" + (isLong ? " LOCKFREEMAP_LONG=1" : "")
    }

    /// Accepts decimal or 0x-prefixed hexadecimal, with surrounding spaces; nil otherwise.
    package static func parseSeed(_ text: String) -> UInt64? {
        var trimmed = Substring(text)
        while trimmed.first == " " || trimmed.first == "\t" { trimmed.removeFirst() }
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            return UInt64(trimmed.dropFirst(2), radix: 16)
        }
        return UInt64(trimmed)
    }

    /// `seed` as `0x` and lowercase hexadecimal digits (what `parseSeed` reads back).
    package static func format(_ seed: UInt64) -> String {
        "0x" + String(seed, radix: 16)
    }

    /// Prints the replay line, once per process (from the initializer of `seed`), to standard
    /// error with one write(2), unbuffered, so that it comes out even if the run crashes.
    private static func announce(_ seed: UInt64) {
        let line =
            "LockFreeMap tests: replay with LOCKFREEMAP_SEED=\(format(seed))"
            + (isLong ? " LOCKFREEMAP_LONG=1" : "") + "\n"
        var bytes = Array(line.utf8)
        _ = write(2, &bytes, bytes.count)
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
