import Foundation
import MakemoreKit

/// A model trained on whole words, batch by batch of packed sequences.
protocol WholeWordModel: TrainableModel {
    /// Mean cross-entropy of the batch's targets.
    func loss(_ batch: PackedSequences) -> Tensor
}

extension RecurrentLanguageModel: WholeWordModel {}
extension BagOfWords: WholeWordModel {}

/// What `makemore rnn`, `gru` and `bow` share: the transformer stage's options, training
/// (whole words, AdamW with makemore.py's betas (0.9, 0.99), best state by val loss), `--save`
/// / `--load`, sampling through the model's incremental decoder, and the report.
enum SequenceStage {
    /// The stage-independent options, after the stage's own `sizes`.
    static func options(_ defaults: TrainingDefaults, sizes: [Option]) -> [Option] {
        StageOptions.common + TrainingOptions.options(defaults) + sizes + [
            Option("block-size", value: "N", "positions per sequence, the longest word sampled + 1 (default: longest word + 1)"),
            Option("temperature", value: "T", default: "1", "sampling temperature"),
            Option("top-k", value: "K", "sample only among the K most likely tokens"),
            Option("prefix", value: "TEXT", "start every sample with TEXT"),
        ]
    }

    /// Trains (or loads) a model of type `M` and reports it. `configure(dataset, blockSize)`
    /// builds the configuration of a fresh model from the stage's own options; `blockSize`
    /// reads it back from a loaded configuration.
    static func run<M: WholeWordModel>(
        _ type: M.Type, _ arguments: ParsedArguments, blockSize storedBlockSize: (M.Configuration) -> Int,
        configure: (Dataset, Int) throws -> M.Configuration
    ) throws where M.Configuration: Encodable {
        let clock = ContinuousClock.now
        let name = M.kind
        let training = try TrainingOptions(arguments)
        guard let batchSize = training.batchSize else { throw UsageError("--batch-size must be a number of words") }
        var optimizer = training.optimizer
        optimizer.beta2 = 0.99  // makemore.py's betas (0.9, 0.99)
        let checkpoint = try StageOptions.checkpoint(arguments)
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        let restored = try checkpoint?.restore(M.self, source: arguments.string("load")!)
        let blockSize = try restored.map { storedBlockSize($0.configuration) } ?? arguments.int("block-size", in: 2...4096) ?? dataset.longestWord + 1
        guard blockSize > dataset.longestWord else {
            throw UsageError("--block-size \(blockSize) is too small: the longest word has \(dataset.longestWord) characters (needs \(dataset.longestWord + 1))")
        }
        let configuration = try restored?.configuration ?? configure(dataset, blockSize)
        let sampling = try TransformerCommand.samplingOptions(arguments, dataset: dataset, blockSize: blockSize)

        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let model = restored ?? M(configuration: configuration, vocabularySize: dataset.vocabulary.size, using: &generator)
        let examples = try SequenceExamples(words: dataset.train, blockSize: blockSize)
        var loop = restored == nil ? training.loop(keepingBest: model) : TrainingLoop(steps: 0, learningRate: 0)
        loop.evaluateEvery = training.evaluateEvery ?? max(1, min(500, training.steps / 10))
        var inputs: [Int32] = [], targets: [Int32] = []
        let history = try loop.run(optimizer: Optimizer(parameters: model.parameters, configuration: optimizer), loss: { _ in
            examples.sampleBatch(size: batchSize, using: &generator, inputs: &inputs, targets: &targets)
            return model.loss(PackedSequences(paddedInputs: inputs, paddedTargets: targets, blockSize: blockSize))
        }, evaluate: { Evaluator.evaluate(model, words: dataset.val)?.nll })
        let best = history.best
        try training.writeOutputs(history, model: name)
        try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: (checkpoint?.step ?? 0) + (best?.step ?? history.steps),
                              valLoss: best?.loss ?? Evaluator.evaluate(model, words: dataset.val)?.nll)

        let samples = Sampler.generate(model, count: try arguments.int("samples", in: 0...1_000_000)!, options: sampling, using: &generator)
        var report = StageReport(model: name, parameters: model.parameterCount, dataset: dataset,
                                 losses: StageOptions.losses(model, dataset), samples: samples.map { dataset.vocabulary.decode($0) })
        report.record(history)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let configurationText = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        report.extra = [("config", try JSONParser.parse(Array(configurationText.utf8)))]
        report.seconds = (ContinuousClock.now - clock).seconds
        let details = ["config: \(configurationText)"]
        StageOptions.emit(report, arguments, details: details)
    }
}
