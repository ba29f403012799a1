import Foundation

/// Mean and standard deviation of some numbers, summed in Double. The standard deviation is
/// the unbiased one (divides by n − 1), as `torch.std` in the lecture's diagnostics.
package struct Moments: Sendable, Equatable {
    package let mean: Double
    package let std: Double

    /// The moments of `values` (std 0 for fewer than two values).
    package init(_ values: [Float]) {
        let n = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / max(n, 1)
        let squares = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        self.mean = mean
        std = n > 1 ? (squares / (n - 1)).squareRoot() : 0
    }
}

/// The health of one layer's output in one step: its spread, how many tanh units are stuck in
/// the flat tails, and how large the gradient flowing back into it is.
package struct ActivationStatistics: Sendable {
    /// State-dict prefix of the layer (`layers.2`).
    package let name: String
    package let kind: String
    package let values: Moments
    /// Percentage of |t| > the threshold (tanh layers only): there the local gradient
    /// 1 − t² < 0.06, so the unit barely learns.
    package let saturationPercent: Double?
    /// Moments of ∂loss/∂output, nil when no gradient reached the layer.
    package let gradient: Moments?

    /// The statistics of `output` (after `backward()`, which fills its gradient).
    package init(name: String, kind: String, output: Tensor, saturationThreshold: Float?) {
        self.name = name
        self.kind = kind
        let v = output.values
        values = Moments(v)
        saturationPercent = saturationThreshold.map { t in 100 * Double(v.filter { abs($0) > t }.count) / Double(max(1, v.count)) }
        gradient = output.gradValues.map(Moments.init)
    }
}

/// The health of one weight matrix in one step.
package struct ParameterStatistics: Sendable {
    package let name: String
    package let shape: [Int]
    /// std of the weights before the update.
    package let dataStd: Double
    package let gradient: Moments
    /// std(grad)/std(data): how big the gradient is next to the weights it moves.
    package let gradientToData: Double
    /// log10(std(update)/std(data)) with update = after − before: the lecture's rule of thumb
    /// wants ≈ −3 (each step changes the weights by a thousandth of their spread).
    package let updateToDataLog10: Double

    /// The statistics of `parameter` (updated in place) given its values `before` the update.
    package init(name: String, parameter: Tensor, before: [Float]) {
        self.name = name
        shape = parameter.shape
        let after = parameter.values
        dataStd = Moments(before).std
        gradient = Moments(parameter.gradValues ?? [Float](repeating: 0, count: after.count))
        gradientToData = gradient.std / dataStd
        updateToDataLog10 = log10(Moments(zip(after, before).map { $0 - $1 }).std / dataStd)
    }
}

/// Everything measured at one step, with histograms for the plots.
public struct DiagnosticsSnapshot: Sendable {
    /// Steps done (1-based).
    public let step: Int
    package let activations: [ActivationStatistics]
    package let parameters: [ParameterStatistics]
    /// Per watched layer: histograms of its output and of the gradient into it.
    package let activationHistograms: [(name: String, values: Histogram, gradients: Histogram?)]
    /// Per weight: histogram of its gradient.
    package let weightGradientHistograms: [(name: String, gradients: Histogram)]

    /// The snapshot as one object of the `diagnostics` array of `--json`.
    public var json: JSONValue {
        func moments(_ prefix: String, _ m: Moments?) -> [(String, JSONValue)] {
            [("\(prefix)mean", .number(m?.mean)), ("\(prefix)std", .number(m?.std))]
        }
        let layers = activations.map { a -> JSONValue in
            .object([("name", .string(a.name)), ("kind", .string(a.kind))] + moments("", a.values)
                    + [("saturation_percent", .number(a.saturationPercent))] + moments("grad_", a.gradient))
        }
        let weights = parameters.map { p -> JSONValue in
            .object([("name", .string(p.name)), ("shape", .array(p.shape.map(JSONValue.integer))), ("data_std", .number(p.dataStd))]
                    + moments("grad_", p.gradient)
                    + [("grad_to_data", .number(p.gradientToData)), ("update_to_data_log10", .number(p.updateToDataLog10))])
        }
        return .object([("step", .integer(step)), ("layers", .array(layers)), ("parameters", .array(weights))])
    }

