import Foundation
import MakemoreKit

/// `makemore score WORD…`: how likely each word is under one or more models of any stage
/// (this project's checkpoints, makemore.py's `model.pt`, bare safetensors state dicts),
/// prediction by prediction, through the evaluator's path (the notes' log-likelihood of single
/// words). Several `--load`s give one column per model side by side.
enum ScoreCommand: Subcommand {
    /// What to score and where to write the pictures, read once from the command line.
    struct Options {
        var words: [String] = []
        var models: ModelSelection?
        var input: String?
        var splitDirectory: String?
        var heads: Int?
        var plotProbabilities: String?
        var plotEmbedding: String?
        var plotAttention: String?
        var json = false
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
        var o = Options()
        o.words = arguments.positionals
        o.models = try ModelSelection(arguments, several: nil)
        o.input = arguments.string("input")
        o.splitDirectory = arguments.string("split-dir")
        o.heads = try arguments.int("heads")
        o.plotProbabilities = arguments.string("plot-probabilities")
        o.plotEmbedding = arguments.string("plot-embedding")
        o.plotAttention = arguments.string("plot-attention")
        o.json = arguments.flag("json")
        return o
    }

    /// One model's scores of the words.
    private struct Column {
        let path: String
        let loaded: LoadedModel
        let scores: [WordScore]
        /// Percentiles among the training words, nil when there are no training words to read.
        let percentiles: [Double]?

        var heading: String { "\(loaded.kind) (\(URL(fileURLWithPath: path).lastPathComponent))" }
    }

    static func run(_ options: Options) throws {
        guard let selection = options.models else { throw UsageError("missing --load FILE") }
        try OutputChecks.check([("plot-probabilities", options.plotProbabilities), ("plot-embedding", options.plotEmbedding), ("plot-attention", options.plotAttention)],
                               inputs: selection.loads + OutputChecks.inputs(input: options.input, splitDirectory: options.splitDirectory))
        let fromStdin = options.words.isEmpty
        let words = fromStdin ? readWords() : options.words
        guard !words.isEmpty else { throw UsageError("no words to score: give them as arguments or one per line on stdin") }
        var models = try selection.loadEach(input: options.input, splitDirectory: options.splitDirectory, heads: options.heads)
        let ensemble = try selection.ensemble(of: models)
        if let ensemble { models.append((path: ensemble.ensemble.combination.rawValue, loaded: ensemble.loaded)) }
        let first = models[0]
        let embedding = try options.plotEmbedding.map { _ in
            guard let embedding = CharacterEmbedding(model: first.loaded.model) else {
                throw MakemoreError.file(path: first.path, reason: "the \(first.loaded.kind) model has no character embedding to plot")
            }
            return embedding
        }
        let transformer = try options.plotAttention.map { _ in
            guard let transformer = first.loaded.model as? Transformer else {
                throw MakemoreError.file(path: first.path, reason: "--plot-attention needs a transformer; the \(first.loaded.kind) model has no attention")
            }
            return transformer
        }
        let columns = try models.map { try column(path: $0.path, loaded: $0.loaded, words: words, fromStdin: fromStdin) }
        let heading = columns[0].heading
        if let path = options.plotProbabilities {
            let symbols = try (columns[0].scores[0].tokens + [Vocabulary.boundary]).map { try first.loaded.vocabulary.symbol(of: $0) }
            let chart = ProbabilityChart(title: "p of each character of '\(words[0])'", symbols: symbols,
                                         series: columns.map { ProbabilityChart.Series(label: $0.heading, probabilities: $0.scores[0].predictions.map(\.probability)) })
            try AtomicFile.write(chart.svg(), to: path)
        }
        if let path = options.plotEmbedding, let embedding {
            let chart = EmbeddingChart(title: "character embedding of \(heading)", table: embedding.table,
                                       dimensions: embedding.dimensions, vocabulary: first.loaded.vocabulary)
            try AtomicFile.write(chart.svg(), to: path)
        }
        if let path = options.plotAttention, let transformer {
            let tokens = columns[0].scores[0].tokens
            let chart = AttentionChart(title: "attention of \(heading) over '\(words[0])'", maps: transformer.attentionMaps(for: tokens),
                                       labels: try ([Vocabulary.boundary] + tokens).map { try first.loaded.vocabulary.symbol(of: $0) })
            try AtomicFile.write(chart.svg(), to: path)
        }
        if options.json {
            print(try json(words: words, columns: columns, ensemble: ensemble).serialized)
        } else {
            if let ensemble { print(ensemble.text + "\n") }
            try printTable(words: words, columns: columns)
        }
    }

