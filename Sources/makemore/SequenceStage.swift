import Foundation
import MakemoreKit

/// What every whole-word stage (`transformer`, `rnn`, `gru`, `bow`) shares: the options,
/// training on packed batches (AdamW with makemore.py's betas (0.9, 0.99), each batch split
/// across `--threads` model copies, best state by val loss), `--save` / `--load`, sampling
/// through the model's incremental decoder, and the report.
enum SequenceStage {
    /// The stage-independent options, after the stage's own `sizes`; `threads` is the default of
    /// `--threads` (the transformer's steps are big enough to split, the small models' are not).
    static func options(_ defaults: TrainingDefaults, sizes: [Option], threads: String) -> [Option] {
        StageOptions.common + TrainingOptions.options(defaults) + sizes + [
            Option("block-size", value: "N", "positions per sequence, the longest word sampled + 1 (default: longest word + 1)"),
            Option("threads", value: "N", default: threads, "model copies a training step's batch is split across (cores: one per core)"),
            Option("temperature", value: "T", default: "1", "sampling temperature"),
            Option("top-k", value: "K", "sample only among the K most likely tokens"),
            Option("prefix", value: "TEXT", "start every sample with TEXT"),
        ]
    }

    /// Trains (or loads) a model of type `M` and reports it. `configure(dataset, blockSize)`
    /// builds the configuration of a fresh model from the stage's own options; `blockSize`
    /// reads it back from a loaded configuration. `importing` turns a bare state dict (a
    /// `--load` file without this project's metadata, as PyTorch writes) into a model, for the
    /// stages that accept one. `extra` is appended to the JSON report.
    static func run<M: PackedSequenceModel & TrainableModel>(
        _ type: M.Type, _ arguments: ParsedArguments, blockSize storedBlockSize: (M.Configuration) -> Int,
        importing: ((SafetensorsFile, Dataset) throws -> M)? = nil, extra: [(String, JSONValue)] = [],
        configure: (Dataset, Int) throws -> M.Configuration
    ) throws {
        let clock = ContinuousClock.now
        let name = M.kind
        let training = try TrainingOptions(arguments)
        guard let batchSize = training.batchSize else { throw UsageError("--batch-size must be a number of words") }
        var optimizerConfiguration = training.optimizer
        optimizerConfiguration.beta2 = 0.99  // makemore.py's betas (0.9, 0.99)
        let loadPath = arguments.string("load")
        let file = try loadPath.map { try SafetensorsFile.read(path: $0) }
        let bare = file.map { !Checkpoint.isCheckpoint($0) && importing != nil } ?? false
        let checkpoint = try bare ? nil : file.map { try Checkpoint(file: $0, path: loadPath!) }
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        let restored = try bare ? importing!(file!, dataset) : checkpoint?.restore(M.self, source: loadPath!)
        let blockSize = try restored.map { storedBlockSize($0.configuration) } ?? arguments.int("block-size", in: 2...4096) ?? dataset.longestWord + 1
        guard blockSize > dataset.longestWord else {
            throw UsageError("--block-size \(blockSize) is too small: the longest word has \(dataset.longestWord) characters (needs \(dataset.longestWord + 1))")
        }
        let configuration = try restored?.configuration ?? configure(dataset, blockSize)
        let sampling = try samplingOptions(arguments, dataset: dataset, blockSize: blockSize)

        let threads = try arguments.int("threads", in: 1...256)!
        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let model = restored ?? M(configuration: configuration, vocabularySize: dataset.vocabulary.size, using: &generator)
        let parallel = DataParallel(models: [model] + (1..<threads).map { _ in
            M(configuration: configuration, vocabularySize: dataset.vocabulary.size, using: &generator)
        })
        let examples = try SequenceExamples(words: dataset.train, blockSize: blockSize)
        let optimizer = Optimizer(parameters: model.parameters, configuration: optimizerConfiguration)
        var loop = restored == nil ? training.loop(keepingBest: model, optimizer: optimizer) : TrainingLoop(steps: 0, learningRate: 0)
        loop.evaluateEvery = training.evaluateEvery ?? max(1, min(500, training.steps / 10))
        var inputs: [Int32] = [], targets: [Int32] = []
        var sampler = BatchSampler(count: examples.count, order: training.sampling)
        let history = try loop.run(optimizer: optimizer, gradients: { _ in
            examples.sampleBatch(size: batchSize, from: &sampler, using: &generator, inputs: &inputs, targets: &targets)
            let shares = PackedSequences(paddedInputs: inputs, paddedTargets: targets, blockSize: blockSize).split(into: threads)
            return parallel.gradients(counts: shares.map(\.rows)) { model, share in model.loss(shares[share]) }
        }, evaluate: { Evaluator.evaluate(model, words: dataset.val)?.nll })
        try training.writeOutputs(history, model: name)
        try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: (checkpoint?.step ?? 0) + (history.best?.step ?? history.steps),
                              valLoss: history.best?.loss ?? Evaluator.evaluate(model, words: dataset.val)?.nll)

        let samples = Sampler.generate(model, count: try arguments.int("samples", in: 0...1_000_000)!, options: sampling, using: &generator)
        var report = StageReport(model: name, parameters: model.parameterCount, dataset: dataset,
                                 losses: StageOptions.losses(model, dataset), samples: samples.map { dataset.vocabulary.decode($0) })
        training.record(history, in: &report)
        let configurationJSON = try JSONValue(encoding: configuration)
        report.extra = [("config", configurationJSON)] + extra
        report.seconds = (ContinuousClock.now - clock).seconds
        StageOptions.emit(report, arguments, details: ["config: \(configurationJSON.serialized)"])
    }

    /// Temperature, top-k and prefix from the command line; the prefix must use the
    /// vocabulary's characters and leave room for at least one more token.
    static func samplingOptions(_ arguments: ParsedArguments, dataset: Dataset, blockSize: Int) throws -> SamplingOptions {
        let prefix = try dataset.vocabulary.encode(arguments.string("prefix") ?? "", context: "prefix")
        guard prefix.count < blockSize - 1 else {
            throw UsageError("--prefix is \(prefix.count) characters; at most \(blockSize - 2) fit block size \(blockSize)")
        }
        let temperature = try arguments.double("temperature", in: 1e-6...1e6)!
        return SamplingOptions(temperature: temperature, topK: try arguments.int("top-k", in: 1...Int.max), prefix: prefix)
    }
}