    /// Two aligned text tables, activations then weights.
    public var table: String {
        func row(_ cells: [String], _ widths: [Int]) -> String {
            zip(cells, widths).enumerated().map { i, cell in
                i == 0 ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, cell.1 - cell.0.count)) + cell.0
            }.joined(separator: "  ")
        }
        func table(_ rows: [[String]]) -> [String] {
            let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
            return rows.map { "  " + row($0, widths) }
        }
        func g(_ x: Double?) -> String { x.map { String(format: "%.3g", $0) } ?? "—" }
        let layerRows = [["layer", "mean", "std", "saturated", "grad mean", "grad std"]] + activations.map {
            ["\($0.name) (\($0.kind))", String(format: "%+.4f", $0.values.mean), String(format: "%.4f", $0.values.std),
             $0.saturationPercent.map { String(format: "%.2f %%", $0) } ?? "—", g($0.gradient?.mean), g($0.gradient?.std)]
        }
        let weightRows = [["weight", "shape", "data std", "grad mean", "grad std", "grad:data", "log10 update:data"]] + parameters.map {
            [$0.name, $0.shape.map(String.init).joined(separator: "×"), String(format: "%.4f", $0.dataStd), g($0.gradient.mean),
             g($0.gradient.std), g($0.gradientToData), String(format: "%.2f", $0.updateToDataLog10)]
        }
        return (["diagnostics after step \(step):"] + (activations.isEmpty ? [] : table(layerRows)) + table(weightRows))
            .joined(separator: "\n")
    }
}

