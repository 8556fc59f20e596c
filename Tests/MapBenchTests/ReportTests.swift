import Testing

@testable import MapBenchCore

@Suite struct ReportTests {
    let cells = [
        CellRecord(
            map: "lockfree", mix: .read, dist: .zipf, keys: 1_000_000, threads: 2, mops: 12.3456,
            p50: 71, p99: 160.4, p999: 901, misses: 0),
        CellRecord(
            map: "mutex", mix: .read, dist: .zipf, keys: 1_000_000, threads: 1, mops: 7.9,
            p50: 90, p99: 200, p999: 2000, misses: 0),
        CellRecord(
            map: "mutex", mix: .read, dist: .zipf, keys: 1_000_000, threads: 2, mops: 3.9,
            p50: 300, p99: 9000, p999: 20000, misses: 0),
    ]
    let memory = [MemoryRecord(map: "lockfree", keys: 1_000_000, bytesPerEntry: 35.25, peakRSSMegabytes: 66.4)]

    @Test func csvHasThePeersColumns() {
        let report = RunReport(suite: "s", machine: "m", cells: cells, memory: memory)
        let lines = CSVReport.document(report).split(separator: "\n").map(String.init)
        #expect(lines[0] == "system,mix,dist,K,threads,mops,p50_ns,p99_ns,p999_ns")
        #expect(lines[1] == "lockfree,read,zipf,1000000,2,12.346,71,160,901")
        #expect(lines.last == "mem,lockfree,1000000,35.3,66.4")
    }

    @Test func memoryLineRoundTrips() {
        let line = CSVReport.memoryLine(memory[0])
        let parsed = MemoryProbe.parseMemoryLine(line)
        #expect(parsed?.map == "lockfree" && parsed?.keys == 1_000_000 && parsed?.peakRSSMegabytes == 66.4)
        #expect(MemoryProbe.parseMemoryLine("lockfree,read,zipf") == nil)
    }

    @Test func tableRowsAlignWithTheHeader() {
        let header = TextTable.header()
        let row = TextTable.line(cells[0])
        #expect(header.hasPrefix("map"))
        #expect(row.hasPrefix("lockfree"))
        #expect(row.contains("12.346"))
        // Right-aligned numeric columns end where their headers end.
        let headerEnd = header.firstRange(of: "p999_ns")!.upperBound
        #expect(header.distance(from: header.startIndex, to: headerEnd) == row.count)
    }

    @Test func formatting() {
        #expect(Format.fixed(1.005, 1) == "1.0")
        #expect(Format.fixed(12.3456, 3) == "12.346")
        #expect(Format.fixed(-0.4, 0) == "0")
        #expect(Format.fixed(-2.5, 1) == "-2.5")
        #expect(Format.grouped(10_000_000) == "10,000,000")
        #expect(Format.grouped(999) == "999")
        #expect(Format.short(1_000_000) == "1M")
        #expect(Format.short(1234) == "1234")
        #expect(Format.clock(75) == "1:15")
        #expect(SVGCharts.niceCeiling(43) == 50)
        #expect(SVGCharts.niceCeiling(101) == 200)
        #expect(SVGCharts.niceCeiling(0.7) == 1)
    }

    @Test func chartsAreStandaloneSVGWithTitlesLegendAndValues() {
        let report = RunReport(suite: "s", machine: "m", cells: cells, memory: memory)
        for svg in [SVGCharts.throughput(report), SVGCharts.scaling(report)] {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.hasSuffix("</svg>\n"))
            #expect(svg.contains("Mops/s"))
            #expect(svg.contains(">lockfree</text>") && svg.contains(">mutex</text>"))
        }
        let throughput = SVGCharts.throughput(report)
        #expect(throughput.contains("K = 1,000,000 keys, 2 threads"))
        #expect(throughput.contains("K = 1,000,000 keys, 1 thread"))
        #expect(throughput.contains(">12.3</text>"))  // the bar's value
        #expect(throughput.contains("not run at 1 threads: lockfree"))
        let scaling = SVGCharts.scaling(report)
        #expect(scaling.contains("read zipf, K = 1M"))
        #expect(scaling.contains("<polyline"))  // mutex has two points
    }

    @Test func planSkipsWhatCannotRun() throws {
        guard
            case .run(var options) = try parseCommandLine(
                ["--maps", "dictionary,snapshot", "--keys", "1000,1M"], cpus: 2)
        else { return }
        options.mixes = [.read, .mixed50]
        let plan = Plan(options)
        #expect(!plan.cells.contains { $0.map == .dictionary && $0.threads > 1 })
        #expect(plan.cells.contains { $0.map == .snapshot && $0.mix == .mixed50 && $0.keys == 1000 })
        #expect(!plan.cells.contains { $0.map == .snapshot && $0.mix == .mixed50 && $0.keys == 1_000_000 })
        #expect(plan.cells.contains { $0.map == .snapshot && $0.mix == .read && $0.keys == 1_000_000 })
        #expect(plan.notes.contains { $0.hasPrefix("dictionary is not thread-safe") })
        #expect(plan.notes.contains { $0.hasPrefix("snapshot mixed50 K=1000000 skipped") })
    }
}
