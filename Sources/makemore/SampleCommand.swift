import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore sample`: new words from a checkpoint, each tagged by where it occurs in the split.
enum SampleCommand: Subcommand {
    static let name = "sample"
    static let summary = "sample words from a checkpoint, a PyTorch state dict or an ensemble of several, tagged new / in train / in val / in test"
    static let options: [Option] = [
        Option("load", value: "FILE", "checkpoint, makemore.py model.pt or bare safetensors state dict to sample from (required); repeat it for an ensemble"),
        Option("input", value: "FILE", "word list giving a bare state dict its vocabulary (and the words samples are tagged against)"),
        Option("split-dir", value: "DIR", key: "split_directory", "as --input, from DIR/train.txt, val.txt, test.txt"),
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
        var count: Int
        var temperature: Double
        var topK: Int?
        var prefix: String
        var seed: UInt64
        var json: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        return Options(models: try ModelSelection(arguments), count: try arguments.int("count") ?? 10,
                       temperature: try arguments.double("temperature") ?? 1, topK: try arguments.int("top-k"),
                       prefix: arguments.string("prefix") ?? "", seed: try arguments.seed("seed") ?? 42, json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let files = try options.models.files()
        let samples = try files.model.sample(count: options.count, temperature: options.temperature, topK: options.topK, prefix: options.prefix,
                                             seed: options.seed) { printError("makemore sample: note: \($0)") }
        if options.json {
            print(JSONValue.object([("model", .string(files.model.kind))] + samples.json + (files.ensemble.map { [("ensemble", $0.json)] } ?? [])).serialized)
            return
        }
        if let ensemble = files.ensemble { printError(ensemble.text) }
        if case let text = samples.text, !text.isEmpty { print(text) }
    }
}
