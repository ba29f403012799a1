import Foundation

/// Tick positions and labels a reader can take in at a glance, for the charts' axes: steps of
/// 1, 2 or 5 times a power of ten on linear axes, whole decades on logarithmic ones, labels
/// with just the decimals the step needs, thousands as `10k` / `200k`, and tiny or huge
/// values written as small numbers times a power of ten named once on the axis (`×10⁻⁵`).
package struct AxisTicks: Equatable, Sendable {
    /// The tick values, ascending, all within the range asked for.
    package let values: [Double]
    /// One label per tick.
    package let labels: [String]
    /// Text to append to the axis title when the labels are scaled (`×10⁻⁵`), else empty.
    package let scaleNote: String

    /// The smallest 1-2-5 step that puts at most `maximumCount` ticks over `span`.
    package static func step(span: Double, maximumCount: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let count = Double(max(2, maximumCount))
        let base = Foundation.pow(10, Foundation.floor(Foundation.log10(span / count)))
        for multiple in [1.0, 2, 5, 10, 20, 50] where Foundation.floor(span / (multiple * base) + 1e-9) + 1 <= count {
            return multiple * base
        }
        return 100 * base
    }

    /// Linear ticks inside `lower...upper`: multiples of a 1-2-5 step, at most `maximumCount`.
    /// Set `thousands` for counts such as steps (`50k`); small or huge values get a common
    /// power of ten in `scaleNote`.
    package static func linear(_ lower: Double, _ upper: Double, maximumCount: Int = 6, thousands: Bool = false) -> AxisTicks {
        let step = Self.step(span: upper - lower, maximumCount: maximumCount)
        let first = Foundation.ceil(lower / step - 1e-9), last = Foundation.floor(upper / step + 1e-9)
        let values = first <= last ? (Int(first)...Int(last)).map { Double($0) * step } : [lower]
        return labelled(values.map { abs($0) < step * 1e-9 ? 0 : $0 }, step: step, thousands: thousands)
    }

    /// Decade ticks (…, 0.001, 0.01, 0.1, 1, …) inside `lower...upper` (both > 0); when the range
    /// holds fewer than two decades, 1-2-5 ticks of each decade instead.
    package static func logarithmic(_ lower: Double, _ upper: Double) -> AxisTicks {
        guard lower > 0, upper >= lower else { return linear(lower, upper) }
        let low = Int(Foundation.ceil(Foundation.log10(lower) - 1e-9)), high = Int(Foundation.floor(Foundation.log10(upper) + 1e-9))
        var values = low <= high ? (low...high).map { Foundation.pow(10, Double($0)) } : []
        if values.count < 2 {
            let decades = Int(Foundation.floor(Foundation.log10(lower)))...Int(Foundation.ceil(Foundation.log10(upper)))
            let low = lower * (1 - 1e-9), high = upper * (1 + 1e-9)
            let candidates: [Double] = decades.flatMap { (d: Int) -> [Double] in
                let decade = Foundation.pow(10.0, Double(d))
                return [decade, 2 * decade, 5 * decade]
            }
            values = candidates.filter { $0 >= low && $0 <= high }
        }
        return AxisTicks(values: values, labels: values.map(decadeLabel), scaleNote: "")
    }

    /// A positive value of a logarithmic axis: plain decimals from 0.0001 to 10 000, else a
    /// power of ten (`10⁻⁵`, `2×10⁻⁵`).
    static func decadeLabel(_ value: Double) -> String {
        let exponent = Int(Foundation.floor(Foundation.log10(value) + 1e-9))
        if (-4...4).contains(exponent) { return plain(value, decimals: max(0, -exponent)) }
        let mantissa = value / Foundation.pow(10, Double(exponent))
        return (abs(mantissa - 1) < 1e-9 ? "" : plain(mantissa, decimals: 0) + "×") + "10" + superscript(exponent)
    }

    /// Labels for ticks `step` apart.
    private static func labelled(_ values: [Double], step: Double, thousands: Bool) -> AxisTicks {
        let largest = values.map(abs).max() ?? 0
        if thousands && largest >= 10_000 {
            let (unit, suffix) = largest >= 10_000_000 ? (1e6, "M") : (1e3, "k")
            return AxisTicks(values: values, labels: values.map { plain($0 / unit, decimals: decimals(step / unit)) + ($0 == 0 ? "" : suffix) }, scaleNote: "")
        }
        if largest > 0 && (largest < 0.01 || largest >= 1e6) {
            let exponent = Int(Foundation.floor(Foundation.log10(largest)))
            let scale = Foundation.pow(10, Double(exponent))
            return AxisTicks(values: values, labels: values.map { plain($0 / scale, decimals: decimals(step / scale)) },
                             scaleNote: " (×10" + superscript(exponent) + ")")
        }
        return AxisTicks(values: values, labels: values.map { plain($0, decimals: decimals(step)) }, scaleNote: "")
    }

    /// Decimals that show a step of `step` (0.05 → 2, 0.2 → 1, 5 → 0).
    private static func decimals(_ step: Double) -> Int { max(0, Int(Foundation.ceil(-Foundation.log10(step) - 1e-9))) }

    private static func plain(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text.replacingOccurrences(of: "-", with: "−")
    }

    private static func superscript(_ exponent: Int) -> String {
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return String(String(exponent).map { digits[$0] ?? $0 })
    }
}
