import LockFreeMap
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The operations the pause harness runs, so that one harness drives both the lock-free map
/// and a deliberately blocking map (the control that shows the harness can fail).
protocol ProgressSubject: Sendable {
    /// See `LockFreeInt64Map.value(forKey:)`.
    func value(forKey key: Int64) -> Int64?
    /// See `LockFreeInt64Map.updateValue(_:forKey:)`.
    @discardableResult func updateValue(_ value: Int64, forKey key: Int64) -> Int64?
    /// See `LockFreeInt64Map.insertValue(_:forKey:)`.
    @discardableResult func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64)
    /// See `LockFreeInt64Map.removeValue(forKey:)`.
    @discardableResult func removeValue(forKey key: Int64) -> Int64?
    /// See `LockFreeInt64Map.wrappingAdd(_:forKey:)`.
    @discardableResult func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64
}

extension LockFreeInt64Map: ProgressSubject {}

/// The negative control: a `Mutex`-guarded Dictionary that does each operation's work while
/// holding the lock, plus some filler work inside the lock so that the lock is held for most
/// of every operation. A pause sent at a random instruction then lands inside the critical
/// section with high probability, and every other thread stalls on the lock for the whole
/// pause: the harness must notice.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class MutexDictionaryProgressSubject: ProgressSubject {
    private let state: Mutex<(entries: [Int64: Int64], filler: UInt64)>
    /// Iterations of filler work done inside the lock per operation.
    private let fillerIterations: Int

    /// An empty map whose operations hold the lock for `fillerIterations` extra steps each.
    init(fillerIterations: Int = 400) {
        state = Mutex(([:], 0))
        self.fillerIterations = fillerIterations
    }

    private func locked<Result>(_ body: (inout [Int64: Int64]) -> Result) -> Result {
        state.withLock { state in
            var filler = state.filler
            for _ in 0..<fillerIterations { filler = filler &* 6_364_136_223_846_793_005 &+ 1 }
            state.filler = filler  // kept, so the filler loop is observable work
            return body(&state.entries)
        }
    }

    func value(forKey key: Int64) -> Int64? { locked { $0[key] } }

    func updateValue(_ value: Int64, forKey key: Int64) -> Int64? {
        locked { $0.updateValue(value, forKey: key) }
    }

    func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64) {
        locked { entries in
            if let current = entries[key] { return (false, current) }
            entries[key] = value
            return (true, value)
        }
    }

    func removeValue(forKey key: Int64) -> Int64? { locked { $0.removeValue(forKey: key) } }

    func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        locked { entries in
            let sum = (entries[key] ?? 0) &+ delta
            entries[key] = sum
            return sum
        }
    }
}

/// The positive control: a trivially lock-free stand-in (not a map: a fixed array of atomic
/// words indexed by the key, every operation one atomic instruction) whose writes also allocate
/// a small block and free one allocated by another thread, as a map's reclamation does. The
/// harness must find no stall against it; if it did, the harness (or the excusal of pauses
/// inside the C library's allocator) would be wrong, not the map.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class AtomicSlotsProgressSubject: ProgressSubject, @unchecked Sendable {
    // Safety: both buffers are allocated in init, freed in deinit, and in between only
    // accessed through atomic operations on their elements.
    private let words: UnsafeMutablePointer<Atomic<Int64>>
    private let blocks: UnsafeMutablePointer<Atomic<UnsafeMutableRawPointer?>>
    private static let wordCount = 4_096
    private static let blockCount = 64

    /// All words zero, no blocks.
    init() {
        words = .allocate(capacity: Self.wordCount)
        for index in 0..<Self.wordCount { (words + index).initialize(to: Atomic(0)) }
        blocks = .allocate(capacity: Self.blockCount)
        for index in 0..<Self.blockCount { (blocks + index).initialize(to: Atomic(nil)) }
    }

    deinit {
        for index in 0..<Self.blockCount { free((blocks + index).pointee.load(ordering: .relaxed)) }
        blocks.deinitialize(count: Self.blockCount)
        blocks.deallocate()
        words.deinitialize(count: Self.wordCount)
        words.deallocate()
    }

    private func word(_ key: Int64) -> UnsafeMutablePointer<Atomic<Int64>> {
        words + Int(UInt64(bitPattern: key) % UInt64(Self.wordCount))
    }

    /// Allocates a block and frees the one it replaces, usually allocated by another thread.
    private func churnAllocation(_ key: Int64) {
        let block = malloc(48)
        let slot = blocks + Int(UInt64(bitPattern: key) % UInt64(Self.blockCount))
        free(slot.pointee.exchange(block, ordering: .acquiringAndReleasing))
    }

    func value(forKey key: Int64) -> Int64? { word(key).pointee.load(ordering: .acquiring) }

    func updateValue(_ value: Int64, forKey key: Int64) -> Int64? {
        churnAllocation(key)
        return word(key).pointee.exchange(value, ordering: .acquiringAndReleasing)
    }

    func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64) {
        churnAllocation(key)
        let (exchanged, original) = word(key).pointee.compareExchange(
            expected: 0, desired: value, ordering: .acquiringAndReleasing)
        return (exchanged, exchanged ? value : original)
    }

    func removeValue(forKey key: Int64) -> Int64? {
        word(key).pointee.exchange(0, ordering: .acquiringAndReleasing)
    }

    func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        word(key).pointee.wrappingAdd(delta, ordering: .acquiringAndReleasing).newValue
    }
}
