import Foundation
import MakemoreKit

/// The training options every trained stage shares, read into the library's
/// `TrainingConfiguration` (over the stage's defaults), and where the run's curve and log go.
struct TrainingOptions {
    var configuration: TrainingConfiguration
    /// `--plot-loss`: the training curve as SVG.
    var plotLoss: String?
    /// `--log`: one JSON line per step.
    var log: String?
    var quiet = false
    /// `--sample-every N`: show a few samples every N steps on stderr.
    var sampleEvery: Int?
    /// `--resume`: the checkpoint or state dict whose training continues.
    var resume: String?
    /// `--stop-at`: stop after this many steps, keeping the schedule of `--steps`.
    var stopAt: Int?
    /// `--save-every N`: write `--save` every N steps while training.
    var saveEvery: Int?
    /// `--tensorboard DIR`: TensorBoard event files.
    var tensorboard: String?
    /// Whether `--steps` was given (a resumed run otherwise keeps its own).
    var stepsGiven = false
    /// The training options given besides `--steps`, `--stop-at` and the outputs (a resumed
    /// run keeps the settings it was started with).
    var settingsGiven: [String] = []
    /// The model's and the step's flags given (a resumed run keeps its model and its threads,
    /// whose count fixes its random streams).
    var modelFlagsGiven: [String] = []

    /// A default that follows `--steps`: "150000 (75 % of --steps)".
    static func fractionOfSteps(_ fraction: Double, _ steps: Int) -> String {
        "\(steps) (" + String(format: "%.3g", 100 * fraction) + " % of --steps)"
    }

    /// The options, their defaults printed from `d`; `wholeWords` for the stages whose
    /// examples are whole words (batches of words, evaluated every tenth of the run).
    static func options(_ d: TrainingConfiguration, wholeWords: Bool = false) -> [Option] {
        let unit = wholeWords ? "words" : "examples (a character and its context)"
        return [
            Option("steps", value: "N", limit: TrainingConfiguration.Limits.steps, default: String(d.steps), "optimisation steps"),
            Option("lr", value: "RATE", limit: TrainingConfiguration.Limits.learningRate, default: String(d.learningRate), "base learning rate"),
            Option("optimizer", value: "NAME", default: d.optimizer.kind.rawValue, OptimizerKind.allCases.map(\.rawValue).joined(separator: " | ")),
            Option("schedule", value: "NAME", default: d.schedule.rawValue, "learning-rate schedule: constant | step (×0.1 half-way, or at --decay-at) | cosine"),
            Option("decay-at", value: "STEP", limit: TrainingConfiguration.Limits.decayAt,
                   default: d.decayAt.map(String.init) ?? fractionOfSteps(d.decayFraction ?? 0.5, d.decayStep), "step at which the step schedule multiplies the rate by 0.1"),
            Option("warmup", value: "N", limit: TrainingConfiguration.Limits.warmup,
                   default: d.warmup.map(String.init) ?? d.warmupFraction.map { fractionOfSteps($0, d.warmupSteps) } ?? "0", "warm-up steps of the cosine schedule"),
            Option("weight-decay", value: "L", limit: TrainingConfiguration.Limits.weightDecay, default: String(d.optimizer.weightDecay), "weight decay (AdamW: decoupled; others: L2 added to the gradient)"),
            Option("weight-decay-on", value: "WHAT", default: d.optimizer.decaysMatricesOnly ? "matrices" : "all",
                   "what --weight-decay applies to: all (every parameter) | matrices (weights and embeddings, not biases or norm gains)"),
            Option("batch-size", value: "N", limit: TrainingConfiguration.Limits.batchSize, default: d.batchSize.map(String.init) ?? "full", "\(unit) per step (full: the whole training set)"),
            Option("sampling", value: "ORDER", default: d.sampling.rawValue,
                   "how batches draw examples: replacement (independent draws, makemore.py) | epochs (each example once per shuffled pass)"),
            Option("eval-every", value: "N", limit: TrainingConfiguration.Limits.evaluateEvery,
                   default: d.evaluateEvery.map(String.init) ?? (wholeWords ? "a tenth of --steps, at most 500" : nil), "evaluate the val loss every N steps and keep the best state"),
            Option("ema", value: "DECAY|off", limit: TrainingConfiguration.Limits.ema, default: d.ema.map { String($0) },
                   "evaluate and keep an exponential moving average of the weights, updated every step (e.g. 0.999)"),
            Option("plot-loss", value: "FILE.svg", "write the training curve (smoothed) and val losses as SVG"),
            Option("log", value: "FILE.jsonl", "write one JSON line per step: step, loss, lr, and val_loss where evaluated"),
            Option(flag: "quiet", "no progress on stderr"),
            Option("sample-every", value: "N", "every N steps, show 5 samples on stderr, tagged new or in train (their own random stream: the run is unchanged)"),
            Option("resume", value: "FILE", "continue training FILE's model to --steps in total: exactly where its run stopped when FILE holds the run's state (--stop-at, Ctrl-C), else its weights only"),
            Option("stop-at", value: "STEP", limit: TrainingConfiguration.Limits.stopAt, "stop after STEP steps, keeping the schedule of --steps; --save then stores the state --resume continues"),
            Option("save-every", value: "N", "every N steps write --save atomically while training: the best model so far (with evaluations) and the state --resume continues"),
            Option("tensorboard", value: "DIR", "write TensorBoard event files to DIR while training (train/val/test loss, learning rate, steps/s, samples)"),
        ]
    }

