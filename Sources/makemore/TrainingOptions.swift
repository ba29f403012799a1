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
    /// The model's flags given (a resumed run keeps its model, and its threads, whose count
    /// fixes its random streams).
    var modelFlagsGiven: [String] = []

    /// A default that follows `--steps`: "150000 (75 % of --steps)".
    static func fractionOfSteps(_ fraction: Double, _ steps: Int) -> String {
        "\(steps) (" + String(format: "%.3g", 100 * fraction) + " % of --steps)"
    }

    /// The settings of a `TrainingConfiguration` the options set; `wholeWords` for the stages
    /// whose examples are whole words (batches of words, evaluated every tenth of the run).
    static func settings(wholeWords: Bool = false) -> [Setting<TrainingConfiguration>] {
        typealias L = TrainingConfiguration.Limits
        let unit = wholeWords ? "words" : "examples (a character and its context)"
        return [
            Setting("steps", \.steps, value: "N", limit: L.steps, "optimisation steps"),
            Setting("lr", \.learningRate, value: "RATE", limit: L.learningRate, "base learning rate"),
            // A changed optimizer takes its own defaults but keeps the run's betas and weight decay.
            Setting("optimizer", option: { Option("optimizer", value: "NAME", default: $0.optimizer.kind.rawValue, OptimizerKind.allCases.map(\.rawValue).joined(separator: " | ")) }) { arguments, c in
                guard let kind = try arguments.choice("optimizer", OptimizerKind.self), kind != c.optimizer.kind else { return }
                var optimizer = OptimizerConfiguration(kind: kind, weightDecay: c.optimizer.weightDecay)
                (optimizer.beta1, optimizer.beta2, optimizer.decaysMatricesOnly) = (c.optimizer.beta1, c.optimizer.beta2, c.optimizer.decaysMatricesOnly)
                c.optimizer = optimizer
            },
            Setting("schedule", \.schedule, value: "NAME", "learning-rate schedule: constant | step (×0.1 half-way, or at --decay-at) | cosine"),
            Setting("decay-at", \.decayAt, value: "STEP", limit: L.decayAt, default: { $0.decayAt.map(String.init) ?? fractionOfSteps($0.decayFraction ?? 0.5, $0.decayStep) },
                    "step at which the step schedule multiplies the rate by 0.1"),
            Setting("warmup", \.warmup, value: "N", limit: L.warmup, default: { d in d.warmup.map(String.init) ?? d.warmupFraction.map { fractionOfSteps($0, d.warmupSteps) } ?? "0" },
                    "warm-up steps of the cosine schedule"),
            Setting("weight-decay", \.optimizer.weightDecay, value: "L", limit: L.weightDecay, "weight decay (AdamW: decoupled; others: L2 added to the gradient)"),
            Setting("weight-decay-on", option: {
                Option("weight-decay-on", value: "WHAT", default: $0.optimizer.decaysMatricesOnly ? "matrices" : "all",
                       "what --weight-decay applies to: all (every parameter) | matrices (weights and embeddings, not biases or norm gains)")
            }) { arguments, c in
                if let what = try arguments.choice("weight-decay-on", ["all", "matrices"]) { c.optimizer.decaysMatricesOnly = what == "matrices" }
            },
            Setting("batch-size", option: {
                Option("batch-size", value: "N", limit: L.batchSize, default: $0.batchSize.map(String.init) ?? "full", "\(unit) per step (full: the whole training set)")
            }) { arguments, c in
                if let batch = arguments.string("batch-size") { c.batchSize = batch == "full" ? nil : try arguments.int("batch-size") }
            },
            Setting("sampling", \.sampling, value: "ORDER", "how batches draw examples: replacement (independent draws, makemore.py) | epochs (each example once per shuffled pass)"),
            Setting("eval-every", \.evaluateEvery, value: "N", limit: L.evaluateEvery, default: { $0.evaluateEvery.map(String.init) ?? (wholeWords ? "a tenth of --steps, at most 500" : nil) },
                    "evaluate the val loss every N steps and keep the best state"),
            Setting("ema", option: {
                Option("ema", value: "DECAY|off", limit: L.ema, default: $0.ema.map { String($0) },
                       "evaluate and keep an exponential moving average of the weights, updated every step (e.g. 0.999)")
            }) { arguments, c in
                guard let text = arguments.string("ema") else { return }
                guard text != "off" else { c.ema = nil; return }
                guard let decay = Double(text) else { throw UsageError("option '--ema' expects a decay in [0, 1) or 'off', got '\(text)'") }
                c.ema = try L.ema.check(decay)
            },
        ]
    }

    /// The options, their defaults printed from `d`; `wholeWords` as for `settings`.
    static func options(_ d: TrainingConfiguration, wholeWords: Bool = false) -> [Option] {
        settings(wholeWords: wholeWords).options(d) + [
            Option("plot-loss", value: "FILE.svg", key: "loss_plot", "write the training curve (smoothed) and val losses as SVG"),
            Option("log", value: "FILE.jsonl", "write one JSON line per step: step, loss, lr, and val_loss where evaluated"),
            Option(flag: "quiet", "no progress on stderr"),
            Option("sample-every", value: "N", "every N steps, show 5 samples on stderr, tagged new or in train (their own random stream: the run is unchanged)"),
            Option("resume", value: "FILE", "continue training FILE's model to --steps in total: exactly where its run stopped when FILE holds the run's state (--stop-at, Ctrl-C), else its weights only"),
            Option("stop-at", value: "STEP", limit: TrainingConfiguration.Limits.stopAt, "stop after STEP steps, keeping the schedule of --steps; --save then stores the state --resume continues"),
            Option("save-every", value: "N", "every N steps write --save atomically while training: the best model so far (with evaluations) and the state --resume continues"),
            Option("tensorboard", value: "DIR", "write TensorBoard event files to DIR while training (train/val/test loss, learning rate, steps/s, samples)"),
        ]
    }

    /// The options given over the stage's defaults `d`; `model` names the options that set the
    /// stage's model (besides `--preset`), which a resumed run keeps.
    init(_ arguments: ParsedArguments, defaults d: TrainingConfiguration, model: [String]) throws {
        let settings = Self.settings()
        configuration = try settings.read(arguments, over: d)
        plotLoss = arguments.string("plot-loss")
        log = arguments.string("log")
        quiet = arguments.flag("quiet")
        sampleEvery = try arguments.int("sample-every", in: StageRun.Limits.sampleEvery.range)
        resume = arguments.string("resume")
        stopAt = try arguments.int("stop-at")
        saveEvery = try arguments.int("save-every", in: StageRun.Limits.saveEvery.range)
        tensorboard = arguments.string("tensorboard")
        stepsGiven = arguments.given("steps")
        settingsGiven = settings.map(\.name).filter { $0 != "steps" && arguments.given($0) }
        modelFlagsGiven = (["preset"] + model).filter(arguments.given)
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
