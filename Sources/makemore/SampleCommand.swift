import Foundation
import MakemoreKit

/// `makemore sample`: new words from a checkpoint, each tagged by where it occurs in the split.
enum SampleCommand: Subcommand {
    static let name = "sample"
    static let summary = "sample words from a checkpoint, a PyTorch state dict or an ensemble of several, tagged new / in train / in val / in test"
    static let options: [Option] = [
        Option("load", value: "FILE", "checkpoint, makemore.py model.pt or bare safetensors state dict to sample from (required); repeat it for an ensemble"),
        Option("input", value: "FILE", "word list giving a bare state dict its vocabulary (and the words samples are tagged against)"),
        Option("split-dir", value: "DIR", "as --input, from DIR/train.txt, val.txt, test.txt"),
        Option("heads", value: "N", limit: TransformerConfiguration.Limits.heads, "attention heads of a bare transformer state dict without n_head metadata (default: makemore.py's 4)"),
        Option("count", value: "N", limit: SamplingOptions.Limits.count, default: "10", "words to sample"),
        Option("temperature", value: "T", limit: SamplingOptions.Limits.temperature, default: "1", "divide log-probabilities by T (< 1 sharper, > 1 flatter)"),
        Option("top-k", value: "K", limit: SamplingOptions.Limits.topK, "sample only among the K most likely tokens"),
        Option("prefix", value: "TEXT", "every word starts with these characters"),
        Option("seed", value: "N", default: "42", "sampling seed"),
        Option(flag: "json", "print one JSON object"),
    ] + ModelSelection.options

    struct Options {
        var models: ModelSelection
        var input: String?
        var splitDirectory: String?
        var heads: Int?
        var count: Int
        var temperature: Double
        var topK: Int?
        var prefix: String
        var seed: UInt64
        var json: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        return Options(models: try ModelSelection(arguments), input: arguments.string("input"), splitDirectory: arguments.string("split-dir"),
                       heads: try arguments.int("heads"), count: try arguments.int("count") ?? 10,
                       temperature: try arguments.double("temperature") ?? 1, topK: try arguments.int("top-k"),
                       prefix: arguments.string("prefix") ?? "", seed: try arguments.seed("seed") ?? 42, json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        var generator = RandomGenerator(seed: options.seed)
        let (loaded, ensemble) = try options.models.load(input: options.input, splitDirectory: options.splitDirectory, heads: options.heads)
        let vocabulary = loaded.vocabulary
        let prefix = try vocabulary.encode(options.prefix, context: "prefix")
        let model = loaded.model
        let split: DatasetSplit?
        do {
            split = try loaded.split()
        } catch let error as MakemoreError {
            printError("makemore sample: note: cannot tag samples (\(error))")
            split = nil
        }
        let longest = split.map { ($0.train + $0.val + $0.test).map(\.count).max() ?? 0 } ?? 32
        let sampling = SamplingOptions(temperature: options.temperature, topK: options.topK, prefix: prefix,
                                       maximumLength: SamplingOptions.lengthLimit(longestWord: longest))
        try sampling.checkPrefix(for: model)
        let words = try Sampler.generate(model, count: options.count, options: sampling, using: &generator).map { try vocabulary.decode($0) }
        let tagger = split.map { SampleTagger(split: $0) }
        let tags = words.map { word in tagger.map { $0.tag(word).description } ?? "unknown" }
        let newCount = tags.filter { $0 == SampleTag.new.description }.count
        if options.json {
            let samples = zip(words, tags).map { JSONValue.object([("word", .string($0)), ("tag", .string($1))]) }
            print(JSONValue.object([("model", .string(loaded.kind)), ("samples", .array(samples)),
                                    ("new", tagger == nil ? .null : .integer(newCount))] + (ensemble.map { [("ensemble", $0.json)] } ?? [])).serialized)
            return
        }
        if let ensemble { printError(ensemble.text) }
        let shown = words.map(StageReport.shown)
        let width = shown.map(\.count).max() ?? 0
        for (word, tag) in zip(shown, tags) { print(word.padding(toLength: width + 2, withPad: " ", startingAt: 0) + tag) }
        if tagger != nil { print("\(newCount) of \(words.count) are new") }
    }
}
