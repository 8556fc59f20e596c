/// A command-line mistake: printed on stderr, exit status 2.
struct OptionError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, in one line.
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Which canned suite the options start from (explicit options then override it).
enum Preset: String, Sendable, Codable {
    /// No arguments: about a minute on a 2-core machine.
    case standard
    /// `--quick`: a smoke run of seconds.
    case quick
    /// `--full`: docs/WORKLOADS.md's full matrix, like the peers' full run.
    case full
}

/// Everything a run needs to know.
struct Options: Equatable, Sendable {
    /// The canned suite these options started from.
    var preset: Preset = .standard
    /// Maps, in the order given.
    var maps: [MapKind]
    /// Mixes; always run in `Mix.allCases` order whatever the order given.
    var mixes: [Mix]
    /// Key-space sizes K.
    var keys: [UInt64]
    /// Thread counts, ascending.
    var threads: [Int]
    /// Length of one timed cell.
    var seconds: Double
    /// Runs per cell (the median is reported).
    var repeats: Int
    /// Distributions for read and read90 (the other mixes are uniform only).
    var distributions: [Distribution] = [.uniform, .zipf]
    /// Output files.
    var csvPath: String?
    var jsonPath: String?
    var svgPath: String?
    /// K of the memory measurement, nil for none.
    var memoryKeys: UInt64?
    /// Extra checks outside the timed parts: prefill and build contents, counter sums.
    var verify = false
    /// Whether any option changed the preset (the header then says so).
    var customized = false

    /// The options of `preset` on a machine with `cpus` CPUs.
    static func preset(_ preset: Preset, cpus: Int) -> Options {
        let threads = Array(1...max(1, cpus))
        switch preset {
        case .standard:
            return Options(
                preset: preset, maps: MapKind.defaultSet, mixes: Mix.suiteDefault, keys: [1_000_000],
                threads: threads, seconds: 0.5, repeats: 1, memoryKeys: 1_000_000)
        case .quick:
            return Options(
                preset: preset, maps: MapKind.defaultSet, mixes: Mix.suiteDefault, keys: [1_000],
                threads: threads, seconds: 0.1, repeats: 1, memoryKeys: 100_000)
        case .full:
            return Options(
                preset: preset, maps: MapKind.allCases, mixes: Mix.suiteDefault,
                keys: [1_000, 1_000_000, 10_000_000], threads: threads, seconds: 1, repeats: 3,
                memoryKeys: 10_000_000)
        }
    }

    /// Distributions that `mix` runs with.
    func distributions(for mix: Mix) -> [Distribution] {
        mix.hasZipf ? distributions : [.uniform]
    }
}

/// What the command line asks for.
enum Command: Equatable {
    /// Run a suite.
    case run(Options)
    /// Print the usage text.
    case help
    /// Internal: the fresh process of a memory measurement (`--_mem-child MAP K`).
    case memoryChild(MapKind, UInt64)
}

/// Largest K accepted (zipf ranks are stored as UInt32, and 2K must fit in memory anyway).
let maximumKeys: UInt64 = 1_000_000_000

