import Foundation
import MakemoreKit
import MakemoreKernels

/// Milliseconds per training step (forward + backward + optimizer update) of every stage at its
/// default configuration, and names sampled per second, on names.txt's real split.
enum TrainingBenchmark {
    static let section = "training"
    /// Only rows whose name contains this text run (`--filter`; every section reads it).
    nonisolated(unsafe) static var filter: String?
    /// Each step row repeats its step for this long instead of the median protocol (`--run-for`).
    nonisolated(unsafe) static var runFor: Duration?

    static func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    static func run(into report: inout BenchmarkReport) throws {
        guard let words = try? WordList.load(path: "names.txt"),
              let split = try? DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1),
              let dataset = try? Dataset(split: split)
        else {
            FileHandle.standardError.write(Data("training benchmarks need names.txt in the current directory\n".utf8))
            return
        }
        var generator = RandomGenerator(seed: 42)
        let v = dataset.vocabulary.size

        let bigram = try NeuralBigram(vocabularySize: v, using: &generator)
        let examples = WindowExamples(words: dataset.train, contextLength: 1)
        let bigramStep = TrainingStep(optimizer: Optimizer(parameters: bigram.parameters, configuration: OptimizerConfiguration(kind: .sgd)),
                                      windows: examples, batchSize: nil) { bigram.loss(contexts: $0, targets: $1, l2: 0.01) }
        step(&report, "neural-bigram full batch", shape: "\(examples.count) examples") {
            bigramStep(learningRate: 50, using: &generator)
        }
        sample(&report, "neural-bigram", bigram, dataset: dataset)

