import Foundation

/// Per-character probability bars of one word as SVG (`makemore score --plot-probabilities`):
/// for each prediction (every character, then the end), the probability each model gave it,
/// with −ln p beneath, so the surprising characters of a word stand out.
package struct ProbabilityChart {
    /// One model's predictions for the word.
    package struct Series {
        package var label: String
        /// p of each prediction, in order.
        package var probabilities: [Double]

        package init(label: String, probabilities: [Double]) {
            self.label = label
            self.probabilities = probabilities
        }
    }

    package var title: String
    /// What is predicted at each position (`e`, `m`, `m`, `a`, `.`).
    package var symbols: [String]
    package var series: [Series]

    /// A chart of `series` over the predictions `symbols`.
    package init(title: String, symbols: [String], series: [Series]) {
        precondition(series.allSatisfy { $0.probabilities.count == symbols.count }, "one probability per symbol")
        self.title = title
        self.symbols = symbols
        self.series = series
    }

    static let colors = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"]

    /// The top of the probability axis: the highest bar rounded up to a tick (at most 1), so
    /// the bars use the chart's height rather than the empty space above 0.5.
    var axisTop: Double {
        let highest = series.flatMap(\.probabilities).filter(\.isFinite).max() ?? 1
        let step = AxisTicks.step(span: max(highest, 0.05), maximumCount: 6)
        return min(1, max(step, (highest / step - 1e-9).rounded(.up) * step))
    }

    /// The SVG document; the probability axis is linear from 0 to `axisTop`.
    package func svg(height: Int = 420) -> String {
        let left = 60, right = 20, top = 64 + 16 * series.count, bottom = 60 + 14 * series.count
        let width = max(360, left + right + max(44, 18 * series.count + 16) * symbols.count)
        let groupWidth = (width - left - right) / max(symbols.count, 1)
        let plotHeight = Double(height - top - bottom)
        var svg = SVGDocument(width: width, height: height)
        svg.text(escapeXML(title), x: Double(width) / 2, y: 22, size: 15)
        let axisTop = axisTop
        func py(_ p: Double) -> Double { Double(top) + (1 - p / axisTop) * plotHeight }
        let ticks = AxisTicks.linear(0, axisTop, maximumCount: 6)
        for (p, label) in zip(ticks.values, ticks.labels) {
            svg.line(x1: Double(left), y1: py(p), x2: Double(width - right), y2: py(p), stroke: p == 0 ? "#444444" : "#e5e5e5")
            svg.text(label, x: Double(left - 6), y: py(p) + 4, size: 11, anchor: "end")
        }
        svg.text("p(next | prefix)", x: 10, y: Double(top - 14), size: 12, anchor: "start")
        let barWidth = (groupWidth - 12) / max(series.count, 1)
        for (k, symbol) in symbols.enumerated() {
            let groupLeft = left + k * groupWidth + 6
            svg.text(escapeXML(symbol), x: Double(groupLeft + (groupWidth - 12) / 2), y: py(0) + 18, size: 14)
            for (s, entry) in series.enumerated() {
                let p = entry.probabilities[k]
                let barTop = py(min(max(p, 0), axisTop))
                let x = groupLeft + s * barWidth
                svg.rect(x: x, y: Int(barTop), width: max(barWidth - 2, 2), height: max(Int(py(0) - barTop), 1),
                         fill: Self.colors[s % Self.colors.count])
                let nll = p > 0 ? String(format: "%.2f", -Foundation.log(p)) : "inf"
                svg.text(nll, x: Double(x + barWidth / 2), y: py(0) + 34 + Double(14 * s), size: 9,
                         fill: Self.colors[s % Self.colors.count])
            }
        }
        svg.text("−ln p under each bar", x: Double(left), y: Double(height - 8), size: 10, anchor: "start", fill: "#777777")
        for (s, entry) in series.enumerated() {
            let y = 44 + 16 * s
            svg.rect(x: left, y: y - 9, width: 10, height: 10, fill: Self.colors[s % Self.colors.count])
            svg.text(escapeXML(entry.label), x: Double(left + 16), y: Double(y), size: 12, anchor: "start")
        }
        return svg.rendered()
    }
}
