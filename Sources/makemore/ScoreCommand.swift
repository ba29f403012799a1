import Foundation
import MakemoreKit

/// `makemore score WORD…`: how likely each word is under one or more checkpoints of any stage,
/// prediction by prediction, through the evaluator's path (the notes' log-likelihood of single
/// words). Several `--load`s give one column per model side by side.
enum ScoreCommand: Subcommand {
    /// What to score and where to write the pictures, read once from the command line.
    struct Options {
        var words: [String] = []
        var loads: [String] = []
        var plotProbabilities: String?
        var plotEmbedding: String?
        var json = false
    }

    static let name = "score"
    static let summary = "how likely words are under checkpoints: each character's p and −ln p, total and mean NLL, percentile among the training words"
    static let options: [Option] = [
        Option(positional: "WORD…", "words to score (one per line from stdin when none are given)"),
        Option("load", value: "FILE", "checkpoint of any stage (required); repeat it for one column per model"),
        Option("plot-probabilities", value: "FILE.svg", "per-character probability bars of the first word, one colour per model"),
        Option("plot-embedding", value: "FILE.svg", "the first checkpoint's character embedding in 2-D (first two dimensions, or principal components when wider)"),
        Option(flag: "json", "print one JSON object"),
    ]

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        var o = Options()
        o.words = arguments.positionals
        o.loads = arguments.strings("load")
        o.plotProbabilities = arguments.string("plot-probabilities")
        o.plotEmbedding = arguments.string("plot-embedding")
        o.json = arguments.flag("json")
        return o
    }

    /// One checkpoint's scores of the words.
    private struct Column {
        let path: String
        let checkpoint: Checkpoint
        let scores: [WordScore]
        /// Percentiles among the training words, nil when the split cannot be loaded.
        let percentiles: [Double]?

        var heading: String { "\(checkpoint.kind) (\(URL(fileURLWithPath: path).lastPathComponent))" }
    }

    static func run(_ options: Options) throws {
        guard !options.loads.isEmpty else { throw UsageError("missing --load FILE") }
        let fromStdin = options.words.isEmpty
        let words = fromStdin ? readWords() : options.words
        guard !words.isEmpty else { throw UsageError("no words to score: give them as arguments or one per line on stdin") }
        let columns = try options.loads.map { try column(path: $0, words: words, fromStdin: fromStdin) }
        if let path = options.plotProbabilities {
            let first = columns[0].scores[0]
            let symbols = (first.tokens + [Vocabulary.boundary]).map { columns[0].checkpoint.vocabulary.symbol(of: $0) }
            let chart = ProbabilityChart(title: "p of each character of '\(words[0])'", symbols: symbols,
                                         series: columns.map { ProbabilityChart.Series(label: $0.heading, probabilities: $0.scores[0].predictions.map(\.probability)) })
            try AtomicFile.write(chart.svg(), to: path)
        }
        if let path = options.plotEmbedding {
            let checkpoint = columns[0].checkpoint
            guard let embedding = CharacterEmbedding(checkpoint: checkpoint) else {
                throw MakemoreError("\(options.loads[0]): the \(checkpoint.kind) model has no character embedding to plot")
            }
            let chart = EmbeddingChart(title: "character embedding of \(columns[0].heading)", table: embedding.table,
                                       dimensions: embedding.dimensions, vocabulary: checkpoint.vocabulary)
            try AtomicFile.write(chart.svg(), to: path)
        }
        if options.json {
            print(json(words: words, columns: columns).serialized)
        } else {
            printTable(words: words, columns: columns)
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

    private static func column(path: String, words: [String], fromStdin: Bool) throws -> Column {
        let checkpoint = try Checkpoint.read(path: path)
        let model = try ModelRegistry.restore(checkpoint, source: path)
        let tokens = try words.map { word -> [Int32] in
            let encoded: [Int32]
            do {
                encoded = try checkpoint.vocabulary.encode(word, context: "\(path): word")
            } catch let error as MakemoreError {
                if fromStdin { throw error }
                throw UsageError(error.message)
            }
            if let limit = model.maximumWordLength, encoded.count > limit {
                throw MakemoreError("\(path): word '\(word)' has \(encoded.count) characters; the \(checkpoint.kind) model reads at most \(limit)")
            }
            return encoded
        }
        let scores = WordScore.score(model, words: tokens)
        var percentiles: [Double]?
        do {
            let train = try Dataset(split: checkpoint.split.load(), vocabulary: checkpoint.vocabulary).train
            let limit = model.maximumWordLength ?? Int.max
            let reference = NLLDistribution(WordScore.score(model, words: train.filter { $0.count <= limit }))
            percentiles = scores.map { reference.percentile(of: $0.totalNLL) }
        } catch let error as MakemoreError {
            printError("makemore score: note: no percentiles for \(path) (\(error.message))")
        }
        return Column(path: path, checkpoint: checkpoint, scores: scores, percentiles: percentiles)
    }

    private static func json(words: [String], columns: [Column]) -> JSONValue {
        let models = columns.map { JSONValue.object([("load", .string($0.path)), ("model", .string($0.checkpoint.kind)), ("step", .integer($0.checkpoint.step))]) }
        let entries = words.indices.map { w -> JSONValue in
            .object([("word", .string(words[w])), ("scores", .array(columns.map { column in
                let score = column.scores[w]
                let predictions = score.predictions.map { p in
                    JSONValue.object([("character", .string(column.checkpoint.vocabulary.symbol(of: p.token))),
                                      ("probability", .number(p.probability)), ("nll", .number(p.nll))])
                }
                return .object([("predictions", .array(predictions)), ("total_nll", .number(score.totalNLL)),
                                ("mean_nll", .number(score.meanNLL)), ("percentile", .number(column.percentiles?[w]))])
            }))])
        }
        return .object([("models", .array(models)), ("words", .array(entries))])
    }

    /// Per word: a row per prediction (p and −ln p under each model), then the totals.
    private static func printTable(words: [String], columns: [Column]) {
        let cell = max(22, columns.map(\.heading.count).max()! + 2)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        func emit(_ line: String) { print(line.replacingOccurrences(of: " +$", with: "", options: .regularExpression)) }
        let first = max(16, words.map(\.count).max()! + 4)
        for (w, word) in words.enumerated() {
            if w > 0 { print("") }
            emit(pad(word, first) + columns.map { pad($0.heading, cell) }.joined())
            emit(pad("", first) + columns.map { _ in pad("p        −ln p", cell) }.joined())
            let vocabulary = columns[0].checkpoint.vocabulary
            for (k, token) in (columns[0].scores[w].tokens + [Vocabulary.boundary]).enumerated() {
                let symbol = vocabulary.symbol(of: token)
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
