import Foundation

/// A character embedding drawn as SVG, as in the MLP lecture: each character at its first two
/// embedding dimensions, or at its first two principal components when the embedding is wider.
/// Vowels are coloured apart from consonants, so a learner sees whether they cluster.
package struct EmbeddingChart {
    package var title: String
    /// One (V, d) table, row-major, d ≥ 2 (d = 1 is drawn on a line).
    package let table: [Float]
    package let dimensions: Int
    package let vocabulary: Vocabulary

    /// A chart of the embedding `table` (V rows of `dimensions`) of `vocabulary`'s tokens.
    package init(title: String, table: [Float], dimensions: Int, vocabulary: Vocabulary) {
        precondition(dimensions >= 1 && table.count == vocabulary.size * dimensions,
                     "table has \(table.count) values, expected \(vocabulary.size) × \(dimensions)")
        self.title = title
        self.table = table
        self.dimensions = dimensions
        self.vocabulary = vocabulary
    }

    /// Each token's position and what the two axes are.
    package func coordinates() -> (points: [(x: Double, y: Double)], xLabel: String, yLabel: String) {
        let rows = (0..<vocabulary.size).map { i in (0..<dimensions).map { Double(table[i * dimensions + $0]) } }
        if dimensions <= 2 {
            return (rows.map { ($0[0], $0.count > 1 ? $0[1] : 0) }, "dimension 0", dimensions > 1 ? "dimension 1" : "")
        }
        let pca = PrincipalComponents(rows: rows)
        func share(_ k: Int) -> String {
            pca.totalVariance > 0 ? String(format: " (%.0f%% of variance)", 100 * pca.variances[k] / pca.totalVariance) : ""
        }
        return (rows.map { let p = pca.project($0); return (p[0], p[1]) },
                "principal component 1" + share(0), "principal component 2" + share(1))
    }

    /// The SVG document.
    package func svg(width: Int = 640, height: Int = 600) -> String {
        let left = 60.0, right = 24.0, top = 60.0, bottom = 50.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let (points, xLabel, yLabel) = coordinates()
        var svg = SVGDocument(width: width, height: height)
        svg.text(escapeXML(title), x: Double(width) / 2, y: 22, size: 15)
        var x0 = points.map(\.x).min()!, x1 = points.map(\.x).max()!
        var y0 = points.map(\.y).min()!, y1 = points.map(\.y).max()!
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= 1; y1 += 1 }
        let padX = (x1 - x0) * 0.06, padY = (y1 - y0) * 0.06
        x0 -= padX; x1 += padX; y0 -= padY; y1 += padY
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotHeight }
        let xTicks = AxisTicks.linear(x0, x1), yTicks = AxisTicks.linear(y0, y1)
        for (x, label) in zip(xTicks.values, xTicks.labels) {
            svg.line(x1: px(x), y1: top, x2: px(x), y2: top + plotHeight, stroke: "#eeeeee")
            svg.text(label, x: px(x), y: top + plotHeight + 16, size: 11)
        }
        for (y, label) in zip(yTicks.values, yTicks.labels) {
            svg.line(x1: left, y1: py(y), x2: left + plotWidth, y2: py(y), stroke: "#eeeeee")
            svg.text(label, x: left - 6, y: py(y) + 4, size: 11, anchor: "end")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#444444")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#444444")
        svg.text(escapeXML(xLabel), x: left + plotWidth / 2, y: Double(height) - 12, size: 12)
        svg.text(escapeXML(yLabel), x: 14, y: top - 10, size: 12, anchor: "start")
        let anchors = points.map { (x: px($0.x), y: py($0.y)) }
        let radius = 10.0
        let placed = Self.separate(anchors, radius: radius, within: (left + radius, top + radius, left + plotWidth - radius, top + plotHeight - radius))
        for (anchor, label) in zip(anchors, placed) where hypot(label.x - anchor.x, label.y - anchor.y) > 2 {
            svg.line(x1: anchor.x, y1: anchor.y, x2: label.x, y2: label.y, stroke: "#999999")
            svg.circle(x: anchor.x, y: anchor.y, radius: 2, fill: "#555555")
        }
        for (token, point) in placed.enumerated() {
            let symbol = vocabulary.symbol(known: Int32(token))
            let color = Self.color(of: symbol)
            svg.circle(x: point.x, y: point.y, radius: radius, fill: color.fill, stroke: color.stroke)
            svg.text(escapeXML(symbol), x: point.x, y: point.y + 4, size: 12, fill: "#ffffff")
        }
        let legend = [("vowel", Self.color(of: "a")), ("consonant", Self.color(of: "b")), ("boundary .", Self.color(of: "."))]
        for (i, entry) in legend.enumerated() {  // one row above the plot, right-aligned
            let x = left + plotWidth - 290 + Double(i) * 95, y = top - 10
            svg.circle(x: x, y: y - 4, radius: 6, fill: entry.1.fill)
            svg.text(entry.0, x: x + 10, y: y, size: 12, anchor: "start")
        }
        return svg.rendered()
    }

    /// Where to draw round labels of `radius` that belong at `anchors` so that none hides
    /// another: overlapping labels are pushed apart along the line between them (coincident
    /// ones in a fixed spread of directions) until no two overlap, and kept inside `bounds`
    /// (x0, y0, x1, y1). Labels that do not overlap stay on their anchors.
    static func separate(_ anchors: [(x: Double, y: Double)], radius: Double,
                         within bounds: (Double, Double, Double, Double), iterations: Int = 500) -> [(x: Double, y: Double)] {
        var placed = anchors.map { (x: min(max($0.x, bounds.0), bounds.2), y: min(max($0.y, bounds.1), bounds.3)) }
        let gap = 2 * radius + 1
        for _ in 0..<iterations {
            var overlapping = false
            for i in placed.indices {
                for j in placed.indices where j > i {
                    var dx = placed[j].x - placed[i].x, dy = placed[j].y - placed[i].y
                    var distance = hypot(dx, dy)
                    guard distance < gap - 1e-6 else { continue }
                    overlapping = true
                    if distance < 1e-6 {
                        let angle = Double(i * 7 + j * 13) * 2.399963  // the golden angle: spread, never aligned
                        (dx, dy, distance) = (cos(angle), sin(angle), 1)
                    }
                    let push = (gap - distance) / 2 / distance
                    placed[i].x -= dx * push; placed[i].y -= dy * push
                    placed[j].x += dx * push; placed[j].y += dy * push
                }
            }
            for k in placed.indices {
                placed[k] = (min(max(placed[k].x, bounds.0), bounds.2), min(max(placed[k].y, bounds.1), bounds.3))
            }
            if !overlapping { break }
        }
        return placed
    }

    /// Vowels (a e i o u) red, the boundary grey, everything else blue.
    private static func color(of symbol: String) -> (fill: String, stroke: String) {
        if symbol == Vocabulary.boundarySymbol { return ("#8c8c8c", "#5a5a5a") }
        if symbol.count == 1 && "aeiou".contains(symbol.lowercased()) { return ("#d1495b", "#8e2a38") }
        return ("#4c78a8", "#2c4f78")
    }
}
