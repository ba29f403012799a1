import Foundation

// A stage run's own settings, declared once over `StageRun` beside its `Limits`: what a stage's
// command loads, writes and samples, and how its training runs (stops, saves, shows samples,
// logs). The command line derives their `--help` rows and their reading from these, as it does
// for the model's and the training's settings.

extension StageRun {
    /// Every setting of a run, to read a stage's command line by (a setting the stage does not
    /// take is never given): its outputs, the character embedding's and the count matrix's
    /// plots, how it trains and how it samples.
    package static var settings: [Setting<StageRun>] {
        outputSettings + [embeddingPlotSetting, countPlotSetting] + trainingSettings + samplingSettings
    }

    /// What every stage's command samples, writes, loads and prints, after the split's settings.
    package static let outputSettings: [Setting<StageRun>] = [
        Setting("samples", placeholder: "N", limit: Limits.samples, default: { String($0.samples) }, "names to sample after fitting") { values, run in
            if let count = try values.int("samples", in: Limits.samples.range) { run.samples = count }
        },
        Setting("save", placeholder: "FILE", keys: [StageOutputs.checkpointName], default: { _ in nil }, "write the trained model as a safetensors checkpoint") { values, run in
            if let path = values.string("save") { run.outputs.checkpoint = path }
        },
        Setting("load", placeholder: "FILE", default: { _ in nil }, "load a checkpoint instead of training (its split, unless --input/--split-dir is given)") { values, run in
            if let path = values.string("load") { try run.start(.load(path)) }
        },
        jsonSetting,
    ]

    /// `--json`: the report as one JSON object, read by the front end.
    package static let jsonSetting = Setting<StageRun>(display: "json", "print one JSON object with the results instead of text")

    /// The character embedding's plot, a setting of the stages whose model has one.
    package static let embeddingPlotSetting = Setting<StageRun>(
        "plot-embedding", placeholder: "FILE.svg", keys: ["embedding_plot"], default: { _ in nil },
        "draw the character embedding: first two dimensions, or principal components when wider") { values, run in
        if let path = values.string("plot-embedding") { run.outputs.embeddingPlot = path }
    }

    /// The count matrix's heatmap, a setting of the count bigram's.
    package static let countPlotSetting = Setting<StageRun>(
        "plot", placeholder: "FILE.svg", keys: ["count_plot"], default: { _ in nil }, "write the count matrix as an SVG heatmap") { values, run in
        if let path = values.string("plot") { run.outputs.countPlot = path }
    }

    /// What a trained stage writes about its training and how the training runs: stopped,
    /// resumed, saved and sampled along the way, logged for TensorBoard. Read into `training`,
    /// which must be set first.
    package static let trainingSettings: [Setting<StageRun>] = [
        Setting("plot-loss", placeholder: "FILE.svg", keys: ["loss_plot"], default: { _ in nil }, "write the training curve (smoothed) and val losses as SVG") { values, run in
            if let path = values.string("plot-loss") { run.outputs.lossPlot = path }
        },
        Setting("log", placeholder: "FILE.jsonl", default: { _ in nil }, "write one JSON line per step: step, loss, lr, and val_loss where evaluated") { values, run in
            if let path = values.string("log") { run.outputs.log = path }
        },
        Setting(display: "quiet", "no progress on stderr"),
        Setting("sample-every", placeholder: "N", limit: Limits.sampleEvery, default: { _ in nil },
                "every N steps, show 5 samples on stderr, tagged new or in train (their own random stream: the run is unchanged)") { values, run in
            if let every = try values.int("sample-every", in: Limits.sampleEvery.range) { run.training?.sampleEvery = every }
        },
        Setting("resume", placeholder: "FILE", default: { _ in nil },
                "continue training FILE's model to --steps in total: exactly where its run stopped when FILE holds the run's state (--stop-at, Ctrl-C), else its weights only") { values, run in
            if let path = values.string("resume") { try run.start(.resume(path)) }
        },
        Setting("stop-at", placeholder: "STEP", limit: TrainingConfiguration.Limits.stopAt, default: { _ in nil },
                "stop after STEP steps, keeping the schedule of --steps; --save then stores the state --resume continues") { values, run in
            if let step = try values.int("stop-at") { run.training?.stopAt = step }
        },
        Setting("save-every", placeholder: "N", limit: Limits.saveEvery, default: { _ in nil },
                "every N steps write --save atomically while training: the best model so far (with evaluations) and the state --resume continues") { values, run in
            if let every = try values.int("save-every", in: Limits.saveEvery.range) { run.training?.saveEvery = every }
        },
        Setting("tensorboard", placeholder: "DIR", default: { _ in nil },
                "write TensorBoard event files to DIR while training (train/val/test loss, learning rate, steps/s, samples)") { values, run in
            if let directory = values.string("tensorboard") { run.training?.tensorboard = directory }
        },
    ]

    /// How a whole-word stage samples (the window stages sample as they were trained).
    package static let samplingSettings: [Setting<StageRun>] = [
        Setting("temperature", placeholder: "T", limit: SamplingOptions.Limits.temperature, default: { String(format: "%g", $0.temperature) },
                "sampling temperature") { values, run in
            if let temperature = try values.double("temperature") { run.temperature = temperature }
        },
        Setting("top-k", \.topK, value: "K", limit: SamplingOptions.Limits.topK, default: { _ in nil }, "sample only among the K most likely tokens"),
        Setting("prefix", placeholder: "TEXT", default: { _ in nil }, "start every sample with TEXT") { values, run in
            if let prefix = values.string("prefix") { run.prefix = prefix }
        },
    ]

    /// Starts the run as `start` says; throws `MakemoreError.conflict` when it already loads or
    /// resumes a file (a file is either evaluated as it is or trained further).
    private mutating func start(_ start: Start) throws {
        guard case .build = self.start else { throw MakemoreError.conflict(.both("load", "resume")) }
        self.start = start
    }
}
