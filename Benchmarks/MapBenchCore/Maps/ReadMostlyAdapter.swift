import Synchronization

/// `readmostly`: the design of Go's `sync.Map` (Go 1.20-1.23, src/sync/map.go), rewritten for
/// Int64 values.
///
/// - `read`: an atomically published, immutable `[key: entry]` plus an `amended` flag that
///   says whether `dirty` holds keys `read` lacks. Reads, and writes to keys already in
///   `read`, never lock: they CAS the entry's word.
/// - `dirty`: a Dictionary under a lock (a pthread mutex, see PthreadMutex.swift) holding every
///   live key once it exists. New keys go there under the lock. Each lookup that misses `read`
///   and has to take the lock counts a miss; when misses reach `dirty.count`, `dirty` is
///   promoted to be the new `read`.
/// - An entry word is 0 (deleted), 1 (expunged: deleted and left out of `dirty`), or the
///   address of an immutable heap cell holding the value (Go stores a `*any` there; like Go,
///   every store allocates one).
///
/// Memory: replaced `read` boxes and replaced value cells are retired through
/// `EpochReclaimer` (Go has a garbage collector). Entries themselves (one atomic word each)
/// are kept for the map's lifetime and freed in deinit: an entry can be reachable from an
/// old `read` box long after it left `dirty`, and tracking that is not what this baseline is
/// about. A churn cell thus grows by 8 bytes per entry that gets expunged and re-created.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class ReadMostlyAdapter: BenchMap, @unchecked Sendable {
    // Safety: `dirty`, `misses` and the entry list are only touched under `locked`; `read`
    // boxes are immutable once published and replaced only under `locked`; entry words are
    // atomics; value cells are immutable and freed through the epoch reclaimer.

    typealias EntryWord = UnsafeMutablePointer<Atomic<UInt>>

    private static let deleted: UInt = 0
    private static let expunged: UInt = 1

    /// An entry: the address of its atomic word (trivial to copy: no ARC in lookups).
    struct Entry {
        let word: EntryWord
    }

    final class ReadOnly {
        let entries: [Int64: Entry]
        let amended: Bool
        init(_ entries: [Int64: Entry], amended: Bool) {
            self.entries = entries
            self.amended = amended
        }
    }

    struct Locked {
        var dirty: [Int64: Entry]?
        var misses = 0
        var allEntries: [EntryWord] = []
    }

    private let read: Atomic<UInt>
    private let locked = PthreadMutex(Locked())
    private let reclaimer = EpochReclaimer.shared

    init() {
        read = Atomic(UInt(bitPattern: Unmanaged.passRetained(ReadOnly([:], amended: false)).toOpaque()))
    }

    deinit {
        Unmanaged<ReadOnly>.fromOpaque(UnsafeRawPointer(bitPattern: read.load(ordering: .acquiring))!).release()
        locked.withLock { state in
            for word in state.allEntries {
                let bits = word.pointee.load(ordering: .acquiring)
                if bits > Self.expunged { Self.cell(bits).deallocate() }
                word.deinitialize(count: 1)
                word.deallocate()
            }
        }
    }

    static var name: String { "readmostly" }

    // MARK: value cells

    @inline(__always) private static func cell(_ bits: UInt) -> UnsafeMutablePointer<Int64> {
        UnsafeMutablePointer(bitPattern: bits)!
    }

    @inline(__always) private static func makeCell(_ value: Int64) -> UInt {
        let cell = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
        cell.initialize(to: value)
        return UInt(bitPattern: cell)
    }

    @inline(__always) private func retireCell(_ bits: UInt) {
        reclaimer.retire(.memory(UnsafeMutableRawPointer(Self.cell(bits))))
    }

    // MARK: the read-only box

    /// Runs `body` on the current `read` box. Caller is pinned (or holds the lock).
    @inline(__always)
    private func withRead<R>(_ body: (ReadOnly) -> R) -> R {
        Unmanaged<ReadOnly>.fromOpaque(UnsafeRawPointer(bitPattern: read.load(ordering: .sequentiallyConsistent))!)
            ._withUnsafeGuaranteedRef(body)
    }

    /// Publishes a new `read` box. Caller holds the lock.
    private func storeRead(_ box: ReadOnly) {
        let old = read.exchange(
            UInt(bitPattern: Unmanaged.passRetained(box).toOpaque()), ordering: .sequentiallyConsistent)
        reclaimer.retire(.object(Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: old)!)))
    }

    // MARK: entry operations (caller pinned)

    @inline(__always) private func load(_ entry: Entry) -> Int64? {
        let bits = entry.word.pointee.load(ordering: .sequentiallyConsistent)
        return bits > Self.expunged ? Self.cell(bits).pointee : nil
    }

    /// Stores unless expunged; returns whether it stored and the previous value.
    private func trySwap(_ entry: Entry, _ value: Int64) -> (stored: Bool, previous: Int64?) {
        var bits = entry.word.pointee.load(ordering: .sequentiallyConsistent)
        if bits == Self.expunged { return (false, nil) }
        let new = Self.makeCell(value)
        while true {
            let (done, seen) = entry.word.pointee.compareExchange(
                expected: bits, desired: new, ordering: .sequentiallyConsistent)
            if done {
                guard bits > Self.expunged else { return (true, nil) }
                let previous = Self.cell(bits).pointee
                retireCell(bits)
                return (true, previous)
            }
            bits = seen
            if bits == Self.expunged {
                Self.cell(new).deallocate()  // never published
                return (false, nil)
            }
        }
    }

    /// Under the lock: an expunged entry becomes deleted (and must then be put in dirty).
    private func unexpungeLocked(_ entry: Entry) -> Bool {
        entry.word.pointee.compareExchange(
            expected: Self.expunged, desired: Self.deleted, ordering: .sequentiallyConsistent
        ).exchanged
    }

    /// Under the lock, on an entry that is not expunged: stores unconditionally.
    private func swapLocked(_ entry: Entry, _ value: Int64) -> Int64? {
        let old = entry.word.pointee.exchange(Self.makeCell(value), ordering: .sequentiallyConsistent)
        guard old > Self.expunged else { return nil }
        let previous = Self.cell(old).pointee
        retireCell(old)
        return previous
    }

    /// Under the lock, while copying read into a new dirty: deleted entries become expunged
    /// (left out of dirty). Returns whether the entry is expunged.
    private func tryExpungeLocked(_ entry: Entry) -> Bool {
        var bits = entry.word.pointee.load(ordering: .sequentiallyConsistent)
        while bits == Self.deleted {
            let (done, seen) = entry.word.pointee.compareExchange(
                expected: Self.deleted, desired: Self.expunged, ordering: .sequentiallyConsistent)
            if done { return true }
            bits = seen
        }
        return bits == Self.expunged
    }

    /// Load-or-store on one entry; `ok` is false when the entry is expunged.
    private func tryLoadOrStore(_ entry: Entry, _ value: Int64) -> (ok: Bool, loaded: Bool, actual: Int64) {
        var bits = entry.word.pointee.load(ordering: .sequentiallyConsistent)
        if bits == Self.expunged { return (false, false, 0) }
        if bits > Self.expunged { return (true, true, Self.cell(bits).pointee) }
        let new = Self.makeCell(value)
        while true {
            let (done, seen) = entry.word.pointee.compareExchange(
                expected: Self.deleted, desired: new, ordering: .sequentiallyConsistent)
            if done { return (true, false, value) }
            bits = seen
            if bits == Self.expunged {
                Self.cell(new).deallocate()
                return (false, false, 0)
            }
            if bits > Self.expunged {
                Self.cell(new).deallocate()
                return (true, true, Self.cell(bits).pointee)
            }
        }
    }

    /// Deletes; returns the deleted value.
    private func delete(_ entry: Entry) -> Int64? {
        var bits = entry.word.pointee.load(ordering: .sequentiallyConsistent)
        while bits > Self.expunged {
            let (done, seen) = entry.word.pointee.compareExchange(
                expected: bits, desired: Self.deleted, ordering: .sequentiallyConsistent)
            if done {
                let previous = Self.cell(bits).pointee
                retireCell(bits)
                return previous
            }
            bits = seen
        }
        return nil
    }

    /// Replaces the value when it equals `old`.
    private func tryCompareAndSwap(_ entry: Entry, old: Int64, new value: Int64) -> Bool {
        var bits = entry.word.pointee.load(ordering: .sequentiallyConsistent)
        guard bits > Self.expunged, Self.cell(bits).pointee == old else { return false }
        let new = Self.makeCell(value)
        while true {
            let (done, seen) = entry.word.pointee.compareExchange(
                expected: bits, desired: new, ordering: .sequentiallyConsistent)
            if done {
                retireCell(bits)
                return true
            }
            bits = seen
            if bits <= Self.expunged || Self.cell(bits).pointee != old {
                Self.cell(new).deallocate()
                return false
            }
        }
    }

    // MARK: map-level helpers (caller holds the lock)

    private func newEntryLocked(_ state: inout Locked, _ value: Int64) -> Entry {
        let word = EntryWord.allocate(capacity: 1)
        word.initialize(to: Atomic(Self.makeCell(value)))
        state.allEntries.append(word)
        return Entry(word: word)
    }

    private func missLocked(_ state: inout Locked) {
        state.misses += 1
        guard let dirty = state.dirty, state.misses >= dirty.count else { return }
        storeRead(ReadOnly(dirty, amended: false))
        state.dirty = nil
        state.misses = 0
    }

    /// Makes sure `dirty` exists: a copy of `read` without its deleted entries (expunged).
    private func dirtyLocked(_ state: inout Locked) {
        if state.dirty != nil { return }
        var dirty: [Int64: Entry] = [:]
        withRead { box in
            dirty.reserveCapacity(box.entries.count)
            for (key, entry) in box.entries where !tryExpungeLocked(entry) {
                dirty[key] = entry
            }
        }
        state.dirty = dirty
    }

    /// A new key under the lock: into dirty, marking read as amended first if needed.
    private func insertNewLocked(_ state: inout Locked, _ key: Int64, _ value: Int64) {
        let amended = withRead { $0.amended }
        if !amended {
            dirtyLocked(&state)
            storeRead(ReadOnly(withRead { $0.entries }, amended: true))
        }
        state.dirty![key] = newEntryLocked(&state, value)
    }

    /// The entry for `key`: from read, else (when read is amended) from dirty under the lock,
    /// counting a miss.
    @inline(__always)
    private func entry(_ key: Int64) -> Entry? {
        let (found, amended) = withRead { ($0.entries[key], $0.amended) }
        if found != nil || !amended { return found }
        return locked.withLock { state -> Entry? in
            let (again, stillAmended) = withRead { ($0.entries[key], $0.amended) }
            if again != nil || !stillAmended { return again }
            let fromDirty = state.dirty?[key]
            missLocked(&state)
            return fromDirty
        }
    }

    // MARK: operations (sync.Map's Load, Swap, LoadOrStore, LoadAndDelete, CompareAndSwap)

    @inline(__always) func get(_ key: Int64) -> Int64? {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        guard let entry = entry(key) else { return nil }
        return load(entry)
    }

    func update(_ value: Int64, forKey key: Int64) -> Int64? {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        if let entry = withRead({ $0.entries[key] }) {
            let (stored, previous) = trySwap(entry, value)
            if stored { return previous }
        }
        return locked.withLock { state -> Int64? in
            if let entry = withRead({ $0.entries[key] }) {
                if unexpungeLocked(entry) { state.dirty![key] = entry }
                return swapLocked(entry, value)
            }
            if let entry = state.dirty?[key] { return swapLocked(entry, value) }
            insertNewLocked(&state, key, value)
            return nil
        }
    }

    private func loadOrStore(_ value: Int64, forKey key: Int64) -> (actual: Int64, loaded: Bool) {
        if let entry = withRead({ $0.entries[key] }) {
            let (ok, loaded, actual) = tryLoadOrStore(entry, value)
            if ok { return (actual, loaded) }
        }
        return locked.withLock { state -> (actual: Int64, loaded: Bool) in
            if let entry = withRead({ $0.entries[key] }) {
                if unexpungeLocked(entry) { state.dirty![key] = entry }
                let (_, loaded, actual) = tryLoadOrStore(entry, value)
                return (actual, loaded)
            }
            if let entry = state.dirty?[key] {
                let (_, loaded, actual) = tryLoadOrStore(entry, value)
                missLocked(&state)
                return (actual, loaded)
            }
            insertNewLocked(&state, key, value)
            return (value, false)
        }
    }

    func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        return !loadOrStore(value, forKey: key).loaded
    }

    func remove(_ key: Int64) -> Int64? {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        let (found, amended) = withRead { ($0.entries[key], $0.amended) }
        var entry = found
        if found == nil && amended {
            entry = locked.withLock { state -> Entry? in
                let (again, stillAmended) = withRead { ($0.entries[key], $0.amended) }
                if again != nil || !stillAmended { return again }
                let fromDirty = state.dirty?.removeValue(forKey: key)
                missLocked(&state)
                return fromDirty
            }
        }
        guard let entry else { return nil }
        return delete(entry)
    }

    private func compareAndSwap(forKey key: Int64, old: Int64, new: Int64) -> Bool {
        let (found, amended) = withRead { ($0.entries[key], $0.amended) }
        if let found { return tryCompareAndSwap(found, old: old, new: new) }
        if !amended { return false }
        return locked.withLock { state -> Bool in
            if let entry = withRead({ $0.entries[key] }) { return tryCompareAndSwap(entry, old: old, new: new) }
            guard let entry = state.dirty?[key] else { return false }
            let swapped = tryCompareAndSwap(entry, old: old, new: new)
            missLocked(&state)
            return swapped
        }
    }

    /// sync.Map has no atomic add; a counter there is a Load + CompareAndSwap loop (or
    /// LoadOrStore for an absent key), which is what this does.
    func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        while true {
            if let entry = entry(key), let current = load(entry) {
                if compareAndSwap(forKey: key, old: current, new: current &+ delta) { return current &+ delta }
            } else if !loadOrStore(delta, forKey: key).loaded {
                return delta
            }
        }
    }

    var count: Int {
        reclaimer.pin()
        defer { reclaimer.unpin() }
        return locked.withLock { state in
            let entries = state.dirty ?? withRead { $0.entries }
            return entries.values.reduce(0) { n, entry in
                n + (entry.word.pointee.load(ordering: .sequentiallyConsistent) > Self.expunged ? 1 : 0)
            }
        }
    }

    /// Key-by-key prefill, then what sync.Map's Range does first: promote dirty to read, so
    /// that the timed reads start on a settled map instead of paying K locked misses.
    func prefill(_ indices: StrideTo<UInt64>) {
        for i in indices {
            let key = benchKey(i)
            _ = insertIfAbsent(key, forKey: key)
        }
        reclaimer.pin()
        defer { reclaimer.unpin() }
        locked.withLock { state in
            guard let dirty = state.dirty, withRead({ $0.amended }) else { return }
            storeRead(ReadOnly(dirty, amended: false))
            state.dirty = nil
            state.misses = 0
        }
    }
}
