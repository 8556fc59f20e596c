import _LockFreeMapPlatformSupport

/// A Boolean that one thread raises and others poll, such as "stop now". An `AtomicWord` (the
/// package's C shim), not Synchronization's `Atomic`, so that the stress tests that poll it
/// run at the package's floor (macOS 13, iOS 16).
final class StressFlag: Sendable {
    private let raised = AtomicWord(0)

    /// Creates a lowered flag.
    init() {}

    /// Raises the flag; what the raiser wrote before is visible to a poller that sees it raised.
    func raise() { raised.store(1, ordering: .releasing) }

    /// Whether the flag has been raised.
    var isRaised: Bool { raised.load(ordering: .acquiring) != 0 }
}

/// A fixed number of atomic integers, each on its own cache line so that threads updating
/// their own slot do not slow each other down (and the progress measure is not distorted by
/// false sharing). Words of the package's C shim (`AtomicWordPointer`), like `StressFlag`.
final class StressCounters: @unchecked Sendable {
    // Safety: the storage is allocated in init, never reallocated, freed in deinit, and only
    // touched through the atomic operations of `AtomicWordPointer`, so sharing across threads
    // is safe.
    private let storage: UnsafeMutablePointer<UInt64>
    /// How many counters there are.
    let count: Int
    private static let stride = 16  // 16 words = 128 bytes, one counter per (Apple silicon) line

    /// `count` counters, all zero.
    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * Self.stride * 8, alignment: 128)
        storage = raw.initializeMemory(as: UInt64.self, repeating: 0, count: count * Self.stride)
    }

    deinit { UnsafeMutableRawPointer(storage).deallocate() }

    /// Counter `index`. Use its operations with an explicit ordering.
    subscript(index: Int) -> AtomicWordPointer {
        precondition(index >= 0 && index < count, "counter index out of range")
        return AtomicWordPointer(storage + index * Self.stride)
    }

    /// The sum of the counters whose index is not `excluded` (relaxed loads: a progress measure,
    /// not a snapshot).
    func sum(excluding excluded: Int? = nil) -> Int {
        var total = 0
        for index in 0..<count where index != excluded {
            total &+= self[index].load(ordering: .relaxed)
        }
        return total
    }
}
