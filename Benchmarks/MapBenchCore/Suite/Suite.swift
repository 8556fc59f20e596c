import Foundation
import LockFreeMap

/// Runs a plan: prints the table as cells finish, notes on stderr, and collects the report.
final class Suite {
    private let options: Options
    private let plan: Plan
    private let runner = ThreadedRunner()
    private let zipf = ZipfCache()
    private let progress: ProgressLine
    private(set) var report: RunReport
    /// Warnings raised (misses, failed checks); the exit status is 1 when there were any.
    private(set) var warnings = 0

    /// A suite for `options`.
    init(_ options: Options) {
        self.options = options
        plan = Plan(options)
        progress = ProgressLine(total: plan.cells.count)
        report = RunReport(suite: Self.describe(options), machine: Self.machine())
    }

    /// One line on what `options` run.
    static func describe(_ options: Options) -> String {
        let name: String
        switch options.preset {
        case .standard: name = "default suite"
        case .quick: name = "quick suite"
        case .full: name = "full suite"
        }
        let dists = options.distributions.map(\.rawValue).joined(separator: "+")
        var text =
            "\(name)\(options.customized ? " as modified by options" : ""): K = \(options.keys.map(Format.grouped).joined(separator: ", "))"
            + "; maps \(options.maps.map(\.rawValue).joined(separator: ","))"
            + "; mixes \(options.mixes.map(\.rawValue).joined(separator: ","))"
            + "; read/read90 keys \(dists); threads \(options.threads.map(String.init).joined(separator: ","))"
            + "; \(Format.fixed(options.seconds, 2)) s a cell, \(options.repeats) repeat\(options.repeats == 1 ? "" : "s")"
            + (options.repeats > 1 ? " (median)" : "")
        if let memory = options.memoryKeys {
            text += "; memory at K = \(Format.grouped(memory))"
        } else {
            text += "; no memory measurement"
        }
        return text
    }

    /// CPUs, model, load average.
    static func machine() -> String {
        #if canImport(Darwin)
        // No /proc: the CPU's name and the load average from sysctl and getloadavg.
        let model = DarwinHost.cpuBrand() ?? "unknown CPU"
        var loads = [Double](repeating: 0, count: 3)
        let load = getloadavg(&loads, 3) == 3 ? loads.map { String(format: "%.2f", $0) }.joined(separator: " ") : "?"
        #else
        let model =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let load =
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        #endif
        return "\(onlineCPUCount()) CPUs, \(model), load average \(load)"
    }

    private func note(_ text: String) {
        progress.clear()
        printErr("# " + text)
        report.notes.append(text)
        progress.redraw()
    }

    private func warn(_ text: String) {
        warnings += 1
        note("WARNING " + text)
    }

    private func out(_ line: String) {
        progress.clear()
        printOut(line)
        progress.redraw()
    }

