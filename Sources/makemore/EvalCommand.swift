import MakemoreKit

/// `makemore eval`: the shared evaluator on a checkpoint's split.
enum EvalCommand: Subcommand {
    static let name = "eval"
    static let summary = "NLL, perplexity and bits per character of a checkpoint, a PyTorch state dict or an ensemble of several on a split"
    static let options: [Option] = [
        Option("load", value: "FILE", "checkpoint, makemore.py model.pt or bare safetensors state dict to evaluate (required); repeat it for an ensemble"),
        Option("split", value: "NAME", default: "all", "train | val | test | all"),
        Option("input", value: "FILE", "evaluate on FILE's words, split as the stages split them (needed for a bare state dict: its vocabulary)"),
        Option("split-dir", value: "DIR", "evaluate on DIR/train.txt, val.txt, test.txt instead of the recorded split"),
        Option("heads", value: "N", limit: TransformerConfiguration.Limits.heads, "attention heads of a bare transformer state dict without n_head metadata (default: makemore.py's 4)"),
        Option(flag: "json", "print one JSON object: loss, perplexity, bits_per_character, tokens and split (words) by split name (and ensemble: its members)"),
    ] + ModelSelection.options

    struct Options {
        var models: ModelSelection
        var splits: [SplitName]
        var input: String?
        var splitDirectory: String?
        var heads: Int?
        var json: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let which = try arguments.choice("split", ["train", "val", "test", "all"]) ?? "all"
        return Options(models: try ModelSelection(arguments), splits: SplitName(rawValue: which).map { [$0] } ?? SplitName.allCases, input: arguments.string("input"),
                       splitDirectory: arguments.string("split-dir"), heads: try arguments.int("heads"), json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let (loaded, ensemble) = try options.models.load(input: options.input, splitDirectory: options.splitDirectory, heads: options.heads)
        let dataset = try Dataset(split: loaded.split(), vocabulary: loaded.vocabulary)
        let source = options.models.loads.joined(separator: " + ")
        let results = try options.splits.map { split -> (name: SplitName, result: NLLResult?) in
            (split, try loaded.evaluate(dataset[split], split: split.rawValue, source: source))
        }
        if options.json {
            func bySplit(_ value: (NLLResult) -> JSONValue) -> JSONValue {
                .object(results.map { ($0.name.rawValue, $0.result.map(value) ?? .null) })
            }
            print(JSONValue.object([
                ("model", .string(loaded.kind)), ("step", loaded.step.map(JSONValue.integer) ?? .null),
                ("parameters", .integer(loaded.parameterCount)), ("vocabulary_size", .integer(loaded.vocabulary.size)),
                ("split", .object(results.map { ($0.name.rawValue, .integer(dataset[$0.name].count)) })),
                ("loss", bySplit { .number($0.nll) }), ("perplexity", bySplit { .number($0.perplexity) }),
                ("bits_per_character", bySplit { .number($0.bitsPerCharacter) }), ("tokens", bySplit { .integer($0.tokens) }),
            ] + (ensemble.map { [("ensemble", $0.json)] } ?? [])).serialized)
            return
        }
        if let ensemble { print(ensemble.text) }
        for (name, result) in results {
            let text = result.map { String(format: "NLL %.4f  perplexity %.2f  %.4f bits/char  (%d tokens)", $0.nll, $0.perplexity, $0.bitsPerCharacter, $0.tokens) } ?? "— (empty split)"
            print("\(name.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(text)")
        }
    }
}