    /// The options given over the stage's defaults `d`; a changed optimizer keeps `d`'s betas.
    init(_ arguments: ParsedArguments, defaults d: TrainingConfiguration) throws {
        var c = d
        c.steps = try arguments.int("steps") ?? d.steps
        c.learningRate = try arguments.double("lr") ?? d.learningRate
        if let kind = try arguments.choice("optimizer", OptimizerKind.self), kind != d.optimizer.kind {
            c.optimizer = OptimizerConfiguration(kind: kind)
            c.optimizer.beta1 = d.optimizer.beta1
            c.optimizer.beta2 = d.optimizer.beta2
        }
        c.optimizer.weightDecay = try arguments.float("weight-decay") ?? d.optimizer.weightDecay
        c.optimizer.decaysMatricesOnly = try arguments.choice("weight-decay-on", ["all", "matrices"]).map { $0 == "matrices" } ?? d.optimizer.decaysMatricesOnly
        c.schedule = try arguments.choice("schedule", LearningRateSchedule.Kind.self) ?? d.schedule
        c.decayAt = try arguments.int("decay-at") ?? d.decayAt
        c.warmup = try arguments.int("warmup") ?? d.warmup
        if let batch = arguments.string("batch-size") {
            c.batchSize = batch == "full" ? nil : try arguments.int("batch-size")
        }
        c.sampling = try arguments.choice("sampling", BatchOrder.self) ?? d.sampling
        c.evaluateEvery = try arguments.int("eval-every") ?? d.evaluateEvery
        if let text = arguments.string("ema") {
            if text == "off" {
                c.ema = nil
            } else {
                guard let decay = Double(text) else { throw UsageError("option '--ema' expects a decay in [0, 1) or 'off', got '\(text)'") }
                c.ema = try TrainingConfiguration.Limits.ema.check(decay)
            }
        }
        configuration = c
        plotLoss = arguments.string("plot-loss")
        log = arguments.string("log")
        quiet = arguments.flag("quiet")
        sampleEvery = try arguments.int("sample-every", in: StageRun.Limits.sampleEvery.range)
        resume = arguments.string("resume")
        stopAt = try arguments.int("stop-at")
        saveEvery = try arguments.int("save-every", in: StageRun.Limits.saveEvery.range)
        tensorboard = arguments.string("tensorboard")
        stepsGiven = arguments.given("steps")
        settingsGiven = ["lr", "optimizer", "schedule", "decay-at", "warmup", "weight-decay", "weight-decay-on", "batch-size", "sampling",
                         "eval-every", "ema"].filter(arguments.given)
        modelFlagsGiven = ["preset", "layers", "heads", "embedding", "hidden", "context", "positions", "activation", "dropout", "init",
                           "bn-momentum", "block-size", "l2", "threads"].filter(arguments.given)
    }
}

/// `--diagnose`, `--diagnose-every`, `--plot-diagnostics` of the window-network stages.
struct DiagnosticsOptions {
    /// Snapshot period, if diagnostics were asked for.
    var every: Int?
    /// Where the diagnostics plots go.
    var plotDirectory: String?

    static let options = [
        Option(flag: "diagnose", "print per-layer activation, gradient and update:data statistics on stderr (and in --json)"),
        Option("diagnose-every", value: "N", limit: TrainingConfiguration.Limits.diagnosticsEvery, "diagnose after the first step, every N steps and after the last (default: steps/10)"),
        Option("plot-diagnostics", value: "DIR", "with the diagnostics, write SVG histograms per layer and the update:data ratio over time to DIR"),
    ]

    init(_ arguments: ParsedArguments, steps: Int) throws {
        plotDirectory = arguments.string("plot-diagnostics")
        if arguments.flag("diagnose") || plotDirectory != nil || arguments.given("diagnose-every") {
            every = try arguments.int("diagnose-every") ?? max(1, steps / 10)
        }
    }
}
