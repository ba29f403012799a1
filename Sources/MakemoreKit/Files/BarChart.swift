import Foundation

/// A horizontal bar chart as SVG (the val NLL of each stage in `makemore compare`).
package struct BarChart {
    package var title: String
    package var unit: String
    /// (label, value) pairs, drawn top to bottom; non-finite values are drawn as "n/a".
    package var bars: [(label: String, value: Double)]

    /// A chart of `bars`.
    package init(title: String, unit: String, bars: [(label: String, value: Double)]) {
        self.title = title
        self.unit = unit
        self.bars = bars
    }

    /// The SVG document; bars start at the smallest value minus a margin, so differences show.
    package func svg(width: Int = 720) -> String {
        let rowHeight = 34, top = 44, left = 150, right = 90
        let height = top + bars.count * rowHeight + 20
        var svg = SVGDocument(width: width, height: height)
        svg.text(escapeXML(title), x: Double(width) / 2, y: 24, size: 15)
        let finite = bars.map(\.value).filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return svg.rendered() }
        let origin = max(0, low - (high - low) * 0.5 - 0.05)
        let span = max(high - origin, 1e-9)
        let plotWidth = Double(width - left - right)
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            svg.text(escapeXML(bar.label), x: Double(left - 10), y: Double(y + 20), size: 13, anchor: "end")
            guard bar.value.isFinite else {
                svg.text("n/a", x: Double(left + 6), y: Double(y + 20), size: 12, anchor: "start")
                continue
            }
            let length = max(2, Int((bar.value - origin) / span * plotWidth))
            svg.rect(x: left, y: y + 6, width: length, height: rowHeight - 12, fill: "#4c78a8")
            svg.text(String(format: "%.4f", bar.value) + " " + escapeXML(unit), x: Double(left + length + 6), y: Double(y + 21), size: 12, anchor: "start")
        }
        svg.text(String(format: "axis starts at %.2f", origin), x: Double(left), y: Double(height - 6), size: 10, anchor: "start", fill: "#777777")
        return svg.rendered()
    }
}
