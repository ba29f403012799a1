import MakemoreKit

/// `makemore eval`: the shared evaluator on a checkpoint's split.
enum EvalCommand: Subcommand {
    static let name = "eval"
    static let summary = "NLL, perplexity and bits per character of a checkpoint on its split"
    static let options: [Option] = [
        Option("load", value: "FILE", "checkpoint to evaluate (required)"),
        Option("split", value: "NAME", default: "all", "train | val | test | all"),
        Option("split-dir", value: "DIR", "evaluate on DIR/train.txt, val.txt, test.txt instead of the recorded split"),
        Option(flag: "json", "print one JSON object"),
    ]

    struct Options {
        var load: String
        var splits: [SplitName]
        var splitDirectory: String?
        var json: Bool
    }

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        guard let path = arguments.string("load") else { throw UsageError("missing --load FILE") }
        let which = try arguments.choice("split", ["train", "val", "test", "all"]) ?? "all"
        return Options(load: path, splits: SplitName(rawValue: which).map { [$0] } ?? SplitName.allCases,
                       splitDirectory: arguments.string("split-dir"), json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let checkpoint = try Checkpoint.read(path: options.load)
        let model = try ModelRegistry.restore(checkpoint, source: options.load)
        let split = try options.splitDirectory.map { try DatasetSplit(directory: $0) } ?? checkpoint.split.load()
        let dataset = try Dataset(split: split, vocabulary: checkpoint.vocabulary)
        var members: [(String, JSONValue)] = [("model", .string(checkpoint.kind)), ("step", .integer(checkpoint.step))]
        for name in options.splits {
            let result = Evaluator.evaluate(model, words: dataset[name])
            members.append((name.rawValue, result.map {
                .object([("nll", .number($0.nll)), ("perplexity", .number($0.perplexity)),
                         ("bits_per_character", .number($0.bitsPerCharacter)), ("tokens", .integer($0.tokens)), ("words", .integer(dataset[name].count))])
            } ?? .null))
            if !options.json {
                let text = result.map { String(format: "NLL %.4f  perplexity %.2f  %.4f bits/char  (%d tokens)", $0.nll, $0.perplexity, $0.bitsPerCharacter, $0.tokens) } ?? "— (empty split)"
                print("\(name.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(text)")
            }
        }
        if options.json { print(JSONValue.object(members).serialized) }
    }
}