    /// Non-empty lines of stdin, trimmed.
    private static func readWords() -> [String] {
        var words: [String] = []
        while let line = readLine() {
            let word = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !word.isEmpty { words.append(word) }
        }
        return words
    }

    /// The words' scores under one model and their percentiles; a model without training words
    /// to rank among gets one note on stderr and no percentiles.
    private static func column(path: String, loaded: LoadedModel, words: [String], fromStdin: Bool) throws -> Column {
        let tokens = try words.map { word in
            try loaded.vocabulary.encode(word, context: "word", source: fromStdin ? WordList.displayName(WordList.standardInput) : nil)
        }
        let scores = try loaded.score(tokens, source: path)
        var percentiles: [Double]?
        do {
            let reference = try loaded.trainingNLLs()
            percentiles = scores.map { reference.percentile(of: $0.totalNLL) }
        } catch let error as MakemoreError {
            printError("makemore score: note: no percentiles for \(path) (\(error))")
        }
        return Column(path: path, loaded: loaded, scores: scores, percentiles: percentiles)
    }

    private static func json(words: [String], columns: [Column], ensemble: LoadedEnsemble?) throws -> JSONValue {
        let models = columns.map { JSONValue.object([("load", .string($0.path)), ("model", .string($0.loaded.kind)), ("step", $0.loaded.step.map(JSONValue.integer) ?? .null)]) }
        let entries = try words.indices.map { w -> JSONValue in
            .object([("word", .string(words[w])), ("scores", .array(try columns.map { column in
                let score = column.scores[w]
                let predictions = try score.predictions.map { p in
                    JSONValue.object([("character", .string(try column.loaded.vocabulary.symbol(of: p.token))),
                                      ("probability", .number(p.probability)), ("nll", .number(p.nll))])
                }
                return .object([("predictions", .array(predictions)), ("total_nll", .number(score.totalNLL)),
                                ("mean_nll", .number(score.meanNLL)), ("percentile", .number(column.percentiles?[w]))])
            }))])
        }
        return .object([("models", .array(models)), ("words", .array(entries))] + (ensemble.map { [("ensemble", $0.json)] } ?? []))
    }

    /// Per word: a row per prediction (p and −ln p under each model), then the totals.
    private static func printTable(words: [String], columns: [Column]) throws {
        let cell = max(22, columns.map(\.heading.count).max()! + 2)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        func emit(_ line: String) { print(String(line[..<(line.lastIndex { $0 != " " }.map(line.index(after:)) ?? line.startIndex)])) }
        // The first column fits the words, up to 40 characters: a longer word overflows its own
        // heading line only, so the table grows linearly with the word's length.
        let first = max(16, min(words.map(\.count).max()! + 4, 40))
        for (w, word) in words.enumerated() {
            if w > 0 { print("") }
            emit(pad(word, first) + columns.map { pad($0.heading, cell) }.joined())
            emit(pad("", first) + columns.map { _ in pad("p        −ln p", cell) }.joined())
            let vocabulary = columns[0].loaded.vocabulary
            for (k, token) in (columns[0].scores[w].tokens + [Vocabulary.boundary]).enumerated() {
                let symbol = try vocabulary.symbol(of: token)
                let row = columns.map { column -> String in
                    let p = column.scores[w].predictions[k]
                    let probability = p.probability >= 0.001 || p.probability == 0 ? String(format: "%.4f", p.probability) : String(format: "%.2e", p.probability)
                    return pad(pad(probability, 9) + String(format: "%.4f", p.nll), cell)
                }
                emit(pad("  " + symbol + (token == Vocabulary.boundary ? "  (end)" : ""), first) + row.joined())
            }
            emit(pad("  total NLL", first) + columns.map { pad(String(format: "%.4f", $0.scores[w].totalNLL), cell) }.joined())
            emit(pad("  mean NLL", first) + columns.map { pad(String(format: "%.4f", $0.scores[w].meanNLL), cell) }.joined())
            emit(pad("  percentile", first) + columns.map { pad($0.percentiles.map { String(format: "%.1f", $0[w]) } ?? "—", cell) }.joined())
        }
        print("\npercentile: share of the training words (in %) with a lower total NLL, i.e. more likely than this word")
    }
}
