/// The two charts of `--svg`, as plain SVG written here (no dependencies):
/// - throughput: grouped bars, Mops/s per map for every mix, one panel per K at the highest
///   thread count and one at 1 thread;
/// - scaling: Mops/s against threads, one line per map, one panel per mix and K.
/// Every bar and point carries its value, so the charts read without the table.
enum SVGCharts {
    static let palette: [String: String] = [
        "lockfree": "#d62728", "mutex": "#1f77b4", "sharded": "#2ca02c", "rwlock": "#9467bd",
        "readmostly": "#8c564b", "snapshot": "#e377c2", "actor": "#7f7f7f", "dictionary": "#bcbd22",
    ]

    static func color(_ map: String) -> String { palette[map] ?? "#17becf" }

    /// A (mix, dist) column of the charts, in table order.
    struct Series: Hashable {
        let mix: Mix
        let dist: Distribution
        var label: String { dist == .zipf ? "\(mix.rawValue) zipf" : mix.rawValue }
    }

    /// The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1e-3).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        var step = 1e-3
        while true {
            for m in [1.0, 2.0, 5.0] where step * m >= value { return step * m }
            step *= 10
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
            .replacingAll("\"", "&quot;")
    }

    /// An axis tick: as many decimals as the tick step needs.
    static func tickLabel(_ v: Double, step: Double) -> String {
        if step >= 1 { return Format.fixed(v, 0) }
        if step >= 0.1 { return Format.fixed(v, 1) }
        if step >= 0.01 { return Format.fixed(v, 2) }
        return Format.fixed(v, 3)
    }

    /// A compact value label: 3 significant digits.
    static func valueLabel(_ v: Double) -> String {
        if v >= 100 { return Format.fixed(v, 0) }
        if v >= 10 { return Format.fixed(v, 1) }
        if v >= 1 { return Format.fixed(v, 2) }
        return Format.fixed(v, 3)
    }

    private static func text(
        _ x: Double, _ y: Double, _ s: String, size: Int = 12, anchor: String = "middle",
        weight: String = "normal", rotate: Bool = false, fill: String = "#222"
    ) -> String {
        let transform = rotate ? " transform=\"rotate(-90 \(Format.fixed(x, 1)) \(Format.fixed(y, 1)))\"" : ""
        return "<text x=\"\(Format.fixed(x, 1))\" y=\"\(Format.fixed(y, 1))\" font-size=\"\(size)\" "
            + "text-anchor=\"\(anchor)\" font-weight=\"\(weight)\" fill=\"\(fill)\"\(transform)>\(escape(s))</text>"
    }

