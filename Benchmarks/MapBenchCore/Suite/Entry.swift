import Foundation

/// The `map-bench` command.
public enum MapBench {
    /// Runs the command for `arguments` (without the program name); returns the exit status:
    /// 0 done, 1 done with warnings (missed keys, failed checks, unwritable files),
    /// 2 bad command line.
    public static func main(_ arguments: [String]) -> Int32 {
        let command: Command
        do {
            command = try parseCommandLine(arguments)
        } catch let error as OptionError {
            printErr("map-bench: error: \(error.message)")
            printErr("Run 'map-bench --help' for usage.")
            return 2
        } catch {
            printErr("map-bench: error: \(error)")
            return 2
        }
        switch command {
        case .help:
            printOut(usageText())
            return 0
        case .memoryChild(let map, let keys):
            printOut(MemoryProbe.childLine(map: map, keys: keys))
            return 0
        case .run(let options):
            let suite = Suite(options)
            let report = suite.run()
            var failed = suite.warnings > 0
            failed = !writeFiles(report, options) || failed
            return failed ? 1 : 0
        }
    }

    /// Writes the requested CSV, JSON and SVG files; false when one could not be written.
    static func writeFiles(_ report: RunReport, _ options: Options) -> Bool {
        var ok = true
        func save(_ text: String, _ path: String) {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                printErr("# wrote \(path)")
            } catch {
                printErr("# WARNING could not write \(path): \(error.localizedDescription)")
                ok = false
            }
        }
        if let path = options.csvPath { save(CSVReport.document(report), path) }
        if let path = options.jsonPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(report) {
                save(String(decoding: data, as: UTF8.self) + "\n", path)
            } else {
                ok = false
            }
        }
        if let path = options.svgPath {
            let base = path.hasSuffix(".svg") ? String(path.dropLast(4)) : path
            save(SVGCharts.throughput(report), base + "-throughput.svg")
            save(SVGCharts.scaling(report), base + "-scaling.svg")
        }
        return ok
    }
}
