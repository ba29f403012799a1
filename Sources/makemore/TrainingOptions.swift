import Foundation
import MakemoreKit

/// A trained stage's defaults for the shared training options.
struct TrainingDefaults {
    var steps: Int
    var learningRate: Double
    var optimizer: OptimizerKind
    var schedule: String
    var batchSize: String
    var weightDecay: Double = 0
    /// Whether weight decay spares biases and norm gains by default.
    var decaysMatricesOnly = false
    var warmup: Int = 0
    /// Where the step schedule decays, if not half-way.
    var decayAt: Int?
    /// Evaluate (and keep the best state) every this many steps, if the stage does by default.
    var evaluateEvery: Int?
    /// The decay of the moving average of the weights the stage keeps by default, if any.
    var ema: Double?
    /// How minibatches draw training examples by default.
    var sampling: BatchOrder = .replacement
}

/// The options every trained stage shares, and what they resolve to.
struct TrainingOptions {
    let steps: Int
    let learningRate: Double
    let optimizer: OptimizerConfiguration
    let schedule: LearningRateSchedule
    /// Examples (or words, for sequence models) per step; nil means the whole training set.
    let batchSize: Int?
    /// How minibatches draw training examples.
    let sampling: BatchOrder
    let evaluateEvery: Int?
    /// The decay of the moving average of the weights evaluated and kept instead of the last
    /// step's, if any.
    let ema: Double?
    let plotLoss: String?
    let log: String?
    let showsProgress: Bool

    static func options(_ d: TrainingDefaults) -> [Option] {
        [
            Option("steps", value: "N", default: String(d.steps), "optimisation steps"),
            Option("lr", value: "RATE", default: String(d.learningRate), "base learning rate"),
            Option("optimizer", value: "NAME", default: d.optimizer.rawValue, OptimizerKind.allCases.map(\.rawValue).joined(separator: " | ")),
            Option("schedule", value: "NAME", default: d.schedule, "learning-rate schedule: constant | step (×0.1 half-way, or at --decay-at) | cosine"),
            Option("decay-at", value: "STEP", default: d.decayAt.map(String.init), "step at which the step schedule multiplies the rate by 0.1"),
            Option("warmup", value: "N", default: String(d.warmup), "warm-up steps of the cosine schedule"),
            Option("weight-decay", value: "L", default: String(d.weightDecay), "weight decay (AdamW: decoupled; others: L2 added to the gradient)"),
            Option("weight-decay-on", value: "WHAT", default: d.decaysMatricesOnly ? "matrices" : "all",
                   "what --weight-decay applies to: all (every parameter) | matrices (weights and embeddings, not biases or norm gains)"),
            Option("batch-size", value: "N", default: d.batchSize, "examples per step (full: the whole training set)"),
            Option("sampling", value: "ORDER", default: d.sampling.rawValue,
                   "how batches draw examples: replacement (independent draws, makemore.py) | epochs (each example once per shuffled pass)"),
            Option("eval-every", value: "N", default: d.evaluateEvery.map(String.init), "evaluate the val loss every N steps and keep the best state"),
            Option("ema", value: "DECAY|off", default: d.ema.map { String($0) },
                   "evaluate and keep an exponential moving average of the weights, updated every step (e.g. 0.999)"),
            Option("plot-loss", value: "FILE.svg", "write the training curve (smoothed) and val losses as SVG"),
            Option("log", value: "FILE.jsonl", "write one JSON line per step: step, loss, lr, and val_loss where evaluated"),
            Option(flag: "quiet", "no progress on stderr"),
        ]
    }

    init(_ arguments: ParsedArguments) throws {
        steps = try arguments.int("steps", in: 0...100_000_000)!
        learningRate = try arguments.double("lr", in: 0...1e6)!
        let kind = OptimizerKind(rawValue: try arguments.choice("optimizer", OptimizerKind.allCases.map(\.rawValue))!)!
        var configuration = OptimizerConfiguration(kind: kind)
        configuration.weightDecay = Float(try arguments.double("weight-decay", in: 0...1e6)!)
        configuration.decaysMatricesOnly = try arguments.choice("weight-decay-on", ["all", "matrices"])! == "matrices"
        optimizer = configuration
        let name = try arguments.choice("schedule", LearningRateSchedule.names)!
        let decayAt = try arguments.int("decay-at", in: 0...Int.max)
        let warmup = try arguments.int("warmup", in: 0...Int.max)!
        schedule = LearningRateSchedule.named(name, steps: steps, decayAt: decayAt, warmup: warmup)!
        let batch = arguments.string("batch-size")!
        batchSize = batch == "full" ? nil : try arguments.int("batch-size", in: 1...10_000_000)
        sampling = BatchOrder(rawValue: try arguments.choice("sampling", BatchOrder.allCases.map(\.rawValue))!)!
        evaluateEvery = try arguments.int("eval-every", in: 1...Int.max)
        let emaText = arguments.string("ema")
        ema = try emaText.flatMap { text in
            if text == "off" { return nil }
            guard let decay = Double(text), (0..<1).contains(decay) else {
                throw UsageError("option '--ema' expects a decay in [0, 1) or 'off', got '\(text)'")
            }
            return decay
        }
        plotLoss = arguments.string("plot-loss")
        log = arguments.string("log")
        showsProgress = !arguments.flag("quiet")
    }

    /// The shared loop for these settings: Ctrl-C stops it cleanly, and `model` ends the run
    /// with its state at the best validation loss seen (`--eval-every`).
    func loop(keepingBest model: any Module, optimizer: Optimizer) -> TrainingLoop {
        InterruptMonitor.shared.install()
        var loop = TrainingLoop(steps: steps, learningRate: learningRate, schedule: schedule, evaluateEvery: evaluateEvery,
                                progress: ProgressReporter(total: steps, enabled: showsProgress))
        loop.interrupt = .shared
        loop.keepBest = model
        loop.average = ema.map { ExponentialMovingAverage(parameters: optimizer.parameters, decay: $0) }
        return loop
    }

    /// Records `history` in `report`, with the batch order if the run drew minibatches.
    func record(_ history: TrainingHistory, in report: inout StageReport) {
        report.record(history)
        if history.steps > 0 && batchSize != nil { report.sampling = sampling }
    }

    /// Writes the `--plot-loss` chart and the `--log` lines of `history`, if asked.
    func writeOutputs(_ history: TrainingHistory, model: String) throws {
        if let log { try AtomicFile.write(history.jsonLines(schedule: schedule, learningRate: learningRate), to: log) }
        guard let path = plotLoss else { return }
        let raw = history.losses.map(Double.init)
        let smoothed = LineChart.smoothed(raw)
        var series = [LineChart.Series(label: "train (smoothed)", points: smoothed.enumerated().map { (Double($0.offset + 1), $0.element) }, color: "#1f77b4")]
        if !history.evaluations.isEmpty {
            series.append(LineChart.Series(label: "val", points: history.evaluations.map { (Double($0.step), $0.loss) }, color: "#d62728", markers: true))
        }
        let chart = LineChart(title: "\(model): loss", xLabel: "step", yLabel: "NLL (nats)", series: series)
        try AtomicFile.write(chart.svg(), to: path)
    }
}
