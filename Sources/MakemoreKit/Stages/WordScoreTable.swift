import Foundation

/// Words scored under one or more models side by side, as `makemore score` shows them: per
/// model, each word's predictions (`WordScore`) and its percentile among the training words.
///
/// ```swift
/// let table = try WordScoreTable(words: ["emma", "zzz"], files: ModelFiles(paths: ["mlp.safetensors"]))
/// print(try table.text())
/// ```
public struct WordScoreTable {
    /// One model's scores of the words.
    package struct Column {
        /// The model's file (for an ensemble: its combination's name).
        package let path: String
        package let loaded: LoadedModel
        /// A score per word, in order.
        package let scores: [WordScore]
        /// Per word, the share of the training words (in %) with a lower total NLL; nil when
        /// there are no training words to rank among.
        package let percentiles: [Double]?

        /// `mlp (mlp.safetensors)`.
        package var heading: String { "\(loaded.kind) (\(URL(fileURLWithPath: path).lastPathComponent))" }
    }

    package let words: [String]
    /// A column per file, then the ensemble's when there is one.
    package let columns: [Column]
    package let ensemble: LoadedEnsemble?

    /// Scores `words` (in the model's characters; `source` names where they came from in
    /// errors) under each of `files` and their ensemble. A model without training words to
    /// rank among gets no percentiles, and `onNote` hears why.
    public init(words: [String], files: ModelFiles, source: String? = nil, onNote: (String) -> Void = { _ in }) throws {
        guard !words.isEmpty else { throw MakemoreError.invalidValue(name: "words", rule: "1 or more", value: "0") }
        let ensemble = files.ensemble.map { [(path: $0.ensemble.combination.rawValue, loaded: $0.loaded)] } ?? []
        columns = try (files.models + ensemble).map { path, loaded in
            let scores = try loaded.score(words.map { try loaded.vocabulary.encode($0, context: "word", source: source) }, source: path)
            var percentiles: [Double]?
            do {
                let reference = try loaded.trainingNLLs()
                percentiles = scores.map { reference.percentile(of: $0.totalNLL) }
            } catch let error as MakemoreError {
                onNote("no percentiles for \(path) (\(error))")
            }
            return Column(path: path, loaded: loaded, scores: scores, percentiles: percentiles)
        }
        self.words = words
        self.ensemble = files.ensemble
    }

    /// The ensemble's summary, then per word a row per prediction (p and −ln p under each
    /// model), the total and mean NLL and the percentile; then what the percentile means.
    public func text() throws -> String {
        let cell = max(22, columns.map(\.heading.count).max()! + 2)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = ensemble.map { [$0.text, ""] } ?? []
        func emit(_ line: String) { lines.append(String(line[..<(line.lastIndex { $0 != " " }.map(line.index(after:)) ?? line.startIndex)])) }
        // The first column fits the words, up to 40 characters: a longer word overflows its own
        // heading line only, so the table grows linearly with the word's length.
        let first = max(16, min(words.map(\.count).max()! + 4, 40))
        for (w, word) in words.enumerated() {
            if w > 0 { lines.append("") }
            emit(pad(word, first) + columns.map { pad($0.heading, cell) }.joined())
            emit(pad("", first) + columns.map { _ in pad("p        −ln p", cell) }.joined())
            for (k, token) in (columns[0].scores[w].tokens + [Vocabulary.boundary]).enumerated() {
                let row = columns.map { column -> String in
                    let p = column.scores[w].predictions[k]
                    let probability = p.probability >= 0.001 || p.probability == 0 ? String(format: "%.4f", p.probability) : String(format: "%.2e", p.probability)
                    return pad(pad(probability, 9) + String(format: "%.4f", p.nll), cell)
                }
                emit(pad("  " + (try columns[0].loaded.vocabulary.symbol(of: token)) + (token == Vocabulary.boundary ? "  (end)" : ""), first) + row.joined())
            }
            emit(pad("  total NLL", first) + columns.map { pad(String(format: "%.4f", $0.scores[w].totalNLL), cell) }.joined())
            emit(pad("  mean NLL", first) + columns.map { pad(String(format: "%.4f", $0.scores[w].meanNLL), cell) }.joined())
            emit(pad("  percentile", first) + columns.map { pad($0.percentiles.map { String(format: "%.1f", $0[w]) } ?? "—", cell) }.joined())
        }
        return (lines + ["", "percentile: share of the training words (in %) with a lower total NLL, i.e. more likely than this word"]).joined(separator: "\n")
    }

