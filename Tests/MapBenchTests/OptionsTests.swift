import Testing

@testable import MapBenchCore

@Suite struct OptionsTests {
    private func options(_ args: [String]) throws -> Options {
        guard case .run(let options) = try parseCommandLine(args, cpus: 2) else {
            Issue.record("expected a run command for \(args)")
            return Options.preset(.standard, cpus: 2)
        }
        return options
    }

    private func error(_ args: [String]) -> String? {
        do {
            _ = try parseCommandLine(args, cpus: 2)
            return nil
        } catch let error as OptionError {
            return error.message
        } catch {
            return "unexpected error type"
        }
    }

    @Test func defaultSuiteFitsAMinute() throws {
        let o = try options([])
        #expect(o.preset == .standard)
        #expect(o.keys == [1_000_000])
        #expect(o.maps == [.lockfree, .mutex, .sharded, .dictionary])
        #expect(o.mixes == Mix.suiteDefault)
        #expect(!o.mixes.contains(.readBatch) && !o.mixes.contains(.counterBatch), "batch mixes only when named")
        #expect(o.threads == [1, 2])
        #expect(o.repeats == 1)
        #expect(o.seconds == 0.5)
        #expect(o.distributions == [.uniform, .zipf])
        #expect(o.memoryKeys == 1_000_000)
        // 3 thread-safe maps x 16 cells + dictionary's 8 at one thread.
        #expect(Plan(o).cells.count == 56)
    }

    @Test func presets() throws {
        let quick = try options(["--quick"])
        #expect(quick.keys == [1000] && quick.seconds == 0.1 && quick.memoryKeys == 100_000)
        let full = try options(["--full"])
        #expect(full.keys == [1000, 1_000_000, 10_000_000] && full.repeats == 3 && full.maps == MapKind.allCases)
        // Explicit options override the preset wherever they stand.
        let mixed = try options(["--seconds", "2", "--quick"])
        #expect(mixed.seconds == 2 && mixed.keys == [1000])
    }

    @Test func everyOption() throws {
        let o = try options([
            "--maps", "readmostly,lockfree", "--mixes", "build,read", "--keys", "1000,1e6,10M,100k,1_000",
            "--threads", "4,1,2,2", "--seconds", "0.25", "--repeats", "5", "--dist", "zipf",
            "--csv", "a.csv", "--json=b.json", "--svg", "c.svg", "--mem-k", "2M", "--verify",
        ])
        #expect(o.maps == [.readmostly, .lockfree])
        #expect(o.mixes == [.read, .build])  // always run in the canonical order
        #expect(o.keys == [1000, 1_000_000, 10_000_000, 100_000, 1000])
        #expect(o.threads == [1, 2, 4])
        #expect(o.seconds == 0.25)
        #expect(o.repeats == 5)
        #expect(o.distributions == [.zipf])
        #expect(o.distributions(for: .read) == [.zipf])
        #expect(o.distributions(for: .build) == [.uniform])
        #expect(o.csvPath == "a.csv" && o.jsonPath == "b.json" && o.svgPath == "c.svg")
        #expect(o.memoryKeys == 2_000_000)
        #expect(o.verify)
        #expect(try options(["--no-mem"]).memoryKeys == nil)
        #expect(try options(["--maps", "all"]).maps == MapKind.allCases)
        #expect(try options(["--mixes", "all"]).mixes == Mix.allCases)
        #expect(try options(["--dist", "both"]).distributions == [.uniform, .zipf])
    }

