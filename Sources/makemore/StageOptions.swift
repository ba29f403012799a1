import Foundation
import MakemoreKit

/// The options every stage shares: data, split, seed, samples, output format.
enum StageOptions {
    /// Where the words come from and how they are split.
    static let data: [Option] = [
        Option("input", value: "FILE", default: "names.txt", "word list, UTF-8, one word per line"),
        Option("split-dir", value: "DIR", "use DIR/train.txt, val.txt, test.txt as the split instead of --input"),
        Option("seed", value: "N", default: "42", "seed for the split, initialisation, batches and sampling"),
        Option("val-fraction", value: "F", default: "0.1", "share of words held out for validation"),
        Option("test-fraction", value: "F", default: "0.1", "share of words held out for test"),
    ]

    static let common: [Option] = data + [
        Option("samples", value: "N", default: "10", "names to sample after fitting"),
        Option("save", value: "FILE", "write the trained model as a safetensors checkpoint"),
        Option("load", value: "FILE", "load a checkpoint instead of training (its split, unless --input/--split-dir is given)"),
        Option(flag: "json", "print one JSON object with the results instead of text"),
    ]

    /// How the split of `arguments` was made, for checkpoints.
    static func splitRecord(_ arguments: ParsedArguments) throws -> SplitRecord {
        SplitRecord(input: arguments.string("split-dir") == nil ? absolute(arguments.string("input")!) : nil,
                    directory: arguments.string("split-dir").map(absolute), seed: try arguments.seed("seed")!,
                    valFraction: try arguments.double("val-fraction", in: 0...1)!, testFraction: try arguments.double("test-fraction", in: 0...1)!)
    }

    /// The checkpoint named by `--load`, if any.
    static func checkpoint(_ arguments: ParsedArguments) throws -> Checkpoint? {
        try arguments.string("load").map { try Checkpoint.read(path: $0) }
    }

    /// The dataset for a stage: from the options, or for a loaded checkpoint from its recorded
    /// split and vocabulary (explicit --input/--split-dir override the split).
    static func dataset(_ arguments: ParsedArguments, checkpoint: Checkpoint?) throws -> Dataset {
        guard let checkpoint else { return try dataset(arguments) }
        let explicit = arguments.given("input") || arguments.given("split-dir")
        return try Dataset(split: explicit ? split(arguments) : checkpoint.split.load(), vocabulary: checkpoint.vocabulary)
    }

    /// Writes `--save` if given.
    static func save<M: CheckpointableModel>(_ model: M, _ dataset: Dataset, _ arguments: ParsedArguments, checkpoint: Checkpoint?, step: Int, valLoss: Double?) throws {
        guard let path = arguments.string("save") else { return }
        let record = try checkpoint?.split ?? splitRecord(arguments)
        try Checkpoint(model: model, vocabulary: dataset.vocabulary, split: record, step: step, valLoss: valLoss).write(to: path)
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The split `arguments` ask for: `--split-dir` as-is, or `--input` shuffled and cut.
    static func split(_ arguments: ParsedArguments) throws -> DatasetSplit {
        let val = try arguments.double("val-fraction", in: 0...1)!
        let test = try arguments.double("test-fraction", in: 0...1)!
        guard val + test < 1 else { throw UsageError("--val-fraction + --test-fraction must be below 1 (got \(val + test))") }
        if let directory = arguments.string("split-dir") {
            if arguments.given("input") { throw UsageError("give either --input or --split-dir, not both") }
            return try DatasetSplit(directory: directory)
        }
        let words = try WordList.load(path: arguments.string("input")!)
        return try DatasetSplit(shuffling: words, seed: try arguments.seed("seed")!, valFraction: val, testFraction: test)
    }

    /// The encoded dataset for a stage.
    static func dataset(_ arguments: ParsedArguments) throws -> Dataset {
        try Dataset(split: split(arguments))
    }

    /// Losses of `model` on every split from the shared evaluator.
    static func losses(_ model: some LanguageModel, _ dataset: Dataset) -> [SplitName: NLLResult?] {
        Dictionary(uniqueKeysWithValues: SplitName.allCases.map { ($0, Evaluator.evaluate(model, words: dataset[$0])) })
    }

    /// `--samples` words from `model`, decoded.
    static func samples(_ model: some LanguageModel, _ dataset: Dataset, _ arguments: ParsedArguments, generator: inout RandomGenerator) throws -> [String] {
        let count = try arguments.int("samples", in: 0...1_000_000)!
        let options = SamplingOptions(maximumLength: SamplingOptions.lengthLimit(longestWord: dataset.longestWord))
        return Sampler.generate(model, count: count, options: options, using: &generator).map { dataset.vocabulary.decode($0) }
    }

    /// Prints `report` as JSON or as text, with `details` lines after the losses in text mode.
    static func emit(_ report: StageReport, _ arguments: ParsedArguments, details: [String] = []) {
        if arguments.flag("json") {
            print(report.json.serialized)
            return
        }
        let sizes = SplitName.allCases.map { "\($0.rawValue) \(report.splitSizes[$0] ?? 0)" }.joined(separator: ", ")
        print("model: \(report.model)  parameters: \(report.parameters)  vocabulary: \(report.vocabularySize)")
        print("split (words): \(sizes)")
        for name in SplitName.allCases {
            print("\(name.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) NLL \(format(report.losses[name] ?? nil))")
        }
        if let steps = report.steps, let trainSeconds = report.trainSeconds {
            print(String(format: "trained %d steps in %.2f s (%.4f ms/step)", steps, trainSeconds, report.msPerStep ?? 0))
        }
        if report.sampling == .epochs {
            print("batches drew each training example once per shuffled pass (--sampling epochs)")
        }
        if let decay = report.emaDecay {
            print("evaluated the exponential moving average of the weights (decay \(decay))")
        }
        if let best = report.best {
            print(String(format: "kept the state of step %d (best val loss %.4f)", best.step, best.loss))
        }
        details.forEach { print($0) }
        if !report.samples.isEmpty {
            print("samples:")
            report.samples.forEach { print("  \($0)") }
        }
        print(String(format: "done in %.2f s", report.seconds))
    }

    /// `2.4543 (perplexity 11.64)`, `inf`, or `— (empty split)`.
    static func format(_ result: NLLResult?) -> String {
        guard let result else { return "— (empty split)" }
        if result.nll.isInfinite { return "inf (a token has probability 0)" }
        return String(format: "%.4f  (perplexity %.2f)", result.nll, result.perplexity)
    }
}