/// Parses `arguments` (without the program name). Options take `--name value` or
/// `--name=value`; list values are comma-separated. Throws `OptionError` for anything wrong.
func parseCommandLine(_ arguments: [String], cpus: Int = onlineCPUCount()) throws -> Command {
    // Split `--name=value` first so that both spellings go through one path.
    var args: [String] = []
    for argument in arguments {
        if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
            args.append(String(argument[..<eq]))
            args.append(String(argument[argument.index(after: eq)...]))
        } else {
            args.append(argument)
        }
    }
    if args.contains("--help") || args.contains("-h") { return .help }
    if args.first == "--_mem-child" {
        guard args.count == 3, let map = MapKind(rawValue: args[1]) else {
            throw OptionError("--_mem-child needs MAP and K")
        }
        return .memoryChild(map, try parseCount(args[2], option: "--_mem-child"))
    }

    let wantsQuick = args.contains("--quick")
    let wantsFull = args.contains("--full")
    if wantsQuick && wantsFull { throw OptionError("--quick and --full exclude each other") }
    var options = Options.preset(wantsQuick ? .quick : wantsFull ? .full : .standard, cpus: cpus)

    var i = 0
    func value(_ option: String) throws -> String {
        guard i + 1 < args.count, !args[i + 1].hasPrefix("--") else {
            throw OptionError("\(option) needs a value")
        }
        i += 1
        return args[i]
    }
    while i < args.count {
        let option = args[i]
        if option != "--quick" && option != "--full" { options.customized = true }
        switch option {
        case "--quick", "--full":
            break
        case "--maps":
            options.maps = try parseList(try value(option), option: option) { name in
                if name == "all" { return MapKind.allCases }
                guard let map = MapKind(rawValue: name) else {
                    throw OptionError(
                        "unknown map '\(name)' (maps: \(MapKind.allCases.map(\.rawValue).joined(separator: ", ")), all)"
                    )
                }
                return [map]
            }
        case "--mixes":
            let mixes = try parseList(try value(option), option: option) { name in
                if name == "all" { return Mix.allCases }
                guard let mix = Mix(rawValue: name) else {
                    throw OptionError(
                        "unknown mix '\(name)' (mixes: \(Mix.allCases.map(\.rawValue).joined(separator: ", ")), all)")
                }
                return [mix]
            }
            options.mixes = Mix.allCases.filter(mixes.contains)
        case "--keys":
            options.keys = try parseList(try value(option), option: option) { [try parseCount($0, option: option)] }
        case "--threads":
            let threads = try parseList(try value(option), option: option) { [try parseThreadCount($0)] }
            options.threads = Array(Set(threads)).sorted()
        case "--seconds":
            let text = try value(option)
            guard let seconds = Double(text), seconds.isFinite else {
                throw OptionError("--seconds needs a number of seconds, not '\(text)'")
            }
            guard seconds > 0, seconds <= 3600 else {
                throw OptionError("--seconds must be above 0 and at most 3600, not \(text)")
            }
            options.seconds = seconds
        case "--repeats":
            let text = try value(option)
            guard let repeats = Int(text) else { throw OptionError("--repeats needs a whole number, not '\(text)'") }
            guard repeats >= 1, repeats <= 1000 else {
                throw OptionError("--repeats must be between 1 and 1000, not \(text)")
            }
            options.repeats = repeats
        case "--dist":
            let text = try value(option)
            switch text {
            case "uniform": options.distributions = [.uniform]
            case "zipf": options.distributions = [.zipf]
            case "both": options.distributions = [.uniform, .zipf]
            default: throw OptionError("--dist must be uniform, zipf or both, not '\(text)'")
            }
        case "--csv": options.csvPath = try value(option)
        case "--json": options.jsonPath = try value(option)
        case "--svg": options.svgPath = try value(option)
        case "--mem-k": options.memoryKeys = try parseCount(try value(option), option: option)
        case "--no-mem": options.memoryKeys = nil
        case "--verify": options.verify = true
        default:
            if option.hasPrefix("-") { throw OptionError("unknown option '\(option)'") }
            throw OptionError("unexpected argument '\(option)'")
        }
        i += 1
    }
    return .run(options)
}

/// A comma-separated list, each item mapped by `item`; empty items and empty lists are errors.
private func parseList<T>(_ text: String, option: String, _ item: (String) throws -> [T]) throws -> [T] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
        String($0).trimmingSpaces()
    }
    guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
        throw OptionError("\(option) needs a comma-separated list without empty items, not '\(text)'")
    }
    return try parts.flatMap(item)
}

