import Foundation

/// A transformer's attention over one word as SVG (`makemore score --plot-attention`): one
/// heatmap per layer (rows of the grid) and head (columns). In each, row t is the query at
/// position t and column j the key at position j, both labelled with the character there (the
/// start boundary as "."); a cell is shaded by the probability with which t attends to j, in the
/// count heatmap's blues, and the upper triangle — later positions, which causal attention
/// cannot see — stays empty.
package struct AttentionChart {
    package var title: String
    /// `maps[layer][head][query][key]`, every map T × T.
    package let maps: [[[[Float]]]]
    /// The character at each of the T positions.
    package let labels: [String]

    /// A chart of `maps` over positions labelled `labels`.
    package init(title: String, maps: [[[[Float]]]], labels: [String]) {
        precondition(!maps.isEmpty && maps.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.count == labels.count && $0.allSatisfy { $0.count == labels.count } } },
                     "every map must be \(labels.count) × \(labels.count)")
        self.title = title
        self.maps = maps
        self.labels = labels
    }

    /// Side of one cell: roomy for names, smaller for long sequences.
    var cell: Int { labels.count <= 12 ? 26 : max(10, 312 / labels.count) }

    /// The SVG document.
    package func svg() -> String {
        let t = labels.count, cell = cell
        let labelMargin = 20, panelTitle = 18, gap = 28, left = 24, top = 76, legendHeight = 56
        let panelSide = labelMargin + t * cell
        let columns = maps.map(\.count).max()!
        let width = max(420, left + columns * (panelSide + gap) - gap + left)
        let height = top + maps.count * (panelTitle + panelSide + gap) - gap + legendHeight
        var svg = SVGDocument(width: width, height: height)
        svg.text(escapeXML(title), x: Double(width) / 2, y: 24, size: 15)
        svg.text("row: the position looking (query) · column: where it looks (key)", x: Double(width) / 2, y: 44, size: 11, fill: "#777777")
        let labels = labels.map(escapeXML)
        for (layer, heads) in maps.enumerated() {
            for (head, map) in heads.enumerated() {
                let x0 = left + head * (panelSide + gap), y0 = top + layer * (panelTitle + panelSide + gap)
                let gridX = x0 + labelMargin, gridY = y0 + panelTitle + labelMargin
                svg.text("layer \(layer + 1) · head \(head + 1)", x: Double(gridX + t * cell / 2), y: Double(y0 + 10), size: 12)
                svg.rect(x: gridX, y: gridY, width: t * cell, height: t * cell, fill: "none", stroke: "#dddddd")
                for (i, label) in labels.enumerated() {
                    let centre = Double(i * cell + cell / 2)
                    svg.text(label, x: Double(gridX) + centre, y: Double(gridY - 6), size: 11)
                    svg.text(label, x: Double(gridX - 8), y: Double(gridY) + centre + 4, size: 11)
                }
                for query in 0..<t {
                    for key in 0...query {
                        let p = Double(map[query][key])
                        let x = gridX + key * cell, y = gridY + query * cell
                        svg.rect(x: x, y: y, width: cell, height: cell, fill: SVGDocument.blue(min(max(p, 0), 1)))
                        if cell >= 20 {
                            svg.text(Self.shortProbability(p), x: Double(x + cell / 2), y: Double(y + cell / 2 + 3), size: 8,
                                     fill: p > 0.5 ? "#ffffff" : "#555555")
                        }
                    }
                }
            }
        }
        let legendY = height - legendHeight + 24, swatch = 28
        svg.text("p", x: Double(left), y: Double(legendY + 14), size: 11, anchor: "start")
        for (k, label) in ["0", ".25", ".5", ".75", "1"].enumerated() {
            let x = left + 16 + k * swatch
            svg.rect(x: x, y: legendY, width: swatch, height: 18, fill: SVGDocument.blue(Double(k) / 4), stroke: "#dddddd")
            svg.text(label, x: Double(x + swatch / 2), y: Double(legendY + 32), size: 10)
        }
        return svg.rendered()
    }

    /// p in two decimals without the leading zero (".42"), "1" for 1: fits a small cell.
    static func shortProbability(_ p: Double) -> String {
        let text = String(format: "%.2f", p)
        return text == "1.00" ? "1" : String(text.drop { $0 == "0" })
    }
}
