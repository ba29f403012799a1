import Foundation
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
        var plotProbabilities, plotEmbedding, plotAttention: String?
        var json: Bool
    }

    static let name = "score"
    static let summary = "how likely words are under models of any stage: each character's p and −ln p, total and mean NLL, percentile among the training words"
    static let options: [Option] = [
        Option(positional: "WORD…", "words to score (one per line from stdin when none are given)"),
        Option("load", value: "FILE", "checkpoint of any stage, makemore.py model.pt or bare safetensors state dict (required); repeat it for one column per model (and --ensemble for one more: their ensemble)"),
        Option("input", value: "FILE", "the words the models were trained on, split as the stages split them: the percentiles' training words (and a bare state dict's vocabulary)"),
        Option("split-dir", value: "DIR", "the same from DIR/train.txt, val.txt, test.txt"),
        Option("heads", value: "N", limit: TransformerConfiguration.Limits.heads, "attention heads of a bare transformer state dict without n_head metadata (default: makemore.py's 4)"),
        Option("plot-probabilities", value: "FILE.svg", "per-character probability bars of the first word, one colour per model"),
        Option("plot-embedding", value: "FILE.svg", "the first model's character embedding in 2-D (first two dimensions, or principal components when wider)"),
        Option("plot-attention", value: "FILE.svg", "the first model's attention over the first word, one heatmap per layer and head (transformer only)"),
        Option(flag: "json", "print one JSON object"),
    ] + ModelSelection.options

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        Options(words: arguments.positionals, models: try ModelSelection(arguments, several: nil), plotProbabilities: arguments.string("plot-probabilities"),
                plotEmbedding: arguments.string("plot-embedding"), plotAttention: arguments.string("plot-attention"), json: arguments.flag("json"))
    }

    static func run(_ options: Options) throws {
        let selection = options.models
        let outputs = [("plot-probabilities", options.plotProbabilities), ("plot-embedding", options.plotEmbedding), ("plot-attention", options.plotAttention)]
        let inputs = selection.loads + DatasetSplit.files(input: selection.input, splitDirectory: selection.splitDirectory)
        try OutputPath.validate(outputs, inputs: inputs)
        var words = options.words
        while options.words.isEmpty, let line = readLine() {
            if case let word = line.trimmingCharacters(in: .whitespacesAndNewlines), !word.isEmpty { words.append(word) }
        }
        guard !words.isEmpty else { throw UsageError("no words to score: give them as arguments or one per line on stdin") }
        let files = try selection.files()
        // The word lists the checkpoints record are inputs too, known once the files are read.
        try OutputPath.validate(outputs, inputs: inputs + files.models.flatMap(\.loaded.recordedInputs))
        let first = files.models[0]
        if options.plotEmbedding != nil, CharacterEmbedding(model: first.loaded.model) == nil {
            throw MakemoreError.file(path: first.path, reason: "the \(first.loaded.kind) model has no character embedding to plot")
        }
        if options.plotAttention != nil, !(first.loaded.model is Transformer) {
            throw MakemoreError.file(path: first.path, reason: "--plot-attention needs a transformer; the \(first.loaded.kind) model has no attention")
        }
        let table = try WordScoreTable(words: words, files: files, source: options.words.isEmpty ? WordList.displayName(WordList.standardInput) : nil) {
            printError("makemore score: note: \($0)")
        }
        if let path = options.plotProbabilities { try AtomicFile.write(table.probabilityChart().svg(), to: path) }
        if let path = options.plotEmbedding, let chart = table.embeddingChart() { try AtomicFile.write(chart.svg(), to: path) }
        if let path = options.plotAttention, let chart = try table.attentionChart() { try AtomicFile.write(chart.svg(), to: path) }
        print(options.json ? try table.json().serialized : try table.text())
    }
}