        try mlp(&report, "mlp (--preset lecture: ctx 3, emb 10, hidden 200, BatchNorm)", dataset: dataset, layers: 1, hidden: 200)
        try mlp(&report, "mlp deep (5 × hidden 100, BatchNorm)", dataset: dataset, layers: 5, hidden: 100)
        try wavenet(&report, dataset: dataset)
        try transformer(&report, dataset: dataset)
        try recurrent(&report, dataset: dataset)
    }

    /// One SGD step of the lecture's WaveNet (ctx 8, emb 24, hidden 128) on 32 sampled examples.
    static func wavenet(_ report: inout BenchmarkReport, dataset: Dataset) throws {
        var generator = RandomGenerator(seed: 42)
        let model = try WaveNet(configuration: WaveNetConfiguration(vocabularySize: dataset.vocabulary.size), using: &generator)
        let examples = WindowExamples(words: dataset.train, contextLength: model.contextLength)
        let training = TrainingStep(optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .sgd)),
                                    windows: examples, batchSize: 32) { model.loss(contexts: $0, targets: $1) }
        step(&report, "wavenet (defaults: ctx 8, emb 24, hidden 128, 3 levels)", shape: "batch 32, \(model.parameterCount) params") {
            training(learningRate: 0.01, using: &generator)
        }
        sample(&report, "wavenet", model.foldingBatchNorm(), dataset: dataset)
    }

    /// One SGD step of the MLP on a sampled batch of 32 examples, as `makemore mlp` takes it.
    static func mlp(_ report: inout BenchmarkReport, _ name: String, dataset: Dataset, layers: Int, hidden: Int) throws {
        var generator = RandomGenerator(seed: 42)
        var configuration = MLPConfiguration(vocabularySize: dataset.vocabulary.size)
        configuration.hiddenLayers = layers
        configuration.hiddenSize = hidden
        let model = try MLP(configuration: configuration, using: &generator)
        let examples = WindowExamples(words: dataset.train, contextLength: configuration.contextLength)
        let training = TrainingStep(optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .sgd)),
                                    windows: examples, batchSize: 32, network: model)
        step(&report, name, shape: "batch 32, \(model.parameterCount) params") {
            training(learningRate: 0.01, using: &generator)
        }
        sample(&report, name.components(separatedBy: " (").first!, model.foldingBatchNorm(), dataset: dataset)
    }

    /// makemore.py's transformer (preset sizes): batch 32 words, block 16, AdamW.
    static func transformer(_ report: inout BenchmarkReport, dataset: Dataset) throws {
        var generator = RandomGenerator(seed: 42)
        let blockSize = dataset.longestWord + 1
        let configuration = TransformerConfiguration(vocabularySize: dataset.vocabulary.size, blockSize: blockSize)
        let model = try Transformer(configuration: configuration, using: &generator)
        guard let examples = try? SequenceExamples(words: dataset.train, blockSize: blockSize) else { return }
        let optimizer = Optimizer(parameters: model.parameters, configuration: makemoreAdamW)
        parallelStep(&report, "transformer preset", shape: "32 words, block \(blockSize)",
                     models: [model], optimizer: optimizer, learningRate: 5e-4, examples: examples, words: 32)
        let threads = Parallel.coreCount
        if threads > 1 {  // what `makemore transformer --preset makemore` runs: the batch split across the cores
            let models = try [model] + (1..<threads).map { _ in try Transformer(configuration: configuration, using: &generator) }
            parallelStep(&report, "transformer preset, \(threads) threads", shape: "32 words, block \(blockSize)",
                         models: models, optimizer: optimizer, learningRate: 5e-4, examples: examples, words: 32)
        }
        sample(&report, "transformer", model, dataset: dataset)

        // `makemore transformer`'s defaults (`StageKind.transformer`): its model, optimizer, batch,
        // batch order and moving average.
        guard var tuned = StageKind.transformer.defaultConfiguration.settings(as: TransformerConfiguration.self) else { return }
        tuned.vocabularySize = configuration.vocabularySize
        tuned.blockSize = blockSize
        let defaults = StageKind.transformer.defaultTraining
        guard let words = defaults.batchSize else { return }
        let models = try (0..<threads).map { _ in try Transformer(configuration: tuned, using: &generator) }
        let average = defaults.ema.map { ExponentialMovingAverage(parameters: models[0].parameters, decay: $0) }
        parallelStep(&report, "transformer defaults, \(threads) thread\(threads == 1 ? "" : "s")",
                     shape: "\(words) words, block \(blockSize), dropout \(tuned.dropout), EMA",
                     models: models, optimizer: Optimizer(parameters: models[0].parameters, configuration: defaults.optimizer),
                     learningRate: defaults.learningRate, examples: examples, words: words,
                     order: defaults.sampling, average: average)
    }

    /// makemore.py's optimizer: AdamW, betas (0.9, 0.99), weight decay 0.01 on every parameter.
    static let makemoreAdamW: OptimizerConfiguration = {
        var adamW = OptimizerConfiguration(kind: .adamw, weightDecay: 0.01)
        adamW.beta2 = 0.99
        return adamW
    }()

    /// One step as the whole-word stages (`makemore transformer|rnn|gru|bow`) take it (the
    /// library's `TrainingStep`): `words` sampled words split across `models` (data parallel, the
    /// first one updated; one model runs the batch in place), then the moving average, if any.
    static func parallelStep<M: Module & PackedSequenceModel>(
        _ report: inout BenchmarkReport, _ name: String, shape: String, models: [M], optimizer: Optimizer,
        learningRate: Double, examples: SequenceExamples, words: Int, order: BatchOrder = .replacement,
        average: ExponentialMovingAverage? = nil
    ) {
        var generator = RandomGenerator(seed: 7)
        let training = TrainingStep(optimizer: optimizer, average: average, sequences: examples, batchSize: words, order: order,
                                    parallel: DataParallel(models: models))
        step(&report, name, shape: shape) {
            training(learningRate: learningRate, using: &generator)
        }
    }

    /// Records the median time of one `body` call as ms/step.
    static func step(_ report: inout BenchmarkReport, _ name: String, shape: String, _ body: () -> Void) {
        guard selected(name) else { return }
        let seconds = runFor.map { meanSeconds(runningFor: $0, body) }
            ?? medianSeconds(repetitions: 5, minimumRun: .milliseconds(200), body)
        report.add(section: section, name: name, shape: shape, metrics: [("ms/step", seconds * 1000), ("steps/s", 1 / seconds)])
    }

    /// Records how many names per second `model` samples, and their mean length: a model that
    /// rarely ends its words samples fewer, longer names per second.
    static func sample(_ report: inout BenchmarkReport, _ name: String, _ model: some LanguageModel, dataset: Dataset) {
        guard selected("\(name) sampling") else { return }
        var generator = RandomGenerator(seed: 1)
        let count = 2000
        var characters = 0
        let seconds = medianSeconds(repetitions: 5, minimumRun: .milliseconds(100)) {
            characters = ((try? Sampler.generate(model, count: count, using: &generator)) ?? []).reduce(0) { $0 + $1.count }
        }
        report.add(section: section, name: "\(name) sampling", shape: "\(count) names",
                   metrics: [("names/s", Double(count) / seconds), ("chars/name", Double(characters) / Double(count))])
    }
}
