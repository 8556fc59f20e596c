/// The workload mixes of docs/WORKLOADS.md, in the order the suite runs them on one K.
enum Mix: String, CaseIterable, Sendable, Codable {
    /// get of a present key; must find value == key.
    case read
    /// read's draws, 16 at a time, looked up with one batch call; each key is one operation.
    case readBatch = "read_batch"
    /// 90 % get, 10 % update of a present key.
    case read90
    /// 50 % get, 50 % update.
    case mixed50
    /// Atomic add 1 to a present key.
    case counter
    /// counter's draws, 16 at a time, added to with one batch call; each key is one operation.
    case counterBatch = "counter_batch"
    /// Over 2K keys: 50 % get, 25 % insert-if-absent, 25 % remove; fresh map per repeat.
    case churn
    /// Thread t inserts its slice of `0 ..< K` into a fresh map with no capacity hint.
    case build

    /// The mixes of the canned suites (`standard`, `quick`, `full`): every mix but the batch
    /// ones, which run only when `--mixes` names them (or says `all`).
    static var suiteDefault: [Mix] { allCases.filter { !$0.isBatch } }

    /// Whether one operation of the kernel is one key of a batch call of `batchSize` keys.
    var isBatch: Bool { self == .readBatch || self == .counterBatch }

    /// Keys per batch call of the batch mixes (docs/WORKLOADS.md).
    static var batchSize: Int { 16 }

    /// Whether the mix adds 1 to present keys (its cells are checked by the value sum).
    var isCounter: Bool { self == .counter || self == .counterBatch }

    /// Whether the mix checks that every value read equals its key.
    var readsKeyValues: Bool { self == .read || self == .readBatch }

    /// Whether the mix also runs with zipf-distributed keys (read and read90 only).
    var hasZipf: Bool { self == .read || self == .read90 }

    /// Whether the mix runs on the one prefilled map per K (read, read90, mixed50, counter).
    var usesSharedPrefilledMap: Bool {
        switch self {
        case .read, .readBatch, .read90, .mixed50, .counter, .counterBatch: return true
        case .churn, .build: return false
        }
    }

    /// Whether the mix writes to the map.
    var writes: Bool { !readsKeyValues }

    /// One line on what the mix does, for `--help` and the docs.
    var summary: String {
        switch self {
        case .read: return "get of a present key (checked: value == key)"
        case .readBatch: return "read's draws, 16 keys per batch call (one operation = one key)"
        case .read90: return "90% get, 10% update of a present key"
        case .mixed50: return "50% get, 50% update of a present key"
        case .counter: return "atomic add 1 to the value of a present key"
        case .counterBatch: return "counter's draws, 16 keys per batch call (one operation = one key)"
        case .churn: return "over 2K keys: 50% get, 25% insert-if-absent, 25% remove (fresh map)"
        case .build: return "T threads insert K keys into an empty map, no capacity hint"
        }
    }
}

/// How the key index of an operation is drawn.
enum Distribution: String, CaseIterable, Sendable, Codable {
    /// `reduce(next(), K)`.
    case uniform
    /// YCSB zipf, s = 0.99, from a pre-drawn ring of ranks.
    case zipf
}