/// Training diagnostics (lecture 4, "Activations & Gradients, BatchNorm"): at chosen steps,
/// statistics of every tanh layer's output and of every weight matrix, with the update each
/// step made. Wire it into `TrainingLoop.run`: `beforeUpdate(step:)` at the start of the loss
/// closure (before the forward pass), `afterUpdate(step:)` as its `afterUpdate`.
package final class TrainingDiagnostics {
    /// The snapshots taken so far, in step order.
    package private(set) var snapshots: [DiagnosticsSnapshot] = []
    /// A snapshot is taken after the first step, every `every` steps, and after the last.
    package let every: Int
    package let steps: Int
    /// |t| above this counts as saturated.
    package let saturationThreshold: Float
    private let network: Sequential
    private let networkName: String
    private let weights: [(name: String, tensor: Tensor)]
    private var before: [[Float]]?

    /// Diagnostics of `network` (named `name` in the state dict) and of the two-dimensional
    /// tensors among `parameters`.
    package init(network: Sequential, name: String, parameters: [(name: String, tensor: Tensor)], every: Int, steps: Int,
                saturationThreshold: Float = 0.97) {
        precondition(every >= 1)
        self.network = network
        networkName = name
        weights = parameters.filter { $0.tensor.shape.count == 2 }
        self.every = every
        self.steps = steps
        self.saturationThreshold = saturationThreshold
    }

    /// Whether step `step` (0-based) is diagnosed.
    package func isDiagnosed(step: Int) -> Bool { step == 0 || (step + 1) % every == 0 || step + 1 == steps }

    /// Call before step `step`'s forward pass: records the network's outputs and keeps the
    /// weights' values on diagnosed steps.
    package func beforeUpdate(step: Int) {
        network.recordsOutputs = isDiagnosed(step: step)
        before = network.recordsOutputs ? weights.map(\.tensor.values) : nil
    }

    /// Call after step `step`'s update: takes the snapshot on diagnosed steps.
    package func afterUpdate(step: Int) {
        guard let before else { return }
        self.before = nil
        network.recordsOutputs = false
        let watched = zip(network.layers.indices, network.layers).filter { $0.1 is Tanh }.map { index, _ in
            ("\(networkName).\(index)", network.lastOutputs[index])
        }
        let parameters = zip(weights, before).map { ParameterStatistics(name: $0.0.name, parameter: $0.0.tensor, before: $0.1) }
        snapshots.append(DiagnosticsSnapshot(
            step: step + 1,
            activations: watched.map { ActivationStatistics(name: $0.0, kind: "tanh", output: $0.1, saturationThreshold: saturationThreshold) },
            parameters: parameters,
            activationHistograms: watched.map { ($0.0, Histogram(values: $0.1.values, range: -1...1), $0.1.gradValues.map { Histogram(values: $0) }) },
            weightGradientHistograms: weights.map { ($0.name, Histogram(values: $0.tensor.gradValues ?? [])) }))
    }

    /// log10(update:data) of every weight over the snapshots, with the −3 guide.
    package var updateRatioChart: LineChart {
        var series = weights.indices.map { w in
            LineChart.Series(label: weights[w].name, points: snapshots.map { (Double($0.step), $0.parameters[w].updateToDataLog10) },
                             color: Histogram.palette[w % Histogram.palette.count])
        }
        if let first = snapshots.first, let last = snapshots.last {
            series.append(LineChart.Series(label: "−3 (rule of thumb)", points: [(Double(first.step), -3), (Double(last.step), -3)], color: "#000000"))
        }
        return LineChart(title: "update:data ratio", xLabel: "step", yLabel: "log10(std(update)/std(data))", series: series)
    }

    /// The names `writePlots` gives its per-snapshot histograms, before `-STEP.svg`.
    static let snapshotPlots = ["activations", "activation-gradients", "weight-gradients"]
    /// The name of `writePlots`' update:data chart.
    static let updateRatioPlot = "update-ratio.svg"

    /// Whether `writePlots` may write a file called `name`: `update-ratio.svg`, or a snapshot's
    /// histogram (`activations-STEP.svg`, …).
    package static func isPlotName(_ name: String) -> Bool {
        guard name != updateRatioPlot else { return true }
        guard name.hasSuffix(".svg"), case let stem = name.dropLast(4), let dash = stem.lastIndex(of: "-") else { return false }
        let step = stem[stem.index(after: dash)...]
        return snapshotPlots.contains(String(stem[..<dash])) && !step.isEmpty && step.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Writes to `directory` (created if missing): per snapshot `activations-STEP.svg`,
    /// `activation-gradients-STEP.svg` and `weight-gradients-STEP.svg`, and `update-ratio.svg`;
    /// every file atomically. Returns the paths written.
    @discardableResult
    package func writePlots(directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MakemoreError.file(path: directory, reason: "cannot create the directory")
        }
        var written: [String] = []
        func write(_ chart: LineChart, _ file: String) throws {
            let path = (directory as NSString).appendingPathComponent(file)
            try AtomicFile.write(chart.svg(), to: path)
            written.append(path)
        }
        for s in snapshots {
            let layers = s.activations
            try write(Histogram.chart(title: "activations after step \(s.step)", xLabel: "tanh output",
                                      zip(layers, s.activationHistograms).map {
                                          (String(format: "%@: std %.2f, saturated %.1f %%", $0.0.name, $0.0.values.std, $0.0.saturationPercent ?? 0), $0.1.values)
                                      }), "\(Self.snapshotPlots[0])-\(s.step).svg")
            try write(Histogram.chart(title: "activation gradients after step \(s.step)", xLabel: "∂loss/∂output",
                                      zip(layers, s.activationHistograms).compactMap { layer, h in
                                          h.gradients.map { (String(format: "%@: std %.3g", layer.name, layer.gradient?.std ?? 0), $0) }
                                      }), "\(Self.snapshotPlots[1])-\(s.step).svg")
            try write(Histogram.chart(title: "weight gradients after step \(s.step)", xLabel: "∂loss/∂weight",
                                      zip(s.parameters, s.weightGradientHistograms).map {
                                          (String(format: "%@: grad:data %.3g", $0.0.name, $0.0.gradientToData), $0.1.gradients)
                                      }), "\(Self.snapshotPlots[2])-\(s.step).svg")
        }
        try write(updateRatioChart, Self.updateRatioPlot)
        return written
    }
}
