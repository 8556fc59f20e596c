import Foundation
import _LockFreeMapPlatformSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes per entry, measured in a fresh process (docs/WORKLOADS.md "Memory"): the benchmark
/// re-executes its own binary with `--_mem-child MAP K`; the child inserts K keys from one
/// thread and prints one `mem,...` line, which the parent parses.
enum MemoryProbe {
    /// Resident bytes of this process (`ResidentMemory`: /proc/self/statm on Linux,
    /// task_info on Darwin); 0 if it cannot be read.
    static func residentBytes() -> Int {
        ResidentMemory.bytes() ?? 0
    }

    /// The process's maximum resident size, MiB (`ResidentMemory.peakBytes()`: VmHWM on
    /// Linux, resident_size_max on Darwin); 0 if it cannot be read.
    static func peakResidentMegabytes() -> Double {
        Double(ResidentMemory.peakBytes() ?? 0) / 1_048_576.0
    }

    /// The child's work: insert `keys` keys into a fresh `map` from this thread, measure,
    /// return the `mem,...` line. The map is deliberately never freed: the process ends.
    static func childLine(map: MapKind, keys: UInt64) -> String {
        let indices = stride(from: UInt64(0), to: keys, by: 1)
        let before = residentBytes()
        let keepAlive: AnyObject
        switch map {
        case .lockfree: keepAlive = filled(LockFreeAdapter.self, indices)
        case .lockfreePresized: keepAlive = filled(PresizedLockFreeAdapter.self, indices)
        case .rwlock: keepAlive = filled(RWLockAdapter.self, indices)
        case .mutex, .sharded, .readmostly, .snapshot:
            // The parent runs no child for these where Synchronization is missing.
            guard #available(macOS 15, iOS 18, tvOS 18, visionOS 2, *) else {
                preconditionFailure("\(map.rawValue) needs Synchronization (macOS 15, iOS 18)")
            }
            switch map {
            case .mutex: keepAlive = filled(MutexAdapter.self, indices)
            case .sharded: keepAlive = filled(ShardedAdapter.self, indices)
            case .readmostly: keepAlive = filled(ReadMostlyAdapter.self, indices)
            default: keepAlive = filled(SnapshotAdapter.self, indices)
            }
        case .dictionary: keepAlive = filled(DictionaryAdapter.self, indices)
        case .actor:
            let actor = ActorMap()
            blockingAwait { await actor.prefill(indices) }
            keepAlive = actor
        }
        let after = residentBytes()
        let record = MemoryRecord(
            map: map.rawValue, keys: keys, bytesPerEntry: Double(after - before) / Double(keys),
            peakRSSMegabytes: peakResidentMegabytes())
        withExtendedLifetime(keepAlive) {}
        return CSVReport.memoryLine(record)
    }

    private static func filled<M: BenchMap>(_ type: M.Type, _ indices: StrideTo<UInt64>) -> M {
        let map = M(expectedCount: UInt64(indices.underestimatedCount))
        map.prefill(indices)
        return map
    }

    /// Runs the child for `map` and parses its line; an error text when it failed.
    static func measure(map: MapKind, keys: UInt64) -> Result<MemoryRecord, OptionError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ownExecutablePath())
        process.arguments = ["--_mem-child", map.rawValue, String(keys)]
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            return .failure(OptionError("could not start the memory child: \(error)"))
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("mem,") }),
            let record = parseMemoryLine(String(line))
        else {
            return .failure(
                OptionError("memory child for \(map.rawValue) failed (status \(process.terminationStatus)): \(text)"))
        }
        return .success(record)
    }

    /// Parses `mem,system,K,bytes_per_entry,peak_rss_mb`.
    static func parseMemoryLine(_ line: String) -> MemoryRecord? {
        let fields = line.split(separator: ",").map(String.init)
        guard fields.count == 5, fields[0] == "mem", let keys = UInt64(fields[2]),
            let bytes = Double(fields[3]), let peak = Double(fields[4])
        else { return nil }
        return MemoryRecord(map: fields[1], keys: keys, bytesPerEntry: bytes, peakRSSMegabytes: peak)
    }

    /// This binary, through /proc/self/exe (argv[0] may be relative or a `swift run` shim).
    static func ownExecutablePath() -> String {
        #if canImport(Darwin)
        return DarwinHost.executablePath() ?? CommandLine.arguments[0]
        #else
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #endif
    }
}
