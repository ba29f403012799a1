import Foundation

/// A line chart as SVG: the loss curves of training (`--plot-loss`) and the learning-rate
/// finder. Each series is a list of (x, y) points; axes are linear or base-10 logarithmic.
package struct LineChart {
    /// One curve.
    package struct Series {
        package var label: String
        package var points: [(x: Double, y: Double)]
        package var color: String
        /// Draw markers instead of a line (sparse series such as periodic val losses).
        package var markers: Bool

        /// A series named `label`.
        package init(label: String, points: [(x: Double, y: Double)], color: String, markers: Bool = false) {
            self.label = label
            self.points = points
            self.color = color
            self.markers = markers
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    package var logX: Bool
    /// Start the y axis at 0 (densities, which are never negative) instead of just below the
    /// lowest point.
    package var yFromZero: Bool
    /// The x range to show (a histogram's bins' edges) instead of the points' own extent.
    package var xDomain: ClosedRange<Double>?
    package var series: [Series]

    /// A chart of `series`.
    package init(title: String, xLabel: String, yLabel: String, logX: Bool = false, yFromZero: Bool = false,
                xDomain: ClosedRange<Double>? = nil, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.yFromZero = yFromZero
        self.xDomain = xDomain
        self.series = series
    }

    /// Approximate width in pixels of `text` at font size `size` (Helvetica's average advance),
    /// enough to reserve room for labels so that none is clipped.
    static func textWidth(_ text: String, size: Int) -> Double { Double(text.count) * Double(size) * 0.58 }

    /// Room for the legend to the right of the plot: the longest label and its swatch.
    var legendWidth: Double { (series.map { Self.textWidth($0.label, size: 12) }.max() ?? 0) + 34 }

    /// The width of the document `svg(width:height:)` draws for `width`: `width` and the legend,
    /// for a page that places the chart inside a larger SVG.
    func documentWidth(forWidth width: Int) -> Int { width + Int(legendWidth.rounded(.up)) }

    /// The SVG document: the plot area of `width` × `height` pixels of canvas, widened by the
    /// legend, which sits to the right of the plot so it never covers a curve.
    package func svg(width: Int = 720, height: Int = 420) -> String {
        let left = 70.0, right = 24.0, top = 40.0, bottom = 48.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let points = series.flatMap(\.points).filter { $0.y.isFinite && $0.x.isFinite && (!logX || $0.x > 0) }
        var svg = SVGDocument(width: documentWidth(forWidth: width), height: height)
        svg.text(escapeXML(title), x: left + plotWidth / 2, y: 22, size: 15)
        guard !points.isEmpty else { return svg.rendered() }
        func tx(_ x: Double) -> Double { logX ? log10(x) : x }
        var x0 = points.map { tx($0.x) }.min()!, x1 = points.map { tx($0.x) }.max()!
        var y0 = points.map(\.y).min()!, y1 = points.map(\.y).max()!
        if let xDomain, !logX || xDomain.lowerBound > 0 { (x0, x1) = (min(x0, tx(xDomain.lowerBound)), max(x1, tx(xDomain.upperBound))) }
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= 1; y1 += 1 }
        let pad = (y1 - y0) * 0.05
        y0 = yFromZero ? min(0, y0) : (y0 >= 0 && y0 - pad < 0 ? 0 : y0 - pad)
        y1 += pad
        func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotHeight }
        let yTicks = AxisTicks.linear(y0, y1, maximumCount: 8)
        for (y, label) in zip(yTicks.values, yTicks.labels) {
            svg.line(x1: left, y1: py(y), x2: left + plotWidth, y2: py(y), stroke: "#e5e5e5")
            svg.text(label, x: left - 6, y: py(y) + 4, size: 11, anchor: "end")
        }
        let xTicks = logX ? AxisTicks.logarithmic(pow(10, x0), pow(10, x1))
            : AxisTicks.linear(x0, x1, maximumCount: Int(plotWidth / 90), thousands: true)
        for (x, label) in zip(xTicks.values, xTicks.labels) {
            svg.line(x1: px(x), y1: top, x2: px(x), y2: top + plotHeight, stroke: "#eeeeee")
            svg.text(label, x: px(x), y: top + plotHeight + 16, size: 11)
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#444444")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#444444")
        svg.text(escapeXML(xLabel + xTicks.scaleNote + (logX ? " (log scale)" : "")), x: left + plotWidth / 2, y: Double(height) - 10, size: 12)
        svg.text(escapeXML(yLabel + yTicks.scaleNote), x: 8, y: top - 10, size: 12, anchor: "start")
        for (index, s) in series.enumerated() {
            let visible = s.points.filter { $0.y.isFinite && $0.x.isFinite && (!logX || $0.x > 0) }.map { (px($0.x), py($0.y)) }
            if s.markers {
                for p in visible { svg.rect(x: Int(p.0) - 3, y: Int(p.1) - 3, width: 6, height: 6, fill: s.color) }
            } else if visible.count > 1 {
                svg.polyline(visible, stroke: s.color)
            }
            let legendX = left + plotWidth + 16, ly = top + 10 + Double(index) * 18
            if s.markers {
                svg.rect(x: Int(legendX) + 2, y: Int(ly) - 7, width: 6, height: 6, fill: s.color)
            } else {
                svg.line(x1: legendX - 2, y1: ly - 4, x2: legendX + 12, y2: ly - 4, stroke: s.color, width: 3)
            }
            svg.text(escapeXML(s.label), x: legendX + 18, y: ly, size: 12, anchor: "start")
        }
        return svg.rendered()
    }

    /// A long noisy curve made readable: `values` (the i-th at x = `firstX` + i) as the means
    /// of centred windows of `window` values, at no more than `maximumPoints` evenly spaced
    /// x (the SVG of a 200 000-step run stays small).
    package static func windowMeans(_ values: [Double], firstX: Double, window: Int, maximumPoints: Int = 600) -> [(x: Double, y: Double)] {
        guard !values.isEmpty else { return [] }
        var prefix = [0.0]
        prefix.reserveCapacity(values.count + 1)
        for value in values { prefix.append(prefix.last! + value) }
        let count = min(values.count, max(2, maximumPoints))
        let half = max(1, window) / 2
        return (0..<count).map { k in
            let i = values.count == 1 ? 0 : Int((Double(k) * Double(values.count - 1) / Double(max(1, count - 1))).rounded())
            let low = max(0, i - half), high = min(values.count, i + half + 1)
            return (firstX + Double(i), (prefix[high] - prefix[low]) / Double(high - low))
        }
    }

    /// The averaging window that makes a run of `steps` steps readable: a hundredth of the
    /// run, and at least 25 steps (or a fifth of a very short run).
    package static func smoothingWindow(steps: Int) -> Int { max(1, steps / 100, min(25, steps / 5)) }

    /// `values` smoothed by an exponential moving average with factor `beta` (bias-corrected).
    package static func smoothed(_ values: [Double], beta: Double = 0.98) -> [Double] {
        var average = 0.0
        return values.enumerated().map { i, value in
            average = beta * average + (1 - beta) * value
            return average / (1 - Foundation.pow(beta, Double(i + 1)))
        }
    }
}
