import Foundation
import CommandLineOptions
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

    /// The options, their defaults printed from `d`; `wholeWords` as for `TrainingConfiguration.settings`.
    static func options(_ d: TrainingConfiguration, wholeWords: Bool = false) -> [Option] {
        TrainingConfiguration.settings(wholeWords: wholeWords).options(d) + [
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
        let settings = TrainingConfiguration.settings()
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

    /// The options (none shows a default).
    static let options = TrainingConfiguration.diagnosticsSettings.options(TrainingConfiguration(steps: 0, learningRate: 0))

    /// The diagnostics asked for in a run of `training`.
    init(_ arguments: ParsedArguments, training: TrainingConfiguration) throws {
        plotDirectory = arguments.string("plot-diagnostics")
        every = try TrainingConfiguration.diagnosticsSettings.read(arguments, over: training).diagnosticsEvery
    }
}
