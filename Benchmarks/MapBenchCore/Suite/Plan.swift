/// One cell the suite will run.
struct PlannedCell: Equatable, Sendable {
    var map: MapKind
    var mix: Mix
    var dist: Distribution
    var keys: UInt64
    var threads: Int
}

/// The cells of a run, in execution order, and why some were left out.
struct Plan: Sendable {
    /// Execution order: for each K, for each map: the prefilled-map mixes (read, read_batch, read90,
    /// mixed50, counter, counter_batch; each at every thread count, read and read90 with uniform then zipf),
    /// then churn, then build, each at every thread count.
    var cells: [PlannedCell] = []
    /// One line per skipped group of cells.
    var notes: [String] = []

    /// The plan of `options`.
    init(_ options: Options) {
        for keys in options.keys {
            for map in options.maps {
                let threads = options.threads.filter { $0 <= map.maxThreads }
                let dropped = options.threads.filter { $0 > map.maxThreads }
                if !dropped.isEmpty && keys == options.keys[0] {
                    notes.append(
                        "\(map.rawValue) is not thread-safe: runs at 1 thread only "
                            + "(skipping threads \(dropped.map(String.init).joined(separator: ",")))")
                }
                for mix in options.mixes {
                    if let reason = skipReason(map, mix, keys) {
                        notes.append("\(map.rawValue) \(mix.rawValue) K=\(keys) skipped: \(reason)")
                        continue
                    }
                    for t in threads {
                        for dist in options.distributions(for: mix) {
                            cells.append(PlannedCell(map: map, mix: mix, dist: dist, keys: keys, threads: t))
                        }
                    }
                }
            }
        }
    }
}

/// Why `map` does not run `mix` at `keys`, or nil.
func skipReason(_ map: MapKind, _ mix: Mix, _ keys: UInt64) -> String? {
    guard map.isAvailable else { return "needs Synchronization (macOS 15, iOS 18)" }
    switch map {
    case .snapshot:
        // Always available here (the guard above); the check is for the compiler.
        guard #available(macOS 15, iOS 18, tvOS 18, visionOS 2, *) else { return nil }
        return SnapshotAdapter.skipReason(mix: mix, keys: keys)
    default: return nil
    }
}
