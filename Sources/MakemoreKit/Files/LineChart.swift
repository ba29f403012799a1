import Foundation

/// A line chart as SVG: the loss curves of training (`--plot-loss`) and the learning-rate
/// finder. Each series is a list of (x, y) points; axes are linear or base-10 logarithmic.
public struct LineChart {
    /// One curve.
    public struct Series {
        public var label: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        /// Draw markers instead of a line (sparse series such as periodic val losses).
        public var markers: Bool

        /// A series named `label`.
        public init(label: String, points: [(x: Double, y: Double)], color: String, markers: Bool = false) {
            self.label = label
            self.points = points
            self.color = color
            self.markers = markers
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var series: [Series]

    /// A chart of `series`.
    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.series = series
    }

    /// The SVG document.
    public func svg(width: Int = 720, height: Int = 420) -> String {
        let left = 64.0, right = 20.0, top = 36.0, bottom = 48.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let points = series.flatMap(\.points).filter { $0.y.isFinite && (!logX || $0.x > 0) }
        var svg = SVGDocument(width: width, height: height)
        svg.text(escapeXML(title), x: Double(width) / 2, y: 22, size: 15)
        guard !points.isEmpty else { return svg.rendered() }
        func tx(_ x: Double) -> Double { logX ? log10(x) : x }
        var x0 = points.map { tx($0.x) }.min()!, x1 = points.map { tx($0.x) }.max()!
        var y0 = points.map(\.y).min()!, y1 = points.map(\.y).max()!
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= 1; y1 += 1 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotHeight }
        for i in 0...5 {
            let y = y0 + (y1 - y0) * Double(i) / 5
            svg.line(x1: left, y1: py(y), x2: left + plotWidth, y2: py(y), stroke: "#e5e5e5")
            svg.text(String(format: "%.3g", y), x: left - 6, y: py(y) + 4, size: 11, anchor: "end")
            let xv = x0 + (x1 - x0) * Double(i) / 5
            let label = logX ? String(format: "%.2g", pow(10, xv)) : String(format: "%.4g", xv)
            let xp = left + Double(i) / 5 * plotWidth
            svg.line(x1: xp, y1: top, x2: xp, y2: top + plotHeight, stroke: "#eeeeee")
            svg.text(label, x: xp, y: top + plotHeight + 16, size: 11)
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#444444")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#444444")
        svg.text(escapeXML(xLabel + (logX ? " (log scale)" : "")), x: left + plotWidth / 2, y: Double(height) - 10, size: 12)
        svg.text(escapeXML(yLabel), x: 14, y: top - 12, size: 12, anchor: "start")
        for (index, s) in series.enumerated() {
            let visible = s.points.filter { $0.y.isFinite && (!logX || $0.x > 0) }.map { (px($0.x), py($0.y)) }
            if s.markers {
                for p in visible { svg.rect(x: Int(p.0) - 3, y: Int(p.1) - 3, width: 6, height: 6, fill: s.color) }
            } else if visible.count > 1 {
                svg.polyline(visible, stroke: s.color)
            }
            let ly = top + 14 + Double(index) * 16
            svg.rect(x: Int(left + plotWidth) - 150, y: Int(ly) - 9, width: 10, height: 10, fill: s.color)
            svg.text(escapeXML(s.label), x: left + plotWidth - 134, y: ly, size: 12, anchor: "start")
        }
        return svg.rendered()
    }

    /// `values` smoothed by an exponential moving average with factor `beta` (bias-corrected).
    public static func smoothed(_ values: [Double], beta: Double = 0.98) -> [Double] {
        var average = 0.0
        return values.enumerated().map { i, value in
            average = beta * average + (1 - beta) * value
            return average / (1 - Foundation.pow(beta, Double(i + 1)))
        }
    }
}
