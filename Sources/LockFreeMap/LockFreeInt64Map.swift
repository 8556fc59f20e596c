// LockFreeInt64Map: the public type. Its algorithm is in Internal/_Stripe+Operations.swift
// and Internal/_Stripe+Migration.swift and is argued in docs/DESIGN.md. The public API is in
// the files beside this one, one concern each: +Reads, +Writes, +Compute (the closure
// forms), +Batch, +Capacity, +Iteration (forEach, removeAll), +Sequence (for-in),
// +Literals, +Description, +Statistics, and +Invariants (the testing SPI).

/// A lock-free hash map from `Int64` keys to `Int64` values, safe to share between
/// threads, tasks and actors without any lock.
///
/// ```swift
/// let hits = LockFreeInt64Map()
/// DispatchQueue.concurrentPerform(iterations: 8) { worker in
///     for page in 0..<1_000 { hits.wrappingAdd(1, forKey: Int64(page)) }
/// }
/// print(hits[42] ?? 0)   // 8
/// ```
///
/// Every `Int64` is a valid key and a valid value, `0`, `-1`, `.min` and `.max` included.
///
/// Single-key operations are linearizable, every operation is lock-free (growth and
/// memory reclamation included), no call suspends, and memory is bounded while the map
/// lives. `count`, `forEach(_:)`, `for`-`in` and `removeAll()` are not single atomic
/// steps; out of memory and bad arguments have defined outcomes. The article
/// <doc:Guarantees> states each of these exactly, once.
///
/// Reads and value updates allocate nothing and make no retain or release. A lookup
/// hashes the key and reads its bucket: one cache line unless the bucket has overflowed.
/// Tables grow and shrink by migrations that writers help with, a chunk at a time, and
/// that never stop readers (<doc:Performance>; docs/BENCHMARKS.md has measurements
/// against other maps).
public final class LockFreeInt64Map: @unchecked Sendable {
    // Sendable: every stored property is an immutable `let` set in `init`; the memory
    // they point to is shared between threads only through the lock-free protocol of
    // docs/DESIGN.md (atomic accesses and epoch-based reclamation), which is what
    // makes concurrent use safe. `deinit` runs only when no thread holds the map.
    let core: MapCore

    /// Creates an empty map sized so that `minimumCapacity` entries fit without growing.
    ///
    /// - Parameter minimumCapacity: The number of entries the map should hold before it
    ///   grows its bucket arrays: from 0 to ``maximumCapacity``. A value outside that
    ///   range stops the process with a message naming it (in release builds too).
    /// - Complexity: O(`minimumCapacity`) address space, touched only as entries arrive
    ///   (huge pages are requested only once a table is dense).
    ///
    /// Stops the process with a message naming the size if the kernel refuses the
    /// memory (out of memory or address space).
    public init(minimumCapacity: Int = 0) {
        MapCore.checkCapacity(minimumCapacity, in: "init(minimumCapacity:)")
        var generator = SystemRandomNumberGenerator()
        core = MapCore(minimumCapacity: minimumCapacity, seed: generator.next())
    }

    /// The largest `minimumCapacity` that ``init(minimumCapacity:)`` accepts: 2^40
    /// entries (tables of that size would need about 32 TiB).
    public static var maximumCapacity: Int { MapCore.maximumCapacity }

    deinit {
        core.deallocate()
    }
}
