/// Every map the benchmark knows, by its `--maps` name.
enum MapKind: String, CaseIterable, Sendable, Codable {
    case lockfree
    case lockfreePresized = "lockfree-presized"
    case mutex
    case sharded
    case rwlock
    case readmostly
    case snapshot
    case actor
    case dictionary

    /// The maps of the default suite (the ones a reader compares first).
    static let defaultSet: [MapKind] = [.lockfree, .mutex, .sharded, .dictionary]

    /// One line on what the map is, for `--help` and the docs.
    var summary: String {
        switch self {
        case .lockfree: return "LockFreeInt64Map (this package)"
        case .lockfreePresized: return "LockFreeInt64Map(minimumCapacity: K) for prefilled maps (grown vs presized)"
        case .mutex: return "Mutex<[Int64: Int64]> (Synchronization), one lock for everything"
        case .sharded: return "64 Mutex<[Int64: Int64]> shards on their own cache lines, top bits of fmix64(key)"
        case .rwlock: return "[Int64: Int64] behind a pthread_rwlock_t (shared reads)"
        case .readmostly: return "Go's sync.Map design: atomic read-only map + locked dirty map"
        case .snapshot: return "immutable Dictionary swapped by CAS, copy on every write (writes only K <= 10,000)"
        case .actor: return "[Int64: Int64] in an actor, T tasks awaiting it"
        case .dictionary: return "plain [Int64: Int64], no synchronization: 1 thread only (the ceiling)"
        }
    }

    /// Most threads that may use one instance (the unsynchronized Dictionary: 1).
    var maxThreads: Int { self == .dictionary ? 1 : Int.max }

    /// Whether this process can run the map. The baselines built on Synchronization's Mutex
    /// and Atomic (`mutex`, `sharded`, `readmostly`, `snapshot`) need macOS 15 / iOS 18;
    /// the others run at the package's floor (Package.swift). Always true on Linux.
    var isAvailable: Bool {
        switch self {
        case .mutex, .sharded, .readmostly, .snapshot:
            if #available(macOS 15, iOS 18, tvOS 18, visionOS 2, *) { return true }
            return false
        case .lockfree, .lockfreePresized, .rwlock, .actor, .dictionary:
            return true
        }
    }
}
