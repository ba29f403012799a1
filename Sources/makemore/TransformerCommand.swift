import Foundation
import MakemoreKit

/// `makemore transformer`: stage 4, the GPT-style transformer of makemore.py.
enum TransformerCommand: Subcommand {
    static let name = "transformer"
    static let summary = "stage 4: GPT-style transformer (causal self-attention, KV-cache sampling)"
    /// Tuned on names.txt for about two minutes of training on two cores (see the README).
    static let defaults = TrainingDefaults(steps: 22_000, learningRate: 3e-3, optimizer: .adamw, schedule: "cosine",
                                           batchSize: "48", weightDecay: 0.1, decaysMatricesOnly: true, warmup: 500, ema: 0.999, sampling: .epochs)
    static let options = SequenceStage.options(defaults, sizes: [
        Option("preset", value: "NAME", "makemore: makemore.py's defaults exactly (4 layers, 4 heads, n_embd 64, AdamW lr 5e-4 constant, wd 0.01 on every parameter, batch 32, batches drawn with replacement, no dropout, no moving average)"),
        Option("layers", value: "N", default: "4", "transformer blocks"),
        Option("heads", value: "N", default: "4", "attention heads per block"),
        Option("embedding", value: "N", default: "64", "channels of the residual stream (divisible by --heads)"),
        Option("dropout", value: "P", default: "0.1", "dropout while training, as nanoGPT's: on the embeddings, the attention probabilities and the residual branches"),
    ], threads: String(ProcessInfo.processInfo.activeProcessorCount))

    /// What `--preset makemore` fixes, and to what.
    static let makemorePreset: [(option: String, value: String)] = [
        ("layers", "4"), ("heads", "4"), ("embedding", "64"), ("dropout", "0"), ("optimizer", "adamw"),
        ("lr", "5e-4"), ("schedule", "constant"), ("warmup", "0"), ("weight-decay", "0.01"), ("weight-decay-on", "all"), ("ema", "off"), ("batch-size", "32"), ("sampling", "replacement"),
    ]

    static func run(_ given: ParsedArguments) throws {
        let arguments = try applyingPreset(given)
        try SequenceStage.run(Transformer.self, arguments, blockSize: \.blockSize,
                              importing: { try importedStateDict($0, arguments: arguments, vocabulary: $1.vocabulary) },
                              extra: [("preset", .string(given.string("preset") ?? "none"))]) { dataset, blockSize in
            let configuration = TransformerConfiguration(
                vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
                layers: try arguments.int("layers", in: 1...64)!, heads: try arguments.int("heads", in: 1...64)!,
                embedding: try arguments.int("embedding", in: 1...4096)!, dropout: try arguments.double("dropout", in: 0...0.9)!)
            guard configuration.embedding % configuration.heads == 0 else {
                throw UsageError("--embedding \(configuration.embedding) must be divisible by --heads \(configuration.heads)")
            }
            return configuration
        }
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
