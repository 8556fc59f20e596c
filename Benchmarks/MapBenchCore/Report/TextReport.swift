/// The readable table on stdout: one row per cell, printed as the cell finishes.
enum TextTable {
    private static let widths = [11, 14, 8, 11, 8, 10, 8, 8, 9]

    /// The column header.
    static func header() -> String {
        row(["map", "mix", "dist", "K", "threads", "Mops/s", "p50_ns", "p99_ns", "p999_ns"])
    }

    /// One cell's row.
    static func line(_ cell: CellRecord) -> String {
        row([
            cell.map, cell.mix.rawValue, cell.dist.rawValue, String(cell.keys), String(cell.threads),
            Format.fixed(cell.mops, 3), Format.fixed(cell.p50, 0), Format.fixed(cell.p99, 0),
            Format.fixed(cell.p999, 0),
        ])
    }

    /// The header of the memory table.
    static func memoryHeader() -> String {
        "map".padding(11) + "K".leftPadding(11) + "bytes/entry".leftPadding(13) + "peak_rss_mb".leftPadding(13)
    }

    /// One memory line.
    static func memoryLine(_ record: MemoryRecord) -> String {
        record.map.padding(11) + String(record.keys).leftPadding(11)
            + Format.fixed(record.bytesPerEntry, 1).leftPadding(13)
            + Format.fixed(record.peakRSSMegabytes, 1).leftPadding(13)
    }

    private static func row(_ fields: [String]) -> String {
        var out = ""
        for (i, field) in fields.enumerated() {
            // Text columns left-aligned, numbers right-aligned.
            out += i < 3 ? field.padding(widths[i]) : field.leftPadding(widths[i]) + " "
        }
        while out.last == " " { out.removeLast() }
        return out
    }
}

/// The CSV file: the peers' columns exactly, so that files can be joined.
enum CSVReport {
    /// Header of the cell lines (identical to the native peers' harness).
    static let header = "system,mix,dist,K,threads,mops,p50_ns,p99_ns,p999_ns"

    /// A cell line.
    static func line(_ cell: CellRecord) -> String {
        "\(cell.map),\(cell.mix.rawValue),\(cell.dist.rawValue),\(cell.keys),\(cell.threads),"
            + "\(Format.fixed(cell.mops, 3)),\(Format.fixed(cell.p50, 0)),\(Format.fixed(cell.p99, 0)),"
            + "\(Format.fixed(cell.p999, 0))"
    }

    /// A memory line: `mem,system,K,bytes_per_entry,peak_rss_mb`.
    static func memoryLine(_ record: MemoryRecord) -> String {
        "mem,\(record.map),\(record.keys),\(Format.fixed(record.bytesPerEntry, 1)),"
            + "\(Format.fixed(record.peakRSSMegabytes, 1))"
    }

    /// The whole file: header, cells, memory lines (the peers' files interleave the same way).
    static func document(_ report: RunReport) -> String {
        ([header] + report.cells.map(line) + report.memory.map(memoryLine)).joined(separator: "\n") + "\n"
    }
}
