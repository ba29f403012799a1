import Foundation
import Testing
@testable import MakemoreKit

/// The charts' tick and layout helpers: ticks a reader can take in, legends that fit, labels
/// that do not hide each other, densities that never go below zero.
@Suite struct ChartLayoutTests {
    @Test func linearTicksAreOneTwoFiveStepsInsideTheRange() {
        #expect(AxisTicks.step(span: 1, maximumCount: 6) == 0.2)
        #expect(AxisTicks.step(span: 200_000, maximumCount: 6) == 50_000)
        #expect(AxisTicks.step(span: 4000, maximumCount: 6) == 1000)
        #expect(AxisTicks.step(span: 0.0018, maximumCount: 6) == 0.0005)
        let loss = AxisTicks.linear(1.93, 3.31)
        #expect(loss.values.first! >= 1.93 && loss.values.last! <= 3.31)
        #expect(loss.labels == ["2.0", "2.5", "3.0"])
        #expect(AxisTicks.linear(1.93, 3.31, maximumCount: 7).labels == ["2.0", "2.2", "2.4", "2.6", "2.8", "3.0", "3.2"])
        for ticks in [AxisTicks.linear(1.93, 3.31), AxisTicks.linear(-0.00091, 0.00093), AxisTicks.linear(1, 4001, thousands: true)] {
            let steps = zip(ticks.values.dropFirst(), ticks.values).map { $0 - $1 }
            let step = steps[0]
            #expect(steps.allSatisfy { abs($0 - step) < step * 1e-9 })
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1, 2, 5].contains { abs(mantissa - Double($0)) < 1e-9 })
        }
    }

    @Test func stepCountsGetThousandsAndTheLastTickIsInsideTheRun() {
        let run = AxisTicks.linear(1, 200_000, maximumCount: 7, thousands: true)
        #expect(run.labels == ["50k", "100k", "150k", "200k"])
        #expect(run.values.last == 200_000)
        #expect(AxisTicks.linear(1, 4001, maximumCount: 6, thousands: true).labels == ["1000", "2000", "3000", "4000"])
        #expect(AxisTicks.linear(1, 22_000, maximumCount: 6, thousands: true).labels == ["5k", "10k", "15k", "20k"])
    }

    @Test func tinyValuesShareOnePowerOfTen() {
        let gradients = AxisTicks.linear(-0.00091, 0.00093, maximumCount: 6)
        #expect(gradients.scaleNote == " (×10⁻⁴)")
        #expect(gradients.labels.contains("0") && gradients.labels.allSatisfy { $0.count <= 3 })
        #expect(!gradients.labels.contains { $0.contains("e") })
        #expect(AxisTicks.linear(-0.5, 0.5).labels.first == "−0.4")
    }

    @Test func logarithmicTicksAreDecades() {
        let rates = AxisTicks.logarithmic(1e-4, 10)
        #expect(rates.values == [1e-4, 1e-3, 1e-2, 1e-1, 1, 10])
        #expect(rates.labels == ["0.0001", "0.001", "0.01", "0.1", "1", "10"])
        #expect(AxisTicks.logarithmic(1e-7, 1e-5).labels == ["10⁻⁷", "10⁻⁶", "10⁻⁵"])
        #expect(AxisTicks.logarithmic(0.02, 0.3).labels == ["0.02", "0.05", "0.1", "0.2"])
    }

    @Test func densitiesStartAtZeroAndLegendsAreNotClipped() throws {
        let histogram = Histogram(values: (0..<1000).map { Float($0 % 37) * 1e-5 }, bins: 20)
        let label = "layer 3 (tanh): std 0.64, saturated 12.5 %"
        let svg = Histogram.chart(title: "t", xLabel: "x", [(label, histogram)]).svg()
        #expect(!svg.contains(">−"))  // no negative density tick
        let canvas = try #require(svg.firstMatch(of: /width="(\d+)"/).map { Double($0.1)! })
        let legend = try #require(svg.firstMatch(of: /<text x="([0-9.]+)"[^>]*>layer 3/).map { Double($0.1)! })
        #expect(legend + LineChart.textWidth(label, size: 12) <= canvas)
        #expect(svg.contains("layer 3 (tanh): std 0.64, saturated 12.5 %"))
    }

    @Test func longRunsAreAveragedIntoAFewHundredPoints() {
        let noisy = (0..<200_000).map { 2 + ($0 % 2 == 0 ? 0.5 : -0.5) }
        let window = LineChart.smoothingWindow(steps: noisy.count)
        #expect(window == 2000)
        let points = LineChart.windowMeans(noisy, firstX: 1, window: window)
        #expect(points.count == 600 && points.first!.x == 1 && points.last!.x == 200_000)
        #expect(points.allSatisfy { abs($0.y - 2) < 1e-3 })
        #expect(LineChart.smoothingWindow(steps: 300) == 25 && LineChart.smoothingWindow(steps: 3) == 1)
        #expect(LineChart.windowMeans([1, 2, 3], firstX: 5, window: 1).map(\.y) == [1, 2, 3])
    }

    @Test func embeddingLabelsDoNotOverlapAndStayInside() {
        let anchors = [(x: 100.0, y: 100.0), (100, 100), (100, 100), (103, 101), (300, 300), (12, 12)]
        let placed = EmbeddingChart.separate(anchors, radius: 10, within: (10, 10, 390, 390))
        for i in placed.indices {
            #expect(placed[i].x >= 10 && placed[i].x <= 390 && placed[i].y >= 10 && placed[i].y <= 390)
            for j in placed.indices where j > i { #expect(hypot(placed[i].x - placed[j].x, placed[i].y - placed[j].y) >= 20) }
        }
        #expect(placed[4].x == 300 && placed[4].y == 300 && placed[5].x == 12 && placed[5].y == 12)  // labels with room stay put
    }

    @Test func probabilityBarsUseTheHeight() {
        let chart = ProbabilityChart(title: "t", symbols: ["a", "b", "."], series: [.init(label: "m", probabilities: [0.31, 0.12, 0.44])])
        #expect(chart.axisTop == 0.5)
        #expect(ProbabilityChart(title: "t", symbols: ["a"], series: [.init(label: "m", probabilities: [0.97])]).axisTop == 1)
    }
}
