import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore score WORD…`: how likely each word is under one or more models of any stage
/// (this project's checkpoints, makemore.py's `model.pt`, bare safetensors state dicts),
/// prediction by prediction, through the evaluator's path (the notes' log-likelihood of single
/// words). Several `--load`s give one column per model side by side.
enum ScoreCommand: Subcommand {
    /// What to score and where to write the pictures, read once from the command line.
    struct Options {
        var words: [String]
        var models: ModelSelection
        var plots: WordScoreTable.Plots
        var json: Bool
    }

    static let name = "score"
    static let summary = "how likely words are under models of any stage: each character's p and −ln p, total and mean NLL, percentile among the training words"
    static let options: [Option] = [
        Option(positional: "WORD…", "words to score (one per line from stdin when none are given)"),
        Option("load", value: "FILE", "checkpoint of any stage, makemore.py model.pt or bare safetensors state dict (required); repeat it for one column per model (and --ensemble for one more: their ensemble)"),
        Option("input", value: "FILE", "the words the models were trained on, split as the stages split them: the percentiles' training words (and a bare state dict's vocabulary)"),
        Option("split-dir", value: "DIR", key: "split_directory", "the same from DIR/train.txt, val.txt, test.txt"),
        Option("heads", value: "N", limit: TransformerConfiguration.Limits.heads, "attention heads of a bare transformer state dict without n_head metadata (default: makemore.py's 4)"),
        Option("plot-probabilities", value: "FILE.svg", key: "probability_plot", "per-character probability bars of the first word, one colour per model"),
        Option("plot-embedding", value: "FILE.svg", key: "embedding_plot", "the first model's character embedding in 2-D (first two dimensions, or principal components when wider)"),
        Option("plot-attention", value: "FILE.svg", key: "attention_plot", "the first model's attention over the first word, one heatmap per layer and head (transformer only)"),
        Option(flag: "json", "print one JSON object"),
    ] + ModelSelection.options

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        let plots = WordScoreTable.Plots(probabilities: arguments.string("plot-probabilities"), embedding: arguments.string("plot-embedding"),
                                         attention: arguments.string("plot-attention"))
        return Options(words: arguments.positionals, models: try ModelSelection(arguments, several: nil), plots: plots, json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let selection = options.models
        let inputs = selection.loads + DatasetSplit.files(input: selection.input, splitDirectory: selection.splitDirectory)
        try options.plots.validate(inputs: inputs)
        let words = options.words.isEmpty ? WordScoreTable.words() : options.words
        guard !words.isEmpty else { throw UsageError("no words to score: give them as arguments or one per line on stdin") }
        let files = try selection.files()
        try options.plots.validate(files, inputs: inputs)
        let table = try WordScoreTable(words: words, files: files, source: options.words.isEmpty ? WordList.displayName(WordList.standardInput) : nil) {
            printError("makemore score: note: \($0)")
        }
        try options.plots.write(table)
        print(options.json ? try table.json().serialized : try table.text())
    }
}
