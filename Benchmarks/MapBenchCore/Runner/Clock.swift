import _LockFreeMapPlatformSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds: the clock of the peers' timed samples.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    MonotonicClock.nanoseconds()
}

/// Sleeps the calling thread for `seconds`, resuming after interruptions.
func sleepSeconds(_ seconds: Double) {
    guard seconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR {
        request = remaining
    }
}

/// The median cost of two back-to-back clock reads (it is included in every latency sample).
func timerOverheadNanoseconds() -> UInt64 {
    var samples = [UInt64](repeating: 0, count: 100_000)
    for i in samples.indices {
        let a = monotonicNanoseconds()
        let b = monotonicNanoseconds()
        samples[i] = b &- a
    }
    samples.sort()
    return samples[samples.count / 2]
}
