#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The monotonic clock the tests' histories and the benchmark's samples are timed with.
package enum MonotonicClock {
    /// Nanoseconds of the system's monotonic clock: system-wide and never decreasing, on any
    /// core (`clock_gettime(CLOCK_MONOTONIC)`).
    @inline(__always)
    package static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(monotonicClockID, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    #if canImport(Darwin)
    /// Darwin's <time.h> declares the clocks as enumerators (`_CLOCK_MONOTONIC = 6`) and
    /// `#define CLOCK_MONOTONIC _CLOCK_MONOTONIC`; Swift's macro importer does not follow that
    /// alias (at least with the macOS 14.2 headers), so `CLOCK_MONOTONIC` may not exist. The
    /// enumerator is imported whatever the SDK does with the macro: this compiles either way.
    @inline(__always)
    private static var monotonicClockID: clockid_t { _CLOCK_MONOTONIC }
    #else
    /// glibc and musl define CLOCK_MONOTONIC as an integer macro, which Swift imports.
    @inline(__always)
    private static var monotonicClockID: clockid_t { CLOCK_MONOTONIC }
    #endif
}