    @Test func batchMixes() throws {
        #expect(Mix(rawValue: "read_batch") == .readBatch && Mix(rawValue: "counter_batch") == .counterBatch)
        // Named, they run in the canonical order: read_batch right after read (while every value
        // still equals its key), counter_batch right after counter.
        let o = try options(["--mixes", "counter_batch,counter,read_batch,read"])
        #expect(o.mixes == [.read, .readBatch, .counter, .counterBatch])
        #expect(try options(["--mixes", "read_batch"]).mixes == [.readBatch])
        #expect(try options(["--mixes", "all"]).mixes.contains(.counterBatch))
        for preset in [["--quick"], ["--full"]] {
            #expect(try options(preset).mixes == Mix.suiteDefault, "\(preset)")
        }
        #expect(Mix.readBatch.usesSharedPrefilledMap && Mix.counterBatch.usesSharedPrefilledMap)
        #expect(!Mix.readBatch.writes && Mix.counterBatch.writes && !Mix.readBatch.hasZipf)
        // One cell per (map, thread count), uniform only.
        let plan = Plan(try options(["--maps", "lockfree", "--mixes", "read_batch,counter_batch", "--threads", "1,2"]))
        #expect(plan.cells.count == 4 && plan.cells.allSatisfy { $0.dist == .uniform })
        #expect(usageText(cpus: 2).contains("counter_batch"))
    }

    @Test func helpAndInternalModes() throws {
        #expect(try parseCommandLine(["--help"]) == .help)
        #expect(try parseCommandLine(["--keys", "5", "-h"]) == .help)
        #expect(try parseCommandLine(["--_mem-child", "sharded", "1e3"]) == .memoryChild(.sharded, 1000))
        #expect(usageText(cpus: 2).contains("--mem-k"))
    }

    @Test(arguments: [
        (["--maps", "hashmap"], "unknown map 'hashmap'"),
        (["--mixes", "read,write"], "unknown mix 'write'"),
        (["--threads", "0"], "--threads must be at least 1"),
        (["--threads", "-2"], "--threads must be at least 1"),
        (["--threads", "two"], "--threads needs whole numbers"),
        (["--threads", "5000"], "--threads must be at most 1024"),
        (["--keys", "-5"], "--keys must be positive"),
        (["--keys", "0"], "--keys must be at least 1"),
        (["--keys", "1.5"], "--keys must be a whole count"),
        (["--keys", "2e9"], "--keys must be at most 1e9"),
        (["--keys", "lots"], "--keys needs a count"),
        (["--keys", "1,,2"], "without empty items"),
        (["--keys"], "--keys needs a value"),
        (["--keys", "--threads", "1"], "--keys needs a value"),
        (["--mem-k", "-1"], "--mem-k must be positive"),
        (["--seconds", "0"], "--seconds must be above 0"),
        (["--seconds", "-1"], "--seconds must be above 0"),
        (["--seconds", "soon"], "--seconds needs a number"),
        (["--repeats", "0"], "--repeats must be between 1 and 1000"),
        (["--repeats", "x"], "--repeats needs a whole number"),
        (["--dist", "normal"], "--dist must be uniform, zipf or both"),
        (["--csv"], "--csv needs a value"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
        (["extra"], "unexpected argument 'extra'"),
        (["--quick", "--full"], "exclude each other"),
        (["--_mem-child", "nope", "5"], "--_mem-child needs MAP and K"),
    ])
    func errors(args: [String], expected: String) {
        let message = error(args)
        #expect(message?.contains(expected) == true, "\(args) gave \(message ?? "no error")")
    }

    @Test func mainReturnsTwoOnBadOptions() {
        #expect(MapBench.main(["--threads", "0"]) == 2)
        #expect(MapBench.main(["--maps"]) == 2)
    }

    @Test func countsAcceptTheUsualSpellings() throws {
        #expect(try parseCount("1000", option: "--keys") == 1000)
        #expect(try parseCount("1e6", option: "--keys") == 1_000_000)
        #expect(try parseCount("1E3", option: "--keys") == 1000)
        #expect(try parseCount("10M", option: "--keys") == 10_000_000)
        #expect(try parseCount("2.5k", option: "--keys") == 2500)
        #expect(try parseCount("1G", option: "--keys") == 1_000_000_000)
        #expect(try parseCount("1_000_000", option: "--keys") == 1_000_000)
    }
}
