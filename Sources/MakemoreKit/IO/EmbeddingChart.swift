import Foundation

/// A character embedding drawn as SVG, as in the MLP lecture: each character at its first two
/// embedding dimensions, or at its first two principal components when the embedding is wider.
/// Vowels are coloured apart from consonants, so a learner sees whether they cluster.
public struct EmbeddingChart {
    public var title: String
    /// One (V, d) table, row-major, d ≥ 2 (d = 1 is drawn on a line).
    public let table: [Float]
    public let dimensions: Int
    public let vocabulary: Vocabulary

    /// A chart of the embedding `table` (V rows of `dimensions`) of `vocabulary`'s tokens.
    public init(title: String, table: [Float], dimensions: Int, vocabulary: Vocabulary) {
        precondition(dimensions >= 1 && table.count == vocabulary.size * dimensions,
                     "table has \(table.count) values, expected \(vocabulary.size) × \(dimensions)")
        self.title = title
        self.table = table
        self.dimensions = dimensions
        self.vocabulary = vocabulary
    }

    /// Each token's position and what the two axes are.
    public func coordinates() -> (points: [(x: Double, y: Double)], xLabel: String, yLabel: String) {
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
    public func svg(width: Int = 640, height: Int = 600) -> String {
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
        for i in 0...4 {
            let xv = x0 + (x1 - x0) * Double(i) / 4, yv = y0 + (y1 - y0) * Double(i) / 4
            svg.line(x1: px(xv), y1: top, x2: px(xv), y2: top + plotHeight, stroke: "#eeeeee")
            svg.line(x1: left, y1: py(yv), x2: left + plotWidth, y2: py(yv), stroke: "#eeeeee")
            svg.text(String(format: "%.2g", xv), x: px(xv), y: top + plotHeight + 16, size: 11)
            svg.text(String(format: "%.2g", yv), x: left - 6, y: py(yv) + 4, size: 11, anchor: "end")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#444444")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#444444")
        svg.text(escapeXML(xLabel), x: left + plotWidth / 2, y: Double(height) - 12, size: 12)
        svg.text(escapeXML(yLabel), x: 14, y: top - 10, size: 12, anchor: "start")
        for (token, point) in points.enumerated() {
            let symbol = vocabulary.symbol(of: Int32(token))
            let color = Self.color(of: symbol)
            svg.circle(x: px(point.x), y: py(point.y), radius: 10, fill: color.fill, stroke: color.stroke)
            svg.text(escapeXML(symbol), x: px(point.x), y: py(point.y) + 4, size: 12, fill: "#ffffff")
        }
        let legend = [("vowel", Self.color(of: "a")), ("consonant", Self.color(of: "b")), ("boundary .", Self.color(of: "."))]
        for (i, entry) in legend.enumerated() {  // one row above the plot, right-aligned
            let x = left + plotWidth - 290 + Double(i) * 95, y = top - 10
            svg.circle(x: x, y: y - 4, radius: 6, fill: entry.1.fill)
            svg.text(entry.0, x: x + 10, y: y, size: 12, anchor: "start")
        }
        return svg.rendered()
    }

    /// Vowels (a e i o u) red, the boundary grey, everything else blue.
    private static func color(of symbol: String) -> (fill: String, stroke: String) {
        if symbol == Vocabulary.boundarySymbol { return ("#8c8c8c", "#5a5a5a") }
        if symbol.count == 1 && "aeiou".contains(symbol.lowercased()) { return ("#d1495b", "#8e2a38") }
        return ("#4c78a8", "#2c4f78")
    }
}
