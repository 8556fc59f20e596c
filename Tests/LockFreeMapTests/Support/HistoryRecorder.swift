// HistoryRecorder: records a concurrent history for the linearizability checker. Each thread
// owns one recorder (a plain array: no lock, no shared write on the hot path); histories are
// merged after the threads are joined.
//
// Every operation gets an invocation and a response timestamp from one system-wide monotonic
// clock (CLOCK_MONOTONIC). The checker treats A as preceding B only if A.response <
// B.invocation, so an operation's interval must contain its linearization point:
// - the invocation time is read before the operation starts and the response time after it
//   has returned, and a sequentially consistent fence sits between each clock read and the
//   operation. On x86-64 that fence is MFENCE, which drains the store buffer (the operation's
//   stores are globally visible before the response time is read) and, together with the
//   LFENCE/RDTSCP that the vDSO clock uses, keeps the operation's memory accesses inside the
//   interval. Without it, a store still in the store buffer could become visible after the
//   response timestamp and produce a false "not linearizable".
// - the fences are not synchronization between threads (ThreadSanitizer does not model them),
//   so recording adds no happens-before edge that could hide a data race from TSan.
import Foundation
import Synchronization
import _LockFreeMapPlatformSupport

/// One completed operation of a concurrent history.
struct RecordedOperation: Hashable, Sendable {
    /// Who ran it (0-based worker index; the checker only needs distinct values).
    var thread: Int
    /// The operation and its arguments.
    var operation: MapOperation
    /// What it returned.
    var result: MapOperationResult
    /// Clock reading taken before the call (nanoseconds, CLOCK_MONOTONIC).
    var invocation: UInt64
    /// Clock reading taken after the return; always >= invocation.
    var response: UInt64
}

/// Records the operations of one thread. Not shared: each thread owns its own.
struct HistoryRecorder {
    /// The thread number stamped on every record.
    let thread: Int
    /// What has been recorded, in program order.
    private(set) var operations: [RecordedOperation] = []

    /// A recorder for `thread`, with room for `capacity` operations.
    init(thread: Int, capacity: Int = 16) {
        self.thread = thread
        operations.reserveCapacity(capacity)
    }

    /// Performs `operation` on `map`, records it with its timestamps, and returns its result.
    @discardableResult
    mutating func record(_ operation: MapOperation, on map: some MapUnderTest) -> MapOperationResult {
        let invocation = MonotonicClock.nanoseconds()
        fullFence()
        let result = operation.perform(on: map)
        fullFence()
        let response = MonotonicClock.nanoseconds()
        operations.append(
            RecordedOperation(
                thread: thread, operation: operation, result: result,
                invocation: invocation, response: response))
        return result
    }
}

/// The sequentially consistent fence between a clock read and the operation (see the file
/// comment). Synchronization's `atomicMemoryFence` where it exists (macOS 15, iOS 18; always on
/// Linux); below that a sequentially consistent read-modify-write of a word of the package's C
/// shim (a locked instruction on x86-64, LDADDAL on arm64), which orders the accesses before
/// it against those after it the same way.
@inline(__always)
private func fullFence() {
    if #available(macOS 15, iOS 18, tvOS 18, visionOS 2, *) {
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    } else {
        fenceWord.wrappingAdd(0, ordering: .sequentiallyConsistent)
    }
}

/// The word `fullFence` updates where Synchronization is missing.
private let fenceWord = AtomicWord(0)
