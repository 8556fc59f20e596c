import Synchronization

/// A Boolean that one thread raises and others poll, such as "stop now".
final class StressFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    /// Creates a lowered flag.
    init() {}

    /// Raises the flag; what the raiser wrote before is visible to a poller that sees it raised.
    func raise() { raised.store(true, ordering: .releasing) }

    /// Whether the flag has been raised.
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}

/// A fixed number of atomic integers, each on its own cache line so that threads updating
/// their own slot do not slow each other down (and the progress measure is not distorted by
/// false sharing).
final class StressCounters: @unchecked Sendable {
    // Safety: the storage is allocated in init, never reallocated, freed in deinit, and only
    // touched through the `Atomic` operations on its elements, so sharing across threads is safe.
    private let storage: UnsafeMutablePointer<Atomic<Int>>
    /// How many counters there are.
    let count: Int
    private static let stride = 8  // 8 Ints = 64 bytes, one cache line per counter

    /// `count` counters, all zero.
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count * Self.stride)
        for index in 0..<count * Self.stride { (storage + index).initialize(to: Atomic(0)) }
    }

    deinit {
        storage.deinitialize(count: count * Self.stride)
        storage.deallocate()
    }

    /// Counter `index`. Use its `Atomic` operations with an explicit ordering.
    subscript(index: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        precondition(index >= 0 && index < count, "counter index out of range")
        return storage + index * Self.stride
    }

    /// The sum of the counters whose index is not `excluded` (relaxed loads: a progress measure,
    /// not a snapshot).
    func sum(excluding excluded: Int? = nil) -> Int {
        var total = 0
        for index in 0..<count where index != excluded {
            total &+= self[index].pointee.load(ordering: .relaxed)
        }
        return total
    }
}
