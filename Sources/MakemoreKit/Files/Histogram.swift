/// Counts of values in equal-width bins, drawn as a density curve (the lecture's
/// `torch.histogram` + `plt.plot(hx, hy)`): activation and gradient distributions per layer.
package struct Histogram: Sendable, Equatable {
    /// Left edge of the first bin.
    package let lower: Double
    /// Right edge of the last bin.
    package let upper: Double
    /// Values per bin; a value equal to `upper` counts in the last bin.
    package let counts: [Int]

    /// `values` in `bins` bins spanning `range`, or their own minimum to maximum; values outside
    /// `range` and non-finite values are left out.
    package init(values: [Float], bins: Int = 100, range: ClosedRange<Double>? = nil) {
        precondition(bins >= 1)
        let finite = values.filter(\.isFinite)
        var lower = range?.lowerBound ?? Double(finite.min() ?? 0)
        var upper = range?.upperBound ?? Double(finite.max() ?? 0)
        if upper <= lower { lower -= 0.5; upper += 0.5 }
        var counts = [Int](repeating: 0, count: bins)
        let scale = Double(bins) / (upper - lower)
        for value in finite {
            let x = Double(value)
            guard x >= lower && x <= upper else { continue }
            counts[min(bins - 1, Int((x - lower) * scale))] += 1
        }
        self.lower = lower
        self.upper = upper
        self.counts = counts
    }

    /// Width of one bin.
    package var binWidth: Double { (upper - lower) / Double(counts.count) }

    /// (bin centre, count / (total · bin width)) per bin: a curve whose area is 1.
    package var density: [(x: Double, y: Double)] {
        let total = Double(max(1, counts.reduce(0, +)))
        return counts.enumerated().map { (lower + (Double($0.offset) + 0.5) * binWidth, Double($0.element) / (total * binWidth)) }
    }

    /// Several histograms as density curves on one chart.
    package static func chart(title: String, xLabel: String, _ histograms: [(label: String, histogram: Histogram)]) -> LineChart {
        let series = histograms.enumerated().map { index, entry in
            LineChart.Series(label: entry.label, points: entry.histogram.density, color: palette[index % palette.count])
        }
        let lower = histograms.map(\.histogram.lower).min() ?? 0, upper = histograms.map(\.histogram.upper).max() ?? 1
        return LineChart(title: title, xLabel: xLabel, yLabel: "density", yFromZero: true, xDomain: lower...upper, series: series)
    }

    /// Distinct line colours (matplotlib's tab10).
    package static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
}
