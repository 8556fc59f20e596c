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
/// ## Consistency
/// Each single-key operation (`value(forKey:)`, `containsKey(_:)`, the subscript,
/// `updateValue`, `insertValue`, `removeValue`, `compareExchange`, `wrappingAdd`) is
/// linearizable: it takes effect atomically at one instant between its call and its
/// return, and a read returns the value of the latest write linearized before it. A
/// write that changes the map happens-before every operation that observes its
/// effect (release/acquire). `count`, `removeAll()` and `forEach(_:)` are not single
/// atomic steps; their documentation says what they guarantee.
///
/// ## Progress
/// Lock-free: no operation takes a lock, spins on a flag, or waits for another
/// thread, and a thread stopped at any instruction never prevents the others from
/// completing theirs. Reads are lock-free too (a read that keeps meeting new
/// migrations follows their tables), and never retry their pin on Linux where the process
/// can use `membarrier` (see the Guarantees article). Growth is incremental and lock-free.
/// No call suspends; every call may be made from any thread, task or actor.
///
/// ## Memory
/// Entries live inline in 64-byte buckets (three per bucket, plus overflow buckets)
/// of tables that the map takes from the kernel with `mmap`. A removed key keeps its
/// slot as a tombstone until its table is next migrated (to grow, to shrink, or to
/// drop tombstones); old tables are freed through epoch-based reclamation once no
/// operation can still be reading them, so a map under steady churn levels off in
/// memory. All memory is returned when the map is deinitialized. An operation that
/// is descheduled for a long time (or a long `forEach`) delays freeing, never
/// correctness.
///
/// ## Out of memory
/// The map takes its memory from the kernel with `mmap` and treats a refusal as a
/// result, never as silent corruption. Optional work is skipped: a table that cannot
/// grow or shrink keeps working at a higher or lower load. A call that cannot proceed
/// without new memory stops the process with a message naming the bytes it asked for
/// (in release builds too): ``init(minimumCapacity:)``, ``reserveCapacity(_:)``, an insert
/// (through any call that can insert: the subscript's setter, ``updateValue(_:forKey:)``,
/// ``insertValue(_:forKey:)``, ``compareExchange(forKey:expected:desired:)``,
/// ``wrappingAdd(_:forKey:)``, ``updateValue(forKey:with:)``, ``value(forKey:orInsert:)``
/// and the batch adds) whose table is full and whose successor cannot be mapped; a
/// thread's first call of any method when its page of records cannot be mapped; and,
/// rarely, any write, ``forEach(_:)`` or iteration that helps move a bucket of a
/// migration when the copy outgrows its reserved overflow buckets and the extra page
/// cannot be mapped. Lookups (``value(forKey:)``, ``containsKey(_:)``, the subscript's
/// getter, batch lookups) never stop but on a thread's first call.
///
/// ## Performance
/// Reads and value updates allocate nothing and make no retain or release. A
/// lookup hashes the key and reads its bucket: one cache line unless the bucket has
/// overflowed. A stripe's table grows when it passes 2.5 entries per bucket, by a
/// migration that every writer helps with, a chunk at a time, and that never stops
/// readers.
/// See docs/BENCHMARKS.md for measurements against other maps.
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
