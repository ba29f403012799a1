import Foundation
import Testing
@testable import MakemoreKit

@Suite struct DiagnosticsTests {
    @Test func momentsAndSaturationOfKnownValues() {
        let m = Moments([1, 2, 3, 4])
        #expect(m.mean == 2.5 && abs(m.std - (5.0 / 3).squareRoot()) < 1e-12)  // unbiased, as torch.std
        let t = Tensor(shape: [2, 4], values: [0.99, -0.98, 0.5, 0, 0.97, -0.97, 0.1, -1])
        let stats = ActivationStatistics(name: "t", kind: "tanh", output: t, saturationThreshold: 0.97)
        #expect(stats.saturationPercent == 37.5)  // 0.99, −0.98, −1: strictly above 0.97
        #expect(stats.gradient == nil)
    }

    /// A hand-made network: Linear(2→2) with weights diag(10, 0.1) → tanh → sum. One input
    /// row saturates the first unit, the other does not; the gradients and the SGD update are
    /// known in closed form.
    @Test func aTinyNetworkGivesTheExpectedSnapshot() throws {
        let linear = Linear(weight: Tensor(shape: [2, 2], values: [10, 0, 0, 0.1], requiresGrad: true), bias: nil)
        let network = Sequential([linear, Tanh()])
        let diagnostics = TrainingDiagnostics(network: network, name: "net", parameters: prefixed("net", network.namedParameters()),
                                              every: 10, steps: 3)
        let optimizer = Optimizer(parameters: network.parameters, configuration: OptimizerConfiguration(kind: .sgd))
        let x = Tensor(shape: [2, 2], values: [1, 1, 0.01, 2])
        let lr = 0.5
        _ = try TrainingLoop(steps: 3, learningRate: lr).run(optimizer: optimizer, loss: { step in
            diagnostics.beforeUpdate(step: step)
            return network(x).sum()
        }, afterUpdate: diagnostics.afterUpdate)
        #expect(diagnostics.snapshots.map(\.step) == [1, 3])  // first and last; every 10 never comes
        let first = diagnostics.snapshots[0]
        let h: [Float] = [tanhf(10), tanhf(0.1), tanhf(0.1), tanhf(0.2)]
        let layer = try #require(first.activations.first)
        #expect(layer.name == "net.1" && layer.saturationPercent == 25)
        #expect(abs(layer.values.mean - Moments(h).mean) < 1e-6 && abs(layer.values.std - Moments(h).std) < 1e-6)
        #expect(layer.gradient == Moments([1, 1, 1, 1]))  // ∂Σ/∂h = 1
        // ∂W[i, j] = Σ_rows (1 − h²)·x[j]; for SGD, update = −lr·∂W, so update:data = lr·grad:data.
        let weight = try #require(first.parameters.first)
        let d = h.map { 1 - $0 * $0 }
        let grad: [Float] = [d[0] * 1 + d[2] * 0.01, d[0] * 1 + d[2] * 2, d[1] * 1 + d[3] * 0.01, d[1] * 1 + d[3] * 2]
        #expect(weight.name == "net.0.weight" && weight.shape == [2, 2])
        #expect(abs(weight.dataStd - Moments([10, 0, 0, 0.1]).std) < 1e-6)
        #expect(abs(weight.gradient.std - Moments(grad).std) < 1e-5)
        #expect(abs(weight.updateToDataLog10 - log10(lr * weight.gradientToData)) < 1e-4)
        #expect(first.table.contains("net.1 (tanh)") && first.table.contains("25.00 %"))
        #expect(first.json.serialized.contains("\"saturation_percent\":25"))
        #expect(diagnostics.updateRatioChart.series.map(\.label) == ["net.0.weight", "−3 (rule of thumb)"])
    }

    @Test func histogramBinsAndDensity() {
        let h = Histogram(values: [0, 0.1, 0.5, 1, 1, 7, .nan], bins: 2, range: 0...1)
        #expect(h.counts == [2, 3])  // 7 is outside, NaN skipped, 1 lands in the last bin
        #expect(h.density.map(\.x) == [0.25, 0.75])
        #expect(abs(h.density.map { $0.y * h.binWidth }.reduce(0, +) - 1) < 1e-12)
        #expect(Histogram(values: [3, 3]).counts.reduce(0, +) == 2)  // a single value still gets a bin
    }
}

@Suite struct LearningRateFinderTests {
    @Test func ratesGrowExponentiallyBetweenTheBounds() throws {
        let finder = try LearningRateFinder(minimum: 1e-3, maximum: 1, steps: 4)
        expectClose((0..<4).map { Float(finder.rate(at: $0)) }, [1e-3, 1e-2, 1e-1, 1], tolerance: 1e-6)
    }

    /// Minimising w² by SGD, w ← (1 − 2·lr)·w: the loss falls to ~0 and stays there until lr
    /// passes 1, where |1 − 2·lr| > 1 and it diverges, so the sweep stops early; the smoothed
    /// minimum lags a little behind the edge and a tenth of it is a safe rate.
    @Test func aQuadraticSweepStopsAtDivergenceAndSuggestsBelowTheEdge() throws {
        let w = Tensor(shape: [1], values: [1], requiresGrad: true)
        let finder = try LearningRateFinder(minimum: 1e-3, maximum: 100, steps: 200)
        let sweep = finder.run(optimizer: Optimizer(parameters: [w], configuration: OptimizerConfiguration(kind: .sgd))) { _ in (w * w).sum() }
        #expect(sweep.rates.count < 200)
        let minimum = try #require(sweep.minimumRate)
        #expect(minimum > 0.1 && minimum < 10)
        #expect(try #require(sweep.suggestion) < 1)
        #expect(sweep.suggestion == minimum / 10)
        #expect(sweep.chart(title: "t").logX)
    }
}
