/// What one run of one cell measured.
struct Measurement: Equatable, Sendable, Codable {
    /// Millions of operations per second, all threads together.
    var mops: Double
    /// Latency percentiles of the sampled operations, nanoseconds.
    var p50: Double
    var p99: Double
    var p999: Double

    /// The column-by-column median of several runs (as the peers report repeats).
    static func median(of runs: [Measurement]) -> Measurement {
        Measurement(
            mops: MapBenchCore.median(runs.map(\.mops)),
            p50: MapBenchCore.median(runs.map(\.p50)),
            p99: MapBenchCore.median(runs.map(\.p99)),
            p999: MapBenchCore.median(runs.map(\.p999)))
    }
}

/// The median; the mean of the two middle values for an even count; 0 for none.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
}

/// The p-quantile of ascending `sorted` samples as the peers compute it: the element at
/// index `floor(p * n)`, clamped to the last one; 0 for no samples.
func percentile(_ sorted: UnsafeBufferPointer<UInt32>, _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(Int(p * Double(sorted.count)), sorted.count - 1)
    return Double(sorted[index])
}

/// Throughput and latency of a finished cell: operations over (latest end - start), and the
/// percentiles of every worker's samples pooled.
func summarize(_ slots: [WorkerSlot], startNanoseconds: UInt64) -> Measurement {
    var operations: UInt64 = 0
    var end = startNanoseconds
    var total = 0
    for slot in slots {
        operations += slot.operations
        end = max(end, slot.endNanoseconds)
        total += slot.samples.count
    }
    let pooled = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(total, 1))
    defer { pooled.deallocate() }
    var filled = 0
    for slot in slots {
        let samples = slot.samples.samples
        _ = UnsafeMutableBufferPointer(rebasing: pooled[filled..<filled + samples.count]).initialize(from: samples)
        filled += samples.count
    }
    var all = UnsafeMutableBufferPointer(rebasing: pooled[0..<filled])
    all.sort()
    let seconds = Double(end - startNanoseconds) * 1e-9
    let sorted = UnsafeBufferPointer(all)
    return Measurement(
        mops: seconds > 0 ? Double(operations) / seconds / 1e6 : 0,
        p50: percentile(sorted, 0.50),
        p99: percentile(sorted, 0.99),
        p999: percentile(sorted, 0.999))
}
