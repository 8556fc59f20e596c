import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Epoch-based reclamation for the baselines whose readers follow pointers that writers
/// replace (`snapshot`, `readmostly`). After Fraser, "Practical lock-freedom" (2004, §5.2.3)
/// and Hart et al., "Performance of memory reclamation for lockless synchronization" (2007).
///
/// Protocol:
/// - A thread *pins* before it loads a shared pointer and *unpins* when it holds none: pinning
///   writes `epoch << 1 | 1` into the thread's own slot (one cache line per slot), then
///   re-reads the global epoch and repeats until the two agree.
/// - A writer that unlinked an object *retires* it, tagged with the global epoch read after
///   the unlink. Retired objects stay in a per-thread list (no lock on the retire path).
/// - The global epoch moves from e to e + 1 only when every pinned slot announces e.
/// - An object tagged t is freed once the global epoch is >= t + 2.
///
/// Why a pinned reader never touches a freed object (all the accesses below are sequentially
/// consistent, so they sit in one total order S):
/// 1. The reader loaded the pointer before the unlink in S (otherwise it would have loaded
///    the new pointer), and its re-read of the epoch, which returned its announced epoch a,
///    came before that load. The retiring thread read t after the unlink. The epoch only
///    grows, so a <= t.
/// 2. While the reader stays pinned at a, the epoch cannot pass a + 1 (advancing from a + 1
///    needs every pinned slot to announce a + 1), and a + 1 <= t + 1 < t + 2.
/// So the object is freed only after the reader unpinned.
///
/// Costs: a pin is a thread-specific-data lookup, one `xchg` to the thread's own line and
/// one load; readers never write a shared line. Writers scan the slots every 64 retirements.
/// Readers are wait-free; reclamation can be delayed (not blocked) by a thread that stays
/// pinned, which the benchmark's threads never do for long.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class EpochReclaimer: @unchecked Sendable {
    // Safety: slots are atomics in manually allocated memory; each ThreadState is touched
    // only by its own thread (and by the thread-exit destructor, on that same thread);
    // orphans are behind a Mutex.

    /// The one domain shared by every adapter that needs it.
    static let shared = EpochReclaimer()

    /// Most threads that may hold a slot at once.
    static let maxThreads = 512

    /// Retirements between reclamation passes.
    static let collectEvery = 64

    private static let slotStride = 64

    /// Something retired: an object to release or memory to free. Sendable because handing
    /// ownership of it to another thread (the orphan list) is the point.
    enum Item: @unchecked Sendable {
        /// Released (one `release`) when safe.
        case object(Unmanaged<AnyObject>)
        /// Deallocated when safe.
        case memory(UnsafeMutableRawPointer)

        func free() {
            switch self {
            case .object(let object): object.release()
            case .memory(let pointer): pointer.deallocate()
            }
        }
    }

    /// A retired item and the epoch read after it was unlinked.
    struct Retired: Sendable {
        let epoch: UInt
        let item: Item
    }

    /// Per-thread state, in manually allocated memory found through pthread TSD.
    struct ThreadState {
        let slot: Int
        let announce: UnsafeMutablePointer<Atomic<UInt>>
        var depth: Int
        var retired: [Retired]
    }

    private let epoch = Atomic<UInt>(0)
    private let slotsInUse = Atomic<Int>(0)
    private let slots: UnsafeMutableRawPointer
    private let orphans = PthreadMutex<[Retired]>([])
    private let hasOrphans = Atomic<Bool>(false)
    private var key = pthread_key_t()

    private init() {
        slots = .allocate(byteCount: Self.maxThreads * Self.slotStride, alignment: Self.slotStride)
        for i in 0..<Self.maxThreads {
            announceWord(i).initialize(to: Atomic(0))
            ownerWord(i).initialize(to: Atomic(0))
        }
        let rc = pthread_key_create(&key) { raw in
            // Thread exit: hand leftovers to the orphan list and free the slot. (The argument
            // is optional on Linux, not on Darwin: <pthread.h> `void (* _Nullable)(void *)`.)
            guard let raw = raw as UnsafeMutableRawPointer? else { return }
            EpochReclaimer.shared.threadExited(raw.assumingMemoryBound(to: ThreadState.self))
        }
        precondition(rc == 0, "pthread_key_create failed: \(rc)")
    }

    private func announceWord(_ slot: Int) -> UnsafeMutablePointer<Atomic<UInt>> {
        (slots + slot * Self.slotStride).assumingMemoryBound(to: Atomic<UInt>.self)
    }

    private func ownerWord(_ slot: Int) -> UnsafeMutablePointer<Atomic<UInt>> {
        (slots + slot * Self.slotStride + 8).assumingMemoryBound(to: Atomic<UInt>.self)
    }

    @inline(__always)
    private func currentThread() -> UnsafeMutablePointer<ThreadState> {
        if let raw = pthread_getspecific(key) { return raw.assumingMemoryBound(to: ThreadState.self) }
        return register()
    }

    @inline(never)
    private func register() -> UnsafeMutablePointer<ThreadState> {
        for slot in 0..<Self.maxThreads
        where ownerWord(slot).pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing)
            .exchanged
        {
            var seen = slotsInUse.load(ordering: .relaxed)
            while seen < slot + 1 {
                let (done, now) = slotsInUse.compareExchange(
                    expected: seen, desired: slot + 1, ordering: .sequentiallyConsistent)
                if done { break }
                seen = now
            }
            let state = UnsafeMutablePointer<ThreadState>.allocate(capacity: 1)
            state.initialize(to: ThreadState(slot: slot, announce: announceWord(slot), depth: 0, retired: []))
            pthread_setspecific(key, state)
            return state
        }
        fatalError("EpochReclaimer: more than \(Self.maxThreads) threads at once")
    }

    private func threadExited(_ state: UnsafeMutablePointer<ThreadState>) {
        let leftovers = state.pointee.retired
        if !leftovers.isEmpty {
            orphans.withLock { $0.append(contentsOf: leftovers) }
            hasOrphans.store(true, ordering: .releasing)
        }
        state.pointee.announce.pointee.store(0, ordering: .sequentiallyConsistent)
        ownerWord(state.pointee.slot).pointee.store(0, ordering: .releasing)
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Pins the calling thread: shared pointers loaded from now until the matching `unpin`
    /// stay valid. Nests.
    @inline(__always)
    func pin() {
        let state = currentThread()
        state.pointee.depth += 1
        if state.pointee.depth > 1 { return }
        var e = epoch.load(ordering: .relaxed)
        while true {
            state.pointee.announce.pointee.store(e << 1 | 1, ordering: .sequentiallyConsistent)
            let now = epoch.load(ordering: .sequentiallyConsistent)
            if now == e { return }
            e = now
        }
    }

    /// Ends the outermost pin of the calling thread.
    @inline(__always)
    func unpin() {
        let state = currentThread()
        state.pointee.depth -= 1
        if state.pointee.depth == 0 {
            state.pointee.announce.pointee.store(0, ordering: .releasing)
        }
    }

    /// Frees `item` once no thread pinned now can still reach it. Call after unlinking it.
    func retire(_ item: Item) {
        let state = currentThread()
        let tag = epoch.load(ordering: .sequentiallyConsistent)
        state.pointee.retired.append(Retired(epoch: tag, item: item))
        if state.pointee.retired.count >= Self.collectEvery { collect(state) }
    }

    /// Tries to advance the epoch, then frees what is old enough (this thread's list and
    /// the orphans of exited threads).
    private func collect(_ state: UnsafeMutablePointer<ThreadState>) {
        tryAdvance()
        let now = epoch.load(ordering: .sequentiallyConsistent)
        state.pointee.retired.removeAll { retired in
            guard retired.epoch &+ 2 <= now else { return false }
            retired.item.free()
            return true
        }
        if hasOrphans.load(ordering: .acquiring) {
            orphans.withLock { list in
                list.removeAll { retired in
                    guard retired.epoch &+ 2 <= now else { return false }
                    retired.item.free()
                    return true
                }
                hasOrphans.store(!list.isEmpty, ordering: .releasing)
            }
        }
    }

    private func tryAdvance() {
        let e = epoch.load(ordering: .sequentiallyConsistent)
        let n = slotsInUse.load(ordering: .sequentiallyConsistent)
        for slot in 0..<n {
            let word = announceWord(slot).pointee.load(ordering: .sequentiallyConsistent)
            if word & 1 == 1 && word >> 1 != e { return }
        }
        _ = epoch.compareExchange(expected: e, desired: e &+ 1, ordering: .sequentiallyConsistent)
    }
}
