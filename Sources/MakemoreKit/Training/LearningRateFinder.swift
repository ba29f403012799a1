import Foundation

/// The learning-rate range test (lecture 2, "finding a good initial learning rate"; Smith 2015):
/// train from the fresh model for `steps` steps while the rate grows exponentially from
/// `minimum` to `maximum`, one minibatch per rate, and watch the loss: it falls slowly while
/// the rate is too small, fastest in the useful range, then blows up.
public struct LearningRateFinder: Sendable {
    package let minimum: Double
    package let maximum: Double
    package let steps: Int

    /// The range of each value; `init` and the flags check against them.
    package enum Limits {
        package static let minimum = Limit<Double>("lr_min", 1e-12...1e6)
        package static let maximum = Limit<Double>("lr_max", 1e-12...1e6)
        package static let steps = Limit("sweep_steps", 2...10_000_000)
    }

    /// A sweep over `minimum…maximum` in `steps` steps; throws unless 0 < minimum < maximum
    /// (within `Limits`) and steps ≥ 2.
    public init(minimum: Double = 1e-3, maximum: Double = 1, steps: Int = 1000) throws {
        try Limits.minimum.check(minimum)
        try Limits.maximum.check(maximum)
        try Limits.steps.check(steps)
        guard maximum > minimum else {
            throw MakemoreError.invalidValue(name: Limits.maximum.name, rule: "above \(Limits.minimum.name) (\(minimum))", value: "\(maximum)")
        }
        self.minimum = minimum
        self.maximum = maximum
        self.steps = steps
    }

    /// The rate at `step` (0-based): minimum·(maximum/minimum)^(step/(steps − 1)).
    package func rate(at step: Int) -> Double {
        minimum * pow(maximum / minimum, Double(step) / Double(steps - 1))
    }

    /// Runs the sweep: each step of `step` (batches from `generator`) updates with
    /// `rate(at: step)`. Stops early once the loss is non-finite or its smoothed value exceeds
    /// four times the best so far (diverged: larger rates say nothing more).
    package func run(_ step: TrainingStep, using generator: inout RandomGenerator) -> LearningRateSweep {
        var rates: [Double] = [], losses: [Double] = []
        var average = 0.0, best = Double.infinity
        for index in 0..<steps {
            let rate = rate(at: index)
            let loss = Double(step(learningRate: rate, using: &generator))
            guard loss.isFinite else { break }
            rates.append(rate)
            losses.append(loss)
            average = LearningRateSweep.beta * average + (1 - LearningRateSweep.beta) * loss
            let smoothed = average / (1 - pow(LearningRateSweep.beta, Double(index + 1)))
            best = min(best, smoothed)
            if smoothed > 4 * best { break }
        }
        return LearningRateSweep(checked: rates, losses: losses)
    }

    /// Runs the sweep on the scalar losses `loss(step)` builds, updating `optimizer`.
    package func run(optimizer: Optimizer, loss: (Int) -> Tensor) -> LearningRateSweep {
        withoutActuallyEscaping(loss) { loss in
            var index = 0
            let step = TrainingStep(optimizer: optimizer) { _ in
                defer { index += 1 }
                return loss(index)
            }
            var unused = RandomGenerator(seed: 0)
            return run(step, using: &unused)
        }
    }
}

/// The (rate, minibatch loss) pairs of a range test and what they suggest.
public struct LearningRateSweep: Sendable {
    /// Smoothing factor of the loss's exponential moving average.
    package static let beta = 0.98

    public let rates: [Double]
    public let losses: [Double]

    /// A sweep's pairs: one loss per rate, every rate positive and finite (they are drawn on a
    /// log axis); throws otherwise.
    package init(rates: [Double], losses: [Double]) throws {
        guard losses.count == rates.count else {
            throw MakemoreError.invalidValue(name: "losses", rule: "one per rate (\(rates.count))", value: "\(losses.count) losses")
        }
        if let rate = rates.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw MakemoreError.invalidValue(name: "rate", rule: "positive and finite", value: "\(rate)")
        }
        self.rates = rates
        self.losses = losses
    }

    /// The pairs of a sweep this file ran: one loss per rate, each rate in `LearningRateFinder.Limits`.
    fileprivate init(checked rates: [Double], losses: [Double]) {
        self.rates = rates
        self.losses = losses
    }

    /// The losses smoothed by a bias-corrected moving average (factor `beta`).
    package var smoothed: [Double] { LineChart.smoothed(losses, beta: Self.beta) }

    /// The rate where the smoothed loss is lowest (nil for an empty sweep).
    package var minimumRate: Double? {
        smoothed.indices.min { smoothed[$0] < smoothed[$1] }.map { rates[$0] }
    }

    /// The rate where the smoothed loss falls fastest per decade of rate, up to the minimum:
    /// slopes over a window of a tenth of a decade either side; nil if the sweep is too short.
    package var steepestRate: Double? {
        let s = smoothed
        guard let end = s.indices.min(by: { s[$0] < s[$1] }), end > 0 else { return nil }
        let logRates = rates.map(log10)
        var best: (slope: Double, rate: Double)?
        var low = 0, high = 0
        for i in 0...end {
            while logRates[low] < logRates[i] - 0.1 { low += 1 }
            while high < end && logRates[high + 1] <= logRates[i] + 0.1 { high += 1 }
            guard high > low else { continue }
            let slope = (s[high] - s[low]) / (logRates[high] - logRates[low])
            if slope < best?.slope ?? 0 { best = (slope, rates[i]) }
        }
        return best?.rate
    }

    /// The suggested rate: a tenth of `minimumRate` (fast.ai's rule of thumb). The minimum sits
    /// at the edge of instability, so a tenth of it is fast yet safely below; it is usually
    /// close to `steepestRate`.
    public var suggestion: Double? { minimumRate.map { $0 / 10 } }

    /// Raw and smoothed loss against the rate on a log axis, with the suggestion marked.
    package func chart(title: String) -> LineChart {
        var series = [
            LineChart.Series(label: "minibatch loss", points: zip(rates, losses).map { ($0, $1) }, color: "#c7c7c7"),
            LineChart.Series(label: "smoothed", points: zip(rates, smoothed).map { ($0, $1) }, color: "#1f77b4"),
        ]
        if let suggestion, let low = smoothed.min(), let high = smoothed.max() {
            series.append(LineChart.Series(label: String(format: "suggested %.3g", suggestion),
                                           points: [(suggestion, low), (suggestion, high)], color: "#d62728"))
        }
        return LineChart(title: title, xLabel: "learning rate", yLabel: "loss (nats)", logX: true, series: series)
    }
}
