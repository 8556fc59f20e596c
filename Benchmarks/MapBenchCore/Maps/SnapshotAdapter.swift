import Synchronization

/// `snapshot`: an immutable Dictionary in a class box, published through one atomic pointer.
/// Readers load the pointer and look up, lock-free and without writing any shared line;
/// every write copies the whole dictionary, changes the copy and publishes it with a CAS
/// (retrying from a fresh copy when another writer won). The "copy-on-write snapshot"
/// (Clojure's atom, `AtomicReference<ImmutableMap>`) that read-mostly code reaches for.
///
/// Memory safety: a reader may still be looking at a box that a writer has just replaced, so
/// replaced boxes are retired through `EpochReclaimer` and released only after every reader
/// that could have loaded them has unpinned (the argument is in EpochReclaimer.swift).
/// Readers borrow the box (`_withUnsafeGuaranteedRef`): no retain/release on the shared box.
///
/// Writes cost O(K) by design, so the suite runs the write mixes only up to
/// `maxKeysForWrites` keys, and prefills in one step (`prefill`).
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class SnapshotAdapter: BenchMap, @unchecked Sendable {
    // Safety: `head` always holds +1 on the current box; boxes are immutable once published;
    // replaced boxes are released only through the epoch reclaimer.

    /// Largest K at which the write mixes run (a write copies up to 2K entries: ~20 us here).
    static let maxKeysForWrites: UInt64 = 10_000

    final class Box {
        let entries: [Int64: Int64]
        init(_ entries: [Int64: Int64]) { self.entries = entries }
    }

    private let head: Atomic<UInt>
    private let reclaimer = EpochReclaimer.shared

    init() {
        head = Atomic(Self.bits(Unmanaged.passRetained(Box([:]))))
    }

    deinit {
        Self.box(head.load(ordering: .acquiring)).release()
    }

    static var name: String { "snapshot" }

    static func skipReason(mix: Mix, keys: UInt64) -> String? {
        guard mix.writes, keys > maxKeysForWrites else { return nil }
        return "every write copies the whole map; write mixes run only up to K = \(maxKeysForWrites)"
    }

    @inline(__always) private static func bits(_ box: Unmanaged<Box>) -> UInt {
        UInt(bitPattern: box.toOpaque())
    }

    @inline(__always) private static func box(_ bits: UInt) -> Unmanaged<Box> {
        Unmanaged.fromOpaque(UnsafeRawPointer(bitPattern: bits)!)
    }

    /// Runs `body` on the current snapshot. Caller is pinned.
    @inline(__always)
    private func reading<R>(_ body: (Box) -> R) -> R {
        Self.box(head.load(ordering: .sequentiallyConsistent))._withUnsafeGuaranteedRef(body)
    }

    /// Copy, change, CAS; retried until this writer's copy is the one published. `body`
    /// returns its result and whether it changed the copy (an unchanged copy is not published:
    /// the operation then takes effect at its load of `head`).
    private func writing<R>(_ body: (inout [Int64: Int64]) -> (R, changed: Bool)) -> R {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        while true {
            let current = head.load(ordering: .sequentiallyConsistent)
            var copy = Self.box(current)._withUnsafeGuaranteedRef { $0.entries }
            let (result, changed) = body(&copy)
            if !changed { return result }
            let replacement = Unmanaged.passRetained(Box(copy))
            if head.compareExchange(
                expected: current, desired: Self.bits(replacement), ordering: .sequentiallyConsistent
            ).exchanged {
                reclaimer.retire(.object(Unmanaged<AnyObject>.fromOpaque(Self.box(current).toOpaque())))
                return result
            }
            replacement.release()
        }
    }

    @inline(__always) func get(_ key: Int64) -> Int64? {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        return reading { $0.entries[key] }
    }

    func update(_ value: Int64, forKey key: Int64) -> Int64? {
        writing { entries in (entries.updateValue(value, forKey: key), true) }
    }

    func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        writing { entries in
            // Checked before the copy is mutated, so a present key costs no rehash.
            if entries[key] != nil { return (false, false) }
            entries[key] = value
            return (true, true)
        }
    }

    func remove(_ key: Int64) -> Int64? {
        writing { entries in
            guard let old = entries.removeValue(forKey: key) else { return (nil, false) }
            return (old, true)
        }
    }

    func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        writing { entries in (entries.wrappingAdd(delta, forKey: key), true) }
    }

    var count: Int {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        return reading { $0.entries.count }
    }

    /// Builds the prefilled contents in one dictionary and publishes it once: the same end
    /// state as inserting key by key, without K full copies.
    func prefill(_ indices: StrideTo<UInt64>) {
        writing { entries in
            for i in indices {
                let key = benchKey(i)
                _ = entries.insertIfAbsent(key, forKey: key)
            }
            return ((), true)
        }
    }
}
