/// One reported cell: the median over the repeats.
struct CellRecord: Equatable, Sendable, Codable {
    /// `--maps` name (the peers' "system" column).
    var map: String
    var mix: Mix
    var dist: Distribution
    /// Key-space size K.
    var keys: UInt64
    var threads: Int
    /// Millions of operations per second, all threads.
    var mops: Double
    /// Latency percentiles of the sampled operations, nanoseconds.
    var p50: Double
    var p99: Double
    var p999: Double
    /// Operations that missed a key the workload guarantees (over all repeats; should be 0).
    var misses: UInt64
}

/// One memory line: a fresh process inserted K keys from one thread.
struct MemoryRecord: Equatable, Sendable, Codable {
    var map: String
    /// Keys inserted.
    var keys: UInt64
    /// (resident after - resident before) / K.
    var bytesPerEntry: Double
    /// The child process's maximum resident size, MiB.
    var peakRSSMegabytes: Double
}

/// Everything a run produced, for the table, the files and the charts.
struct RunReport: Sendable, Codable {
    /// What ran, in one line.
    var suite: String
    /// Machine and conditions (CPUs, load, timer cost).
    var machine: String
    var cells: [CellRecord] = []
    var memory: [MemoryRecord] = []
    /// Notes and warnings printed on stderr during the run.
    var notes: [String] = []
}

/// Number formatting without Foundation's locale machinery.
enum Format {
    /// `value` with `digits` decimals (rounded half away from zero).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        let fraction = integer % UInt64(scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (negative && scaled != 0 ? "-" : "") + text
    }

    /// 1000 -> "1,000".
    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// 1000 -> "1K", 1000000 -> "1M", 10000000 -> "10M", 1234 -> "1234".
    static func short(_ value: UInt64) -> String {
        if value >= 1_000_000_000 && value % 1_000_000_000 == 0 { return "\(value / 1_000_000_000)G" }
        if value >= 1_000_000 && value % 1_000_000 == 0 { return "\(value / 1_000_000)M" }
        if value >= 1_000 && value % 1_000 == 0 { return "\(value / 1_000)K" }
        return String(value)
    }

    /// Seconds as m:ss.
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let sec = s % 60
        return "\(s / 60):\(sec < 10 ? "0" : "")\(sec)"
    }
}