    /// Runs everything; returns the report.
    func run() -> RunReport {
        out("# map-bench: " + report.suite)
        if options.preset == .standard {
            out(
                "# full runs: map-bench --full (about half an hour on 2 cores), or pick cells with --maps/--mixes/--keys; see --help"
            )
        }
        out("# machine: " + report.machine)
        out(
            "# timer: clock_gettime(CLOCK_MONOTONIC) back-to-back median \(timerOverheadNanoseconds()) ns, included in the latencies"
        )
        out("# each row: the median of the repeats; Mops/s = all threads' operations / (latest end - start)")
        #if DEBUG
        warn("this is a debug build: measure with `swift run -c release map-bench`")
        #endif
        for text in plan.notes { note(text) }
        out(TextTable.header())
        for keys in options.keys {
            for map in options.maps {
                let cells = plan.cells.filter { $0.keys == keys && $0.map == map }
                if cells.isEmpty { continue }
                switch map {
                case .lockfree: runGroup(SyncDriver<LockFreeAdapter>(runner: runner), map, keys, cells)
                case .lockfreePresized: runGroup(SyncDriver<PresizedLockFreeAdapter>(runner: runner), map, keys, cells)
                case .rwlock: runGroup(SyncDriver<RWLockAdapter>(runner: runner), map, keys, cells)
                case .mutex, .sharded, .readmostly, .snapshot:
                    // Synchronization's baselines: where it is missing the plan has no cells
                    // for them (`MapKind.isAvailable`).
                    guard #available(macOS 15, iOS 18, tvOS 18, visionOS 2, *) else { continue }
                    switch map {
                    case .mutex: runGroup(SyncDriver<MutexAdapter>(runner: runner), map, keys, cells)
                    case .sharded: runGroup(SyncDriver<ShardedAdapter>(runner: runner), map, keys, cells)
                    case .readmostly: runGroup(SyncDriver<ReadMostlyAdapter>(runner: runner), map, keys, cells)
                    default: runGroup(SyncDriver<SnapshotAdapter>(runner: runner), map, keys, cells)
                    }
                case .dictionary: runGroup(SyncDriver<DictionaryAdapter>(runner: runner), map, keys, cells)
                case .actor: runGroup(ActorDriver(runner: runner), map, keys, cells)
                }
            }
            zipf.forget(n: keys)
        }
        if let memoryKeys = options.memoryKeys { measureMemory(memoryKeys) }
        progress.clear()
        return report
    }

    // MARK: cells

    private func label(_ cell: PlannedCell) -> String {
        "\(cell.map.rawValue) \(cell.mix.rawValue) \(cell.dist.rawValue) K=\(Format.short(cell.keys)) T=\(cell.threads)"
    }

    /// Runs `cell` `repeats` times through `once` (given the repeat number), records the median.
    /// Returns the operations of all repeats.
    @discardableResult
    private func measure(_ cell: PlannedCell, _ once: (Int) -> CellRun) -> UInt64 {
        progress.show(label(cell))
        var runs: [Measurement] = []
        var misses: UInt64 = 0
        var operations: UInt64 = 0
        for r in 0..<options.repeats {
            let run = once(r)
            runs.append(run.measurement)
            misses += run.misses
            operations += run.operations
        }
        let m = Measurement.median(of: runs)
        let record = CellRecord(
            map: cell.map.rawValue, mix: cell.mix, dist: cell.dist, keys: cell.keys,
            threads: cell.threads, mops: m.mops, p50: m.p50, p99: m.p99, p999: m.p999,
            misses: misses)
        report.cells.append(record)
        progress.cellFinished()
        out(TextTable.line(record))
        if misses > 0 {
            warn(
                "\(label(cell)): \(misses) operations missed a key that must be present"
                    + (cell.mix.readsKeyValues ? " or read a value other than the key" : ""))
        }
        return operations
    }

    private func rings(_ cell: PlannedCell) -> [ZipfRing] {
        guard cell.dist == .zipf else { return [] }
        progress.show(label(cell) + ": drawing zipf ranks")
        return (0..<cell.threads).map { zipf.ring(n: cell.keys, thread: $0) }
    }

