// ThreadSlots: how worker threads hand results back without locks. Each thread writes only
// its own slot; the test reads the slots after joining the threads (pthread_join orders the
// writes before the reads).
//
// Why not Synchronization.Mutex: on Linux it is built on raw futexes that ThreadSanitizer
// does not model, so TSan reports every access it protects as a data race (checked with
// Swift 6.3.1). Test code must not use it for anything that runs under TSan.

/// A fixed number of slots, each written by one thread and read after all have been joined.
///
/// `@unchecked Sendable`: the storage is allocated once; distinct slots are distinct memory,
/// so writes by different threads to their own slots do not race, and reads happen after
/// the join.
package final class ThreadSlots<Element: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element?>

    /// `count` empty slots.
    package init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.baseAddress!.deinitialize(count: storage.count)
        storage.deallocate()
    }

    /// Slot `index`: set only by its owner thread, read only after the join.
    package subscript(index: Int) -> Element? {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// All slots, in order (after the join); every thread must have stored its result.
    package var values: [Element] {
        storage.enumerated().map { index, value in
            guard let value else { preconditionFailure("thread \(index) stored no result") }
            return value
        }
    }
}