    private static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ fill: String) -> String {
        "<rect x=\"\(Format.fixed(x, 1))\" y=\"\(Format.fixed(y, 1))\" width=\"\(Format.fixed(w, 1))\" "
            + "height=\"\(Format.fixed(max(h, 0), 1))\" fill=\"\(fill)\"/>"
    }

    private static func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ stroke: String,
        width: Double = 1
    ) -> String {
        "<line x1=\"\(Format.fixed(x1, 1))\" y1=\"\(Format.fixed(y1, 1))\" x2=\"\(Format.fixed(x2, 1))\" "
            + "y2=\"\(Format.fixed(y2, 1))\" stroke=\"\(stroke)\" stroke-width=\"\(Format.fixed(width, 1))\"/>"
    }

    private static func document(width: Double, height: Double, _ body: [String]) -> String {
        ([
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\">",
            rect(0, 0, width, height, "#ffffff"),
        ] + body + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    private static func maps(_ report: RunReport) -> [String] {
        var seen: [String] = []
        for cell in report.cells where !seen.contains(cell.map) { seen.append(cell.map) }
        return seen
    }

    private static func legend(_ maps: [String], x: Double, y: Double) -> [String] {
        var out: [String] = []
        var cx = x
        for map in maps {
            out.append(rect(cx, y - 10, 12, 12, color(map)))
            out.append(text(cx + 16, y, map, size: 12, anchor: "start"))
            cx += 30 + Double(map.count) * 7
        }
        return out
    }

    /// Y axis with gridlines: returns the elements; values map to `top ... top + height`.
    private static func yAxis(
        x: Double, top: Double, width: Double, height: Double, maximum: Double,
        title: String
    ) -> [String] {
        var out: [String] = []
        for i in 0...5 {
            let v = maximum * Double(i) / 5
            let y = top + height - height * Double(i) / 5
            out.append(line(x, y, x + width, y, i == 0 ? "#444" : "#e3e3e3"))
            out.append(text(x - 6, y + 4, tickLabel(v, step: maximum / 5), size: 11, anchor: "end"))
        }
        out.append(text(x - 46, top + height / 2, title, size: 12, rotate: true))
        return out
    }

    /// Grouped bars per mix, one panel per (K, thread count): highest thread count, then 1.
    static func throughput(_ report: RunReport) -> String {
        let maps = maps(report)
        let keySizes = Array(Set(report.cells.map(\.keys))).sorted()
        let threadCounts = Array(Set(report.cells.map(\.threads))).sorted()
        var panels: [(UInt64, Int)] = []
        for k in keySizes {
            if let top = threadCounts.last { panels.append((k, top)) }
            if let first = threadCounts.first, first != threadCounts.last { panels.append((k, first)) }
        }
        let series = Mix.allCases.flatMap { mix in
            Distribution.allCases.map { Series(mix: mix, dist: $0) }
        }.filter { s in report.cells.contains { $0.mix == s.mix && $0.dist == s.dist } }
        let bar = 14.0
        let groupWidth = Double(max(maps.count, 1)) * bar + 18
        let left = 70.0
        let plotWidth = max(groupWidth * Double(max(series.count, 1)), 420)
        let width = left + plotWidth + 30
        let panelHeight = 330.0
        let plotHeight = 220.0
        var body: [String] = []
        body.append(
            text(width / 2, 26, "Throughput per map and mix (Mops/s, higher is better)", size: 17, weight: "bold"))
        body += legend(maps, x: left, y: 50)
        for (p, (k, t)) in panels.enumerated() {
            let top = 80 + Double(p) * panelHeight + 30
            let cells = report.cells.filter { $0.keys == k && $0.threads == t }
            let maximum = niceCeiling(cells.map(\.mops).max() ?? 1)
            body.append(
                text(
                    left, top - 12, "K = \(Format.grouped(k)) keys, \(t) thread\(t == 1 ? "" : "s")",
                    size: 14, anchor: "start", weight: "bold"))
            body += yAxis(
                x: left, top: top, width: plotWidth, height: plotHeight, maximum: maximum,
                title: "Mops/s (all threads)")
            for (g, s) in series.enumerated() {
                let gx = left + Double(g) * groupWidth + 9
                for (m, map) in maps.enumerated() {
                    guard let cell = cells.first(where: { $0.map == map && $0.mix == s.mix && $0.dist == s.dist })
                    else { continue }
                    let h = plotHeight * cell.mops / maximum
                    let x = gx + Double(m) * bar
                    body.append(rect(x + 1, top + plotHeight - h, bar - 2, h, color(map)))
                    body.append(
                        text(
                            x + bar / 2 + 3, top + plotHeight - h - 4, valueLabel(cell.mops), size: 9,
                            anchor: "start", rotate: true, fill: "#333"))
                }
                body.append(text(gx + Double(maps.count) * bar / 2, top + plotHeight + 18, s.label, size: 12))
            }
            var axisNote = "mix (key distribution uniform unless marked zipf)"
            let absent = maps.filter { map in !cells.contains { $0.map == map } }
            if !absent.isEmpty { axisNote += "; not run at \(t) threads: " + absent.joined(separator: ", ") }
            body.append(text(left + plotWidth / 2, top + plotHeight + 40, axisNote, size: 12, fill: "#555"))
        }
        let height = 80 + Double(panels.count) * panelHeight + 20
        return document(width: width, height: height, body)
    }

    /// Mops/s against threads, a line per map; one panel per (mix, dist) and K.
    static func scaling(_ report: RunReport) -> String {
        let maps = maps(report)
        let keySizes = Array(Set(report.cells.map(\.keys))).sorted()
        let threadCounts = Array(Set(report.cells.map(\.threads))).sorted()
        var panels: [(Series, UInt64)] = []
        for k in keySizes {
            for mix in Mix.allCases {
                for dist in Distribution.allCases
                where report.cells.contains(where: { $0.keys == k && $0.mix == mix && $0.dist == dist }) {
                    panels.append((Series(mix: mix, dist: dist), k))
                }
            }
        }
        let columns = 4
        let panelWidth = 330.0
        let panelHeight = 250.0
        let plotWidth = 200.0
        let plotHeight = 160.0
        let width = 20 + Double(columns) * panelWidth
        var body: [String] = []
        body.append(
            text(width / 2, 26, "Scaling with threads (Mops/s, all threads together)", size: 17, weight: "bold"))
        body += legend(maps, x: 70, y: 50)
        for (p, (s, k)) in panels.enumerated() {
            let left = 70 + Double(p % columns) * panelWidth
            let top = 100 + Double(p / columns) * panelHeight
            let cells = report.cells.filter { $0.keys == k && $0.mix == s.mix && $0.dist == s.dist }
            let maximum = niceCeiling(cells.map(\.mops).max() ?? 1)
            body.append(
                text(
                    left + plotWidth / 2, top - 12, "\(s.label), K = \(Format.short(k))", size: 13,
                    weight: "bold"))
            body += yAxis(
                x: left, top: top, width: plotWidth, height: plotHeight, maximum: maximum,
                title: "Mops/s")
            func xOf(_ t: Int) -> Double {
                guard threadCounts.count > 1, let lo = threadCounts.first, let hi = threadCounts.last else {
                    return left + plotWidth / 2
                }
                return left + 15 + (plotWidth - 30) * Double(t - lo) / Double(hi - lo)
            }
            for t in threadCounts {
                body.append(text(xOf(t), top + plotHeight + 16, String(t), size: 11))
            }
            body.append(text(left + plotWidth / 2, top + plotHeight + 34, "threads", size: 12, fill: "#555"))
            // Lines and points per map; the value at each map's last point goes in a column
            // right of the plot, nudged apart so that labels never overlap.
            var labels: [(y: Double, text: String, color: String)] = []
            for map in maps {
                let mapCells = cells.filter { $0.map == map }.sorted { $0.threads < $1.threads }
                let points = mapCells.map { (xOf($0.threads), top + plotHeight - plotHeight * $0.mops / maximum) }
                guard let last = mapCells.last, let lastPoint = points.last else { continue }
                if points.count > 1 {
                    let path = points.map { "\(Format.fixed($0.0, 1)),\(Format.fixed($0.1, 1))" }.joined(separator: " ")
                    body.append(
                        "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color(map))\" stroke-width=\"2\"/>")
                }
                for (x, y) in points {
                    body.append(
                        "<circle cx=\"\(Format.fixed(x, 1))\" cy=\"\(Format.fixed(y, 1))\" r=\"3.5\" fill=\"\(color(map))\"/>"
                    )
                }
                let at = last.threads == threadCounts.last ? "" : " (\(last.threads)T)"
                labels.append((lastPoint.1, valueLabel(last.mops) + at, color(map)))
            }
            labels.sort { $0.y < $1.y }
            for i in labels.indices.dropFirst() where labels[i].y < labels[i - 1].y + 11 {
                labels[i].y = labels[i - 1].y + 11
            }
            let overflow = (labels.last?.y ?? 0) - (top + plotHeight)
            if overflow > 0 { for i in labels.indices { labels[i].y -= overflow } }
            for label in labels {
                body.append(
                    text(
                        left + plotWidth + 6, label.y + 4, label.text, size: 10, anchor: "start",
                        fill: label.color))
            }
        }
        let rows = (panels.count + columns - 1) / columns
        return document(width: width, height: 100 + Double(rows) * panelHeight, body)
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement`.
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