    private func runGroup<D: MapDriver>(_ driver: D, _ kind: MapKind, _ keys: UInt64, _ cells: [PlannedCell]) {
        let onShared = cells.filter { $0.mix.usesSharedPrefilledMap }
        if !onShared.isEmpty {
            progress.show("\(kind.rawValue) K=\(Format.short(keys)): prefilling")
            let map = driver.make(expectedCount: keys)
            driver.prefill(map, stride(from: 0, to: keys, by: 1))
            if let lockFree = (map as? LockFreeAdapter)?.map ?? (map as? PresizedLockFreeAdapter)?.map {
                describeLockFree(lockFree, kind, keys)
            }
            if options.verify { verifyContents(driver, map, kind, keys, after: "prefill") }
            // Mix order as docs/WORKLOADS.md: read runs first, while every value still equals its key.
            for mix in Mix.allCases where onShared.contains(where: { $0.mix == mix }) {
                let sumBefore = mix.isCounter && options.verify ? driver.valueSum(map, keys: keys) : 0
                var counted: UInt64 = 0
                for cell in onShared where cell.mix == mix {
                    let zipfRings = rings(cell)
                    counted += measure(cell) { _ in
                        driver.timedRun(
                            map, mix: mix, threads: cell.threads, keySpace: keys,
                            zipfRings: zipfRings, seconds: options.seconds)
                    }
                }
                if mix.isCounter {
                    // `add` inserts an absent key, so a key that went missing shows up here.
                    let n = driver.count(map)
                    if n != Int(keys) {
                        warn(
                            "\(kind.rawValue) \(mix.rawValue) K=\(keys): \(n) entries after the \(mix.rawValue) cells, expected \(keys)"
                        )
                    }
                    if options.verify {
                        let moved = driver.valueSum(map, keys: keys) &- sumBefore
                        if moved == counted {
                            note("verify \(kind.rawValue) \(mix.rawValue) K=\(keys): ok (\(counted) adds)")
                        } else {
                            warn(
                                "verify \(kind.rawValue) \(mix.rawValue) K=\(keys): values moved by \(moved), operations \(counted)"
                            )
                        }
                    }
                }
            }
        }
        for cell in cells where cell.mix == .churn {
            measure(cell) { _ in
                progress.show(label(cell) + ": prefilling a fresh map")
                let map = driver.make(expectedCount: keys)
                driver.prefill(map, stride(from: 0, to: 2 * keys, by: 2))
                progress.show(label(cell))
                return driver.timedRun(
                    map, mix: .churn, threads: cell.threads, keySpace: 2 * keys,
                    zipfRings: [], seconds: options.seconds)
            }
        }
        for cell in cells where cell.mix == .build {
            measure(cell) { _ in
                let map = driver.make()
                let run = driver.buildRun(map, threads: cell.threads, keys: keys)
                if options.verify { verifyContents(driver, map, kind, keys, after: "build T=\(cell.threads)") }
                return run
            }
        }
    }

    private func verifyContents<D: MapDriver>(
        _ driver: D, _ map: D.Instance, _ kind: MapKind, _ keys: UInt64,
        after: String
    ) {
        let wrong = driver.wrongEntries(map, keys: keys)
        let count = driver.count(map)
        if wrong == 0 && count == Int(keys) {
            note("verify \(kind.rawValue) \(after) K=\(keys): ok")
        } else {
            warn("verify \(kind.rawValue) \(after) K=\(keys): \(wrong) keys missing or wrong, count \(count)")
        }
    }

    private func describeLockFree(_ map: LockFreeInt64Map, _ kind: MapKind, _ keys: UInt64) {
        let s = map.statistics
        note(
            "\(kind.rawValue) after prefill K=\(keys): \(s.entryCount) entries, \(s.bucketCount) buckets "
                + "+ \(s.overflowBucketCount) overflow, load factor \(Format.fixed(s.loadFactor, 2)), "
                + "longest chain \(s.longestChain), \(s.resizeCount) resizes, \(s.stripeCount) stripes")
    }

    // MARK: memory

    private func measureMemory(_ keys: UInt64) {
        out("")
        out(
            "# memory: a fresh process per map inserts K = \(Format.grouped(keys)) keys from one thread;"
                + " bytes/entry = (RSS after - RSS before) / K; peak = the process's max RSS")
        if options.maps.contains(.snapshot) {
            note("snapshot's memory process builds its one dictionary in a single step (as its prefill does)")
        }
        out(TextTable.memoryHeader())
        for map in options.maps {
            guard map.isAvailable else {
                note("\(map.rawValue) memory skipped: needs Synchronization (macOS 15, iOS 18)")
                continue
            }
            progress.show("memory: \(map.rawValue) K=\(Format.short(keys))")
            switch MemoryProbe.measure(map: map, keys: keys) {
            case .success(let record):
                report.memory.append(record)
                out(TextTable.memoryLine(record))
            case .failure(let error):
                warn(error.message)
            }
        }
    }
}
