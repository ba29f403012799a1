import Foundation
import MakemoreKit

/// `makemore transformer`: stage 4, the GPT-style transformer of makemore.py.
enum TransformerCommand: Subcommand {
    static let name = "transformer"
    static let summary = "stage 4: GPT-style transformer (causal self-attention, KV-cache sampling)"
    /// Tuned on names.txt for about two minutes of training on two cores (see the README).
    static let defaults = TrainingDefaults(steps: 36_000, learningRate: 3e-3, optimizer: .adamw, schedule: "cosine",
                                           batchSize: "32", weightDecay: 0.1, warmup: 500)
    static let options = StageOptions.common + TrainingOptions.options(defaults) + [
        Option("preset", value: "NAME", "makemore: makemore.py's defaults exactly (4 layers, 4 heads, n_embd 64, AdamW lr 5e-4 constant, wd 0.01, batch 32, no dropout)"),
        Option("layers", value: "N", default: "4", "transformer blocks"),
        Option("heads", value: "N", default: "4", "attention heads per block"),
        Option("embedding", value: "N", default: "64", "channels of the residual stream (divisible by --heads)"),
        Option("block-size", value: "N", "positions per sequence (default: longest word + 1)"),
        Option("dropout", value: "P", default: "0.1", "dropout on the embeddings and residual branches while training"),
        Option("threads", value: "N", "threads a training step's batch is split across (default: the number of cores)"),
        Option("temperature", value: "T", default: "1", "sampling temperature"),
        Option("top-k", value: "K", "sample only among the K most likely tokens"),
        Option("prefix", value: "TEXT", "start every sample with TEXT"),
    ]

    /// What `--preset makemore` fixes, and to what.
    static let makemorePreset: [(option: String, value: String)] = [
        ("layers", "4"), ("heads", "4"), ("embedding", "64"), ("dropout", "0"), ("optimizer", "adamw"),
        ("lr", "5e-4"), ("schedule", "constant"), ("warmup", "0"), ("weight-decay", "0.01"), ("batch-size", "32"),
    ]

    static func run(_ given: ParsedArguments) throws {
        let clock = ContinuousClock.now
        let arguments = try applyingPreset(given)
        let training = try TrainingOptions(arguments)
        guard training.batchSize != nil else { throw UsageError("--batch-size must be a number of words") }
        var optimizer = training.optimizer
        optimizer.beta2 = 0.99  // makemore.py's betas (0.9, 0.99)
        let stateDict = try arguments.string("load").map { try SafetensorsFile.read(path: $0) }
        let isBareStateDict = stateDict.map { $0.metadata["format"] == nil } ?? false
        let checkpoint = isBareStateDict ? nil : try StageOptions.checkpoint(arguments)
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        let restored = try isBareStateDict
            ? importedStateDict(stateDict!, arguments: arguments, vocabulary: dataset.vocabulary)
            : checkpoint?.restore(Transformer.self, source: arguments.string("load")!)
        let blockSize = try restored?.configuration.blockSize ?? arguments.int("block-size", in: 2...4096) ?? dataset.longestWord + 1
        guard blockSize > dataset.longestWord else {
            throw UsageError("--block-size \(blockSize) is too small: the longest word has \(dataset.longestWord) characters (needs \(dataset.longestWord + 1))")
        }
        let configuration = try restored?.configuration ?? TransformerConfiguration(
            vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
            layers: try arguments.int("layers", in: 1...64)!, heads: try arguments.int("heads", in: 1...64)!,
            embedding: try arguments.int("embedding", in: 1...4096)!, dropout: try arguments.double("dropout", in: 0...0.9)!)
        guard configuration.embedding % configuration.heads == 0 else {
            throw UsageError("--embedding \(configuration.embedding) must be divisible by --heads \(configuration.heads)")
        }
        let sampling = try samplingOptions(arguments, dataset: dataset, blockSize: blockSize)

        let threads = try arguments.int("threads", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let model = restored ?? Transformer(configuration: configuration, using: &generator)
        let parallel = DataParallel(models: [model] + (1..<threads).map { _ in Transformer(configuration: configuration, using: &generator) })
        let examples = try SequenceExamples(words: dataset.train, blockSize: blockSize)
        var loop = restored == nil ? training.loop(keepingBest: model) : TrainingLoop(steps: 0, learningRate: 0)
        loop.evaluateEvery = training.evaluateEvery ?? max(1, min(500, training.steps / 10))
        var inputs: [Int32] = [], targets: [Int32] = []
        let history = try loop.run(optimizer: Optimizer(parameters: model.parameters, configuration: optimizer), gradients: { _ in
            examples.sampleBatch(size: training.batchSize!, using: &generator, inputs: &inputs, targets: &targets)
            let shares = PackedSequences(paddedInputs: inputs, paddedTargets: targets, blockSize: blockSize).split(into: threads)
            return parallel.gradients(counts: shares.map(\.rows)) { model, share in model.loss(shares[share]) }
        }, evaluate: { Evaluator.evaluate(model, words: dataset.val)?.nll })
        let best = history.best
        try training.writeOutputs(history, model: name)
        try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: (checkpoint?.step ?? 0) + (best?.step ?? history.steps),
                              valLoss: best?.loss ?? Evaluator.evaluate(model, words: dataset.val)?.nll)

        let samples = Sampler.generate(model, count: try arguments.int("samples", in: 0...1_000_000)!, options: sampling, using: &generator)
        var report = StageReport(model: name, parameters: model.parameterCount, dataset: dataset,
                                 losses: StageOptions.losses(model, dataset),
                                 samples: samples.map { dataset.vocabulary.decode($0) })
        report.record(history)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let configurationJSON = try JSONParser.parse(Array(encoder.encode(configuration)))
        report.extra = [("config", configurationJSON), ("preset", .string(given.string("preset") ?? "none"))]
        report.seconds = (ContinuousClock.now - clock).seconds
        let details = ["config: \(String(decoding: try encoder.encode(configuration), as: UTF8.self))"]
        StageOptions.emit(report, arguments, details: details)
    }

    /// `arguments` with the preset's values in place of the defaults; an option the preset fixes
    /// may not be given too.
    static func applyingPreset(_ arguments: ParsedArguments) throws -> ParsedArguments {
        guard try arguments.choice("preset", ["makemore"]) != nil else { return arguments }
        var words: [String] = []
        for (option, value) in makemorePreset {
            if arguments.given(option) { throw UsageError("--preset makemore fixes --\(option) (\(value)); drop one of them") }
            words += ["--\(option)", value]
        }
        return try ParsedArguments(command: arguments.command, arguments: arguments.rawArguments + words, options: options)
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

    /// A transformer from a bare state dict written by PyTorch (no makemore metadata): its
    /// vocabulary is the one of the data given (it must have the size the weights have).
    static func importedStateDict(_ file: SafetensorsFile, arguments: ParsedArguments, vocabulary: Vocabulary) throws -> Transformer {
        let path = arguments.string("load")!
        let model = try Transformer.importing(stateDict: file, heads: try arguments.int("heads", in: 1...64)!, source: path)
        guard model.vocabularySize == vocabulary.size else {
            throw MakemoreError("\(path): the weights have \(model.vocabularySize) tokens, the vocabulary of the given data has \(vocabulary.size)")
        }
        return model
    }
}
