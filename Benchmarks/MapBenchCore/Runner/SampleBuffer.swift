#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One worker's latency samples (nanoseconds, saturated to UInt32), in memory reused from
/// cell to cell and touched before timing starts, so that the timed loop neither allocates
/// nor takes first-touch page faults (tens of microseconds each in this VM).
struct SampleBuffer {
    /// The samples.
    private(set) var base: UnsafeMutablePointer<UInt32>
    /// Room for this many.
    private(set) var capacity: Int
    /// Samples recorded.
    var count = 0

    /// A buffer with room for `capacity` samples, touched.
    init(capacity: Int) {
        self.capacity = max(capacity, 1024)
        base = .allocate(capacity: self.capacity)
        memset(base, 0, self.capacity * MemoryLayout<UInt32>.stride)
    }

    /// Grows (and touches) to at least `needed` samples, dropping the contents.
    mutating func reserve(_ needed: Int) {
        count = 0
        guard needed > capacity else { return }
        base.deallocate()
        capacity = needed
        base = .allocate(capacity: capacity)
        memset(base, 0, capacity * MemoryLayout<UInt32>.stride)
    }

    /// Appends a sample. Only a run far above the expected rate ever grows the buffer.
    @inline(__always)
    mutating func append(_ nanoseconds: UInt64) {
        if count == capacity { grow() }
        base[count] = nanoseconds > UInt64(UInt32.max) ? UInt32.max : UInt32(truncatingIfNeeded: nanoseconds)
        count &+= 1
    }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// The recorded samples.
    var samples: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: base, count: count) }

    /// Frees the memory.
    func free() { base.deallocate() }
}

/// What one worker hands back after a cell. Written by the worker, read by the main thread
/// after joining it.
final class WorkerSlot: @unchecked Sendable {
    // Safety: the worker thread owns it between start and exit; the main thread reads it
    // only after pthread_join, which orders the two.

    /// Latency samples of every 64th operation.
    var samples: SampleBuffer
    /// Operations completed.
    var operations: UInt64 = 0
    /// Monotonic time at which the worker stopped.
    var endNanoseconds: UInt64 = 0
    /// Operations that did not find what the workload guarantees is there.
    var misses: UInt64 = 0
    /// Everything read, folded together so that no read can be optimized away.
    var sink: Int64 = 0

    /// A slot with room for `expectedSamples`.
    init(expectedSamples: Int) { samples = SampleBuffer(capacity: expectedSamples) }

    deinit { samples.free() }

    /// Clears the counters and makes room for `expectedSamples`.
    func reset(expectedSamples: Int) {
        samples.reserve(expectedSamples)
        operations = 0
        endNanoseconds = 0
        misses = 0
        sink = 0
    }
}