    /// One object: `models` (`load`, `model`, `step`), `words` (per word, per model: the
    /// `predictions`' `character`, `probability`, `nll`, and `total_nll`, `mean_nll`,
    /// `percentile`), and the `ensemble` when there is one.
    public func json() throws -> JSONValue {
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

    /// The first word's per-character probabilities, one series per column.
    package func probabilityChart() throws -> ProbabilityChart {
        let first = columns[0]
        let symbols = try (first.scores[0].tokens + [Vocabulary.boundary]).map { try first.loaded.vocabulary.symbol(of: $0) }
        return ProbabilityChart(title: "p of each character of '\(words[0])'", symbols: symbols,
                                series: columns.map { ProbabilityChart.Series(label: $0.heading, probabilities: $0.scores[0].predictions.map(\.probability)) })
    }

    /// The first model's character embedding; nil when it has none.
    package func embeddingChart() -> EmbeddingChart? {
        let first = columns[0]
        guard let embedding = CharacterEmbedding(model: first.loaded.model) else { return nil }
        return EmbeddingChart(title: "character embedding of \(first.heading)", table: embedding.table, dimensions: embedding.dimensions,
                              vocabulary: first.loaded.vocabulary)
    }

    /// The first model's attention over the first word, per layer and head; nil when it is no
    /// transformer.
    package func attentionChart() throws -> AttentionChart? {
        let first = columns[0]
        guard let transformer = first.loaded.model as? Transformer else { return nil }
        let tokens = first.scores[0].tokens
        return AttentionChart(title: "attention of \(first.heading) over '\(words[0])'", maps: transformer.attentionMaps(for: tokens),
                              labels: try ([Vocabulary.boundary] + tokens).map { try first.loaded.vocabulary.symbol(of: $0) })
    }
}

extension WordScoreTable {
    /// The pictures `makemore score` draws of a table, each written atomically; a nil path leaves
    /// that picture out. They are checked twice before anything is written: as paths before the
    /// model files are read, then against what the files turn out to hold.
    package struct Plots {
        /// Per-character probability bars of the first word, one series per model.
        package var probabilities: String?
        /// The first model's character embedding.
        package var embedding: String?
        /// The first model's attention over the first word; the model must be a transformer.
        package var attention: String?

        package init(probabilities: String? = nil, embedding: String? = nil, attention: String? = nil) {
            (self.probabilities, self.embedding, self.attention) = (probabilities, embedding, attention)
        }

        /// The pictures, each named by its value; nil when not asked for.
        package var files: [(name: String, path: String?)] {
            [("probability_plot", probabilities), ("embedding_plot", embedding), ("attention_plot", attention)]
        }

        /// Throws `MakemoreError.invalidOutput` for a picture that cannot be written, two
        /// pictures on one file, or one that would replace one of `inputs`.
        package func validate(inputs: [String]) throws { try OutputPath.validate(files, inputs: inputs) }

        /// Throws unless the pictures can be drawn of `files`: none may replace `inputs` or the
        /// word lists the checkpoints record (`MakemoreError.invalidOutput`), and the first model
        /// must have the embedding or the attention asked for (`MakemoreError.lacking`, in its file).
        package func validate(_ files: ModelFiles, inputs: [String]) throws {
            try validate(inputs: inputs + files.models.flatMap(\.loaded.recordedInputs))
            let (path, first) = files.models[0]
            if embedding != nil, CharacterEmbedding(model: first.model) == nil {
                throw MakemoreError.inFile(path: path, .lacking(name: "embedding_plot", model: first.kind, part: "character embedding to plot", needs: nil))
            }
            if attention != nil, !(first.model is Transformer) {
                throw MakemoreError.inFile(path: path, .lacking(name: "attention_plot", model: first.kind, part: "attention", needs: "a transformer"))
            }
        }

        /// Writes the pictures of `table`.
        package func write(_ table: WordScoreTable) throws {
            if let path = probabilities { try AtomicFile.write(table.probabilityChart().svg(), to: path) }
            if let path = embedding, let chart = table.embeddingChart() { try AtomicFile.write(chart.svg(), to: path) }
            if let path = attention, let chart = try table.attentionChart() { try AtomicFile.write(chart.svg(), to: path) }
        }
    }

    /// The words of `lines` (standard input's by default), one per line, trimmed; blank lines
    /// are skipped.
    package static func words(lines next: () -> String? = { readLine() }) -> [String] {
        var words: [String] = []
        while let line = next() {
            if case let word = line.trimmingCharacters(in: .whitespacesAndNewlines), !word.isEmpty { words.append(word) }
        }
        return words
    }
}
