import _LockFreeMapPlatformSupport

// SpinBarrier: a reusable barrier that releases its parties at nearly the same instant when
// cores are free (so that the operations of a round really overlap), and that stops burning
// CPU when they are not. Parties that wait spin briefly, yield a couple of times, and then
// sleep on a condition variable.
//
// Why not a plain blocking barrier: a futex wakes threads one by one, microseconds apart,
// which is longer than a whole round of map operations, so rounds would rarely overlap. Why
// not a pure spin barrier: on 2 shared cores with 4-8 workers, a spinning or yielding waiter
// takes core time from the party it waits for; with other processes busy, measured rounds
// became 100x slower. Spinning for a few microseconds catches the common case (the parties
// arrive together); sleeping covers the rest.
//
// It is also the start line of `OSThreads`: the starter is one more party, so that a group's
// threads are released together once every one of them is running.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A sense-reversing barrier (Mellor-Crummey & Scott, ACM TOCS 1991) with a sleeping
/// fallback.
///
/// Everything a party did before `wait()` happens-before everything any party does after
/// the same `wait()` returns: each arrival is a release, the last arrival's read-modify-write
/// acquires them all and releases the generation, which the waiters acquire (the mutex gives
/// the same edge to sleepers).
///
/// `@unchecked Sendable`: the pthread mutex and condition live in memory allocated once and
/// are only used through their thread-safe pthread functions.
package final class SpinBarrier: @unchecked Sendable {
    private let parties: Int
    private let arrived = AtomicWord(0)
    private let generation = AtomicWord(0)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// Spin iterations before the first yield: a few microseconds.
    private static let spinIterations = 20_000
    /// Yields before sleeping.
    private static let yields = 0

    /// A barrier for `parties` threads (at least 1).
    package init(parties: Int) {
        precondition(parties >= 1)
        self.parties = parties
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Blocks until all parties have called `wait()` for this generation.
    package func wait() {
        // Read the generation before arriving: it cannot advance until this thread arrives.
        let current = generation.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == parties {
            // Reset before the release below, so a party of the next generation that has
            // seen the new generation also sees the reset count.
            arrived.store(0, ordering: .relaxed)
            // Advance under the mutex: a sleeper checks the generation under it, so it
            // either sees the new one or is already waiting when the broadcast comes.
            pthread_mutex_lock(mutex)
            generation.wrappingAdd(1, ordering: .releasing)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
            return
        }
        for _ in 0..<Self.spinIterations where generation.load(ordering: .acquiring) != current { return }
        for _ in 0..<Self.yields {
            sched_yield()
            if generation.load(ordering: .acquiring) != current { return }
        }
        pthread_mutex_lock(mutex)
        while generation.load(ordering: .acquiring) == current {
            pthread_cond_wait(condition, mutex)
        }
        pthread_mutex_unlock(mutex)
    }
}
