import CommandLineOptions
import MakemoreKit

/// `makemore eval`: the shared evaluator on a checkpoint's split.
enum EvalCommand: Subcommand {
    static let name = "eval"
    static let summary = "NLL, perplexity and bits per character of a checkpoint, a PyTorch state dict or an ensemble of several on a split"
    static let options: [Option] = [
        Option("load", value: "FILE", "checkpoint, makemore.py model.pt or bare safetensors state dict to evaluate (required); repeat it for an ensemble"),
        Option("split", value: "NAME", default: "all", "train | val | test | all"),
        Option("input", value: "FILE", "evaluate on FILE's words, split as the stages split them (needed for a bare state dict: its vocabulary)"),
        Option("split-dir", value: "DIR", key: "split_directory", "evaluate on DIR/train.txt, val.txt, test.txt instead of the recorded split"),
        Option("heads", value: "N", limit: TransformerConfiguration.Limits.heads, "attention heads of a bare transformer state dict without n_head metadata (default: makemore.py's 4)"),
        Option(flag: "json", "print one JSON object: loss, perplexity, bits_per_character, tokens and split (words) by split name (and ensemble: its members)"),
    ] + ModelSelection.options

    struct Options {
        var models: ModelSelection
        var splits: [SplitName]
        var json: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let which = try arguments.choice("split", ["train", "val", "test", "all"]) ?? "all"
        return Options(models: try ModelSelection(arguments), splits: SplitName(rawValue: which).map { [$0] } ?? SplitName.allCases,
                       json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let files = try options.models.files()
        let evaluation = try files.model.evaluation(on: options.splits, source: options.models.loads.joined(separator: " + "))
        if options.json {
            print(JSONValue.object(evaluation.json + (files.ensemble.map { [("ensemble", $0.json)] } ?? [])).serialized)
            return
        }
        if let ensemble = files.ensemble { print(ensemble.text) }
        print(evaluation.text)
    }
}
