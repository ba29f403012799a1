/// The bigram count matrix as an SVG heatmap, like the lecture's figure: one cell per
/// (previous, next) pair labelled with the pair and its count, darker blue for more frequent.
package enum CountHeatmap {
    /// The SVG document for the (V, V) `counts` of `vocabulary`.
    package static func svg(counts: [Int], vocabulary: Vocabulary) -> String {
        let v = vocabulary.size
        let cell = 36, margin = 28
        let side = margin + v * cell
        let maximum = Double(counts.max() ?? 1)
        var svg = SVGDocument(width: side, height: side)
        svg.text("next →", x: Double(margin), y: 12, size: 11, anchor: "start")
        for i in 0..<v {
            let label = escapeXML(vocabulary.symbol(known: Int32(i)))
            svg.text(label, x: Double(margin + i * cell + cell / 2), y: Double(margin - 6), size: 12)
            svg.text(label, x: Double(margin - 8), y: Double(margin + i * cell + cell / 2 + 4), size: 12)
            for j in 0..<v {
                let count = counts[i * v + j]
                let shade = maximum > 0 ? (Double(count) / maximum).squareRoot() : 0
                let x = margin + j * cell, y = margin + i * cell
                svg.rect(x: x, y: y, width: cell, height: cell, fill: SVGDocument.blue(shade))
                let ink = shade > 0.5 ? "#ffffff" : "#555555"
                let pair = escapeXML(vocabulary.symbol(known: Int32(i)) + vocabulary.symbol(known: Int32(j)))
                svg.text(pair, x: Double(x + cell / 2), y: Double(y + 14), size: 9, fill: ink)
                svg.text(String(count), x: Double(x + cell / 2), y: Double(y + 28), size: 9, fill: ink)
            }
        }
        return svg.rendered()
    }
}
