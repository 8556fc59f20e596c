import _LockFreeMapShims

// Atomic integers for the helpers that must run at the package's floor (the test support's
// barrier, the stress tests' flags and counters, map-bench's runners). Synchronization's
// `Atomic` needs macOS 15 / iOS 18, above the floor (Package.swift); these use the package's
// own C11 shim, which the library uses for all its atomics. Values are `Int` (the package
// needs a 64-bit platform: the shim asserts it) held in 64-bit words.

/// The orderings the shim offers. An operation given an ordering its shim function does not
/// have uses the next stronger one (a read-modify-write is relaxed or sequentially consistent).
package enum AtomicWordOrdering: Sendable {
    /// No ordering, atomicity only.
    case relaxed
    /// A load that acquires.
    case acquiring
    /// A store that releases.
    case releasing
    /// A read-modify-write that acquires and releases.
    case acquiringAndReleasing
    /// Sequentially consistent.
    case sequentiallyConsistent
}

/// An atomic view of a 64-bit word that something else owns (`AtomicWord`, or a block of
/// padded counters). The word must stay allocated and be accessed only atomically while the
/// view is used.
package struct AtomicWordPointer: @unchecked Sendable {
    /// The word.
    package let word: UnsafeMutablePointer<UInt64>

    /// A view of `word`.
    package init(_ word: UnsafeMutablePointer<UInt64>) { self.word = word }

    /// The current value. `.releasing` and `.acquiringAndReleasing` are not load orderings.
    @inline(__always)
    package func load(ordering: AtomicWordOrdering) -> Int {
        switch ordering {
        case .relaxed: Int(Int64(bitPattern: _lfm_load_relaxed_u64(word)))
        case .acquiring: Int(Int64(bitPattern: _lfm_load_acquire_u64(word)))
        case .sequentiallyConsistent: Int(Int64(bitPattern: _lfm_load_seqcst_u64(word)))
        case .releasing, .acquiringAndReleasing: preconditionFailure("not a load ordering: \(ordering)")
        }
    }

    /// Replaces the value. `.acquiring` and `.acquiringAndReleasing` are not store orderings.
    @inline(__always)
    package func store(_ value: Int, ordering: AtomicWordOrdering) {
        let bits = UInt64(bitPattern: Int64(value))
        switch ordering {
        case .relaxed: _lfm_store_relaxed_u64(word, bits)
        case .releasing: _lfm_store_release_u64(word, bits)
        case .sequentiallyConsistent: _lfm_store_seqcst_u64(word, bits)
        case .acquiring, .acquiringAndReleasing: preconditionFailure("not a store ordering: \(ordering)")
        }
    }

    /// Adds `delta` (wrapping) and returns the values before and after. Relaxed, or
    /// sequentially consistent for every other ordering.
    @inline(__always)
    @discardableResult
    package func wrappingAdd(_ delta: Int, ordering: AtomicWordOrdering) -> (oldValue: Int, newValue: Int) {
        let bits = UInt64(bitPattern: Int64(delta))
        let old =
            ordering == .relaxed ? _lfm_fetch_add_relaxed_u64(word, bits) : _lfm_fetch_add_seqcst_u64(word, bits)
        return (Int(Int64(bitPattern: old)), Int(Int64(bitPattern: old &+ bits)))
    }
}

/// An atomic integer that owns its word, alone on a 128-byte line (no false sharing with
/// other words, on x86-64's adjacent-line prefetch or Apple silicon's 128-byte lines).
package final class AtomicWord: @unchecked Sendable {
    /// Bytes and alignment of the word's allocation.
    private static let lineBytes = 128
    private let view: AtomicWordPointer

    /// A word holding `value`.
    package init(_ value: Int = 0) {
        let line = UnsafeMutableRawPointer.allocate(byteCount: Self.lineBytes, alignment: Self.lineBytes)
        view = AtomicWordPointer(line.initializeMemory(as: UInt64.self, repeating: 0, count: 1))
        view.store(value, ordering: .relaxed)
    }

    deinit { UnsafeMutableRawPointer(view.word).deallocate() }

    /// See `AtomicWordPointer.load(ordering:)`.
    @inline(__always)
    package func load(ordering: AtomicWordOrdering) -> Int { view.load(ordering: ordering) }

    /// See `AtomicWordPointer.store(_:ordering:)`.
    @inline(__always)
    package func store(_ value: Int, ordering: AtomicWordOrdering) { view.store(value, ordering: ordering) }

    /// See `AtomicWordPointer.wrappingAdd(_:ordering:)`.
    @inline(__always)
    @discardableResult
    package func wrappingAdd(_ delta: Int, ordering: AtomicWordOrdering) -> (oldValue: Int, newValue: Int) {
        view.wrappingAdd(delta, ordering: ordering)
    }
}