/// A count such as `1000`, `1_000_000`, `1e6`, `10M`, `100k`, `1G` (k/M/G = 10^3/10^6/10^9).
/// Must be between 1 and `maximumKeys`.
func parseCount(_ text: String, option: String) throws -> UInt64 {
    let cleaned = text.replacingUnderscores()
    if cleaned.hasPrefix("-") { throw OptionError("\(option) must be positive, not '\(text)'") }
    var digits = Substring(cleaned)
    var scale = 1.0
    switch digits.last {
    case "k", "K":
        scale = 1e3
        digits = digits.dropLast()
    case "m", "M":
        scale = 1e6
        digits = digits.dropLast()
    case "g", "G", "b", "B":
        scale = 1e9
        digits = digits.dropLast()
    default: break
    }
    let value: Double
    if scale == 1, let exact = UInt64(digits) {
        value = Double(exact)
        guard exact >= 1 else { throw OptionError("\(option) must be at least 1, not '\(text)'") }
        guard exact <= maximumKeys else { throw OptionError("\(option) must be at most 1e9, not '\(text)'") }
        return exact
    } else if let number = Double(digits), number.isFinite, !digits.isEmpty, digits.first != "+" {
        value = number * scale
    } else {
        throw OptionError("\(option) needs a count like 1000, 1e6 or 10M, not '\(text)'")
    }
    guard value == value.rounded() else { throw OptionError("\(option) must be a whole count, not '\(text)'") }
    guard value >= 1 else { throw OptionError("\(option) must be at least 1, not '\(text)'") }
    guard value <= Double(maximumKeys) else { throw OptionError("\(option) must be at most 1e9, not '\(text)'") }
    return UInt64(value)
}

/// A thread count: a whole number from 1 to 1024.
func parseThreadCount(_ text: String) throws -> Int {
    guard let n = Int(text) else { throw OptionError("--threads needs whole numbers, not '\(text)'") }
    guard n >= 1 else { throw OptionError("--threads must be at least 1, not \(text)") }
    guard n <= 1024 else { throw OptionError("--threads must be at most 1024, not \(text)") }
    return n
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    fileprivate func replacingUnderscores() -> String {
        String(filter { $0 != "_" })
    }
}

/// The usage text of `map-bench --help`.
func usageText(cpus: Int = onlineCPUCount()) -> String {
    let standard = Options.preset(.standard, cpus: cpus)
    return """
        usage: map-bench [options]

        Measures LockFreeInt64Map and baseline maps on the workloads of docs/WORKLOADS.md and prints a
        table (one row per cell: the median of the repeats). Without options it runs the default
        suite, about a minute on 2 cores: K = 1,000,000, maps \(standard.maps.map(\.rawValue).joined(separator: ",")),
        every mix but the batch ones, threads \(standard.threads.map(String.init).joined(separator: ",")), \(standard.seconds) s a cell,
        1 repeat, memory at K = 1,000,000.

        Suites:
          --quick            smoke run: K = 1000, 0.1 s a cell, memory at K = 100,000
          --full             the full matrix: K = 1000,1M,10M, every map, 1 s a cell, 3 repeats,
                             memory at K = 10M (about half an hour on 2 cores)
        Options (override the suite; lists are comma-separated):
          --maps LIST        \(MapKind.allCases.map(\.rawValue).joined(separator: ",")) or all
          --mixes LIST       \(Mix.allCases.map(\.rawValue).joined(separator: ",")) or all
                             (the suites run all but \(Mix.allCases.filter(\.isBatch).map(\.rawValue).joined(separator: ",")))
          --keys LIST        key-space sizes K: 1000, 1e6, 10M, 100k, 1_000_000
          --threads LIST     thread counts (default 1 ... \(cpus), the online CPUs)
          --seconds S        length of a timed cell (default \(standard.seconds))
          --repeats N        runs per cell; the median is reported (default 1; --full 3)
          --dist D           uniform, zipf or both: keys of read and read90 (default both;
                             the other mixes are always uniform)
          --mem-k K          K of the memory measurement (a fresh process per map)
          --no-mem           no memory measurement
          --verify           also check map contents after prefill and build, and counter sums
          --csv FILE         the cells as CSV, columns as the peers' (system,mix,dist,K,threads,...)
          --json FILE        everything as JSON
          --svg FILE         charts: FILE-throughput.svg and FILE-scaling.svg (FILE without .svg)
          -h, --help         this text

        Maps:
        \(MapKind.allCases.map { "  \($0.rawValue.padding(12))\($0.summary)" }.joined(separator: "\n"))

        Mixes:
        \(Mix.allCases.map { "  \($0.rawValue.padding(15))\($0.summary)" }.joined(separator: "\n"))

        Build in release (swift run -c release map-bench); a debug build measures the debugger's
        view of the code, not the map.
        """
}

extension String {
    /// Left-aligned in a field of `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    /// Right-aligned in a field of `width` characters.
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
