import Foundation

/// The files a stage run writes once it has trained (or loaded), each atomically; a nil path
/// leaves that file out. The paths are the command line's `--save`, `--log`, `--plot-loss`,
/// `--plot-diagnostics`, `--plot-embedding` and the count bigram's `--plot`.
package struct StageOutputs: Sendable {
    /// The checkpoint (safetensors with the stage's metadata).
    package var checkpoint: String?
    /// The training log: one JSON object per step.
    package var log: String?
    /// The loss curves as SVG.
    package var lossPlot: String?
    /// A directory for the activation and gradient diagnostics plots.
    package var diagnosticsPlots: String?
    /// The character embedding as SVG; the model must have one.
    package var embeddingPlot: String?
    /// The count matrix as an SVG heatmap; the model must be the count bigram.
    package var countPlot: String?

    /// The name of `checkpoint` in errors.
    package static let checkpointName = "checkpoint"
    /// The name of `diagnosticsPlots` in errors.
    package static let diagnosticsPlotsName = "diagnostics_plots"

    /// The files, each named by its value (`checkpoint`, `loss_plot`, …); nil when not asked for.
    package var files: [(name: String, path: String?)] {
        [(Self.checkpointName, checkpoint), ("log", log), ("loss_plot", lossPlot), ("embedding_plot", embeddingPlot), ("count_plot", countPlot)]
    }

    /// Throws `MakemoreError.invalidOutput` when a file the diagnostics plots would replace in
    /// `diagnosticsPlots` (an existing file there named as `TrainingDiagnostics.writePlots` names its
    /// plots) is one of `inputs` or cannot be written. The plots' names depend on the steps
    /// diagnosed, so the files already there are what is checked.
    package func validateDiagnosticsPlots(inputs: [String]) throws {
        guard let directory = diagnosticsPlots, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        try OutputPath.validate(files: names.filter(TrainingDiagnostics.isPlotName).sorted(), in: directory, name: Self.diagnosticsPlotsName, inputs: inputs)
    }

    /// The outputs at the given paths.
    package init(checkpoint: String? = nil, log: String? = nil, lossPlot: String? = nil, diagnosticsPlots: String? = nil, embeddingPlot: String? = nil,
                 countPlot: String? = nil) {
        self.checkpoint = checkpoint
        self.log = log
        self.lossPlot = lossPlot
        self.diagnosticsPlots = diagnosticsPlots
        self.embeddingPlot = embeddingPlot
        self.countPlot = countPlot
    }
}

extension Stage {
    /// Writes what `outputs` names: the log and loss chart of `training` (the history and the
    /// configuration it ran under; nil for a stage that did not train), the diagnostics plots,
    /// the checkpoint, the embedding chart, then the count heatmap. Throws a one-line error naming
    /// the file.
    package func write(_ outputs: StageOutputs, training: (history: TrainingHistory, configuration: TrainingConfiguration)?) throws {
        if let (history, configuration) = training {
            if let log = outputs.log {
                try AtomicFile.write(history.jsonLines(schedule: configuration.learningRateSchedule, learningRate: configuration.learningRate), to: log)
            }
            if let path = outputs.lossPlot { try AtomicFile.write(history.lossChart(title: "\(kind.rawValue): loss").svg(), to: path) }
            if let directory = outputs.diagnosticsPlots { try diagnostics?.writePlots(directory: directory) }
        }
        if let path = outputs.checkpoint { try save(to: path) }
        if let path = outputs.embeddingPlot {
            guard let embedding = CharacterEmbedding(model: model) else { throw MakemoreError.unsupported("the \(kind.rawValue) model has no character embedding") }
            try AtomicFile.write(EmbeddingChart(title: "character embedding of \(kind.rawValue)", table: embedding.table, dimensions: embedding.dimensions,
                                                vocabulary: dataset.vocabulary).svg(), to: path)
        }
        if let path = outputs.countPlot {
            guard let bigram = model as? CountBigram else { throw MakemoreError.unsupported("the \(kind.rawValue) model has no count matrix") }
            try AtomicFile.write(CountHeatmap.svg(counts: bigram.counts, vocabulary: dataset.vocabulary), to: path)
        }
    }
}
