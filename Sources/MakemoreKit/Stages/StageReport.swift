import Foundation

/// What a stage reports after fitting: the same fields for every stage, so results compare.
public struct StageReport: Sendable {
    /// Stage name (`bigram`, `neural-bigram`, `mlp`, …).
    public var model: String
    /// Number of learned numbers (for the count bigram: the V×V counts).
    public var parameters: Int
    /// Vocabulary size, boundary included.
    package var vocabularySize: Int
    /// Words per split.
    package var splitSizes: [SplitName: Int]
    /// NLL per split; nil for an empty split.
    public var losses: [SplitName: NLLResult?]
    /// Sampled words.
    public var samples: [String]
    /// Whole command, seconds.
    package var seconds: Double = 0
    /// Optimisation steps taken (nil for stages that do not train).
    public var steps: Int?
    /// Time spent in optimisation only (no evaluation), seconds.
    package var trainSeconds: Double?
    /// The evaluation whose state the model ended with (best val loss), if training evaluated.
    package var best: (step: Int, loss: Double)?
    /// The decay of the moving average of the weights that was evaluated, if training kept one.
    package var emaDecay: Double?
    /// How minibatches drew training examples, for stages that train on minibatches.
    package var sampling: BatchOrder?
    /// Stage-specific fields appended to the JSON object.
    package var extra: [(String, JSONValue)] = []
    /// Stage-specific lines the text form shows after the losses.
    package var notes: [String] = []

    /// A report of the common fields; training figures and extras are set afterwards.
    package init(model: String, parameters: Int, dataset: Dataset, losses: [SplitName: NLLResult?], samples: [String]) {
        self.model = model
        self.parameters = parameters
        vocabularySize = dataset.vocabulary.size
        splitSizes = Dictionary(uniqueKeysWithValues: SplitName.allCases.map { ($0, dataset[$0].count) })
        self.losses = losses
        self.samples = samples
    }

    /// Takes the steps, optimisation time and best evaluation of a training run.
    package mutating func record(_ history: TrainingHistory) {
        steps = history.steps
        trainSeconds = history.trainSeconds
        best = history.best
        emaDecay = history.emaDecay
    }

    /// Milliseconds per optimisation step.
    package var msPerStep: Double? {
        guard let steps, steps > 0, let trainSeconds else { return nil }
        return trainSeconds * 1000 / Double(steps)
    }

    /// The one JSON object `--json` prints.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("model", .string(model)),
            ("parameters", .integer(parameters)),
            ("vocabulary_size", .integer(vocabularySize)),
            ("split", .object(SplitName.allCases.map { ($0.rawValue, .integer(splitSizes[$0] ?? 0)) })),
            ("loss", .object(SplitName.allCases.map { ($0.rawValue, .number(losses[$0]??.nll)) })),
            ("perplexity", .object(SplitName.allCases.map { ($0.rawValue, .number(losses[$0]??.perplexity)) })),
        ]
        if let steps {
            members.append(("steps", .integer(steps)))
            members.append(("train_seconds", .number(trainSeconds)))
            members.append(("ms_per_step", .number(msPerStep)))
        }
        if let sampling { members.append(("sampling", .string(sampling.rawValue))) }
        if let emaDecay { members.append(("ema_decay", .number(emaDecay))) }
        if let best {
            members.append(("best_step", .integer(best.step)))
            members.append(("best_val_loss", .number(best.loss)))
        }
        members.append(("seconds", .number(seconds)))
        members.append(("samples", .array(samples.map(JSONValue.string))))
        return .object(members + extra)
    }

    /// A sampled word as text shows it: the empty word (the model ended at once) as `(empty)`,
    /// so it is never a blank line. JSON keeps it as "".
    package static func shown(_ word: String) -> String { word.isEmpty ? "(empty)" : word }

    /// The text form: sizes, losses, training figures, notes, samples, time.
    public var text: String {
        let sizes = SplitName.allCases.map { "\($0.rawValue) \(splitSizes[$0] ?? 0)" }.joined(separator: ", ")
        var lines = ["model: \(model)  parameters: \(parameters)  vocabulary: \(vocabularySize)", "split (words): \(sizes)"]
        for name in SplitName.allCases {
            lines.append("\(name.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) NLL \(StageReport.format(losses[name] ?? nil))")
        }
        if let steps, let trainSeconds {
            lines.append(String(format: "trained %d steps in %.2f s (%.4f ms/step)", steps, trainSeconds, msPerStep ?? 0))
        }
        if sampling == .epochs { lines.append("batches drew each training example once per shuffled pass (--sampling epochs)") }
        if let emaDecay { lines.append("evaluated the exponential moving average of the weights (decay \(emaDecay))") }
        if let best { lines.append(String(format: "kept the state of step %d (best val loss %.4f)", best.step, best.loss)) }
        lines += notes
        if !samples.isEmpty { lines += ["samples:"] + samples.map { "  " + StageReport.shown($0) } }
        lines.append(String(format: "done in %.2f s", seconds))
        return lines.joined(separator: "\n")
    }

    /// `2.4543  (perplexity 11.64)`, `inf …`, or `— (empty split)`.
    package static func format(_ result: NLLResult?) -> String {
        guard let result else { return "— (empty split)" }
        if result.nll.isInfinite { return "inf (a token has probability 0)" }
        return String(format: "%.4f  (perplexity %.2f)", result.nll, result.perplexity)
    }
}

extension StageReport {
    /// This report with the `count` most frequent pairs of `stage`'s count bigram, most
    /// frequent first: `top_pairs` in the JSON, a line per pair in the notes; unchanged for
    /// another model, or when no pair was seen.
    package func addingTopPairs(_ count: Int, of stage: Stage) throws -> StageReport {
        guard let model = stage.model as? CountBigram, case let pairs = model.topPairs(count), !pairs.isEmpty else { return self }
        let vocabulary = stage.dataset.vocabulary
        let shown = try pairs.map { (pair: try vocabulary.decode([$0.previous, $0.next]), count: $0.count) }
        var report = self
        report.extra.append(("top_pairs", .array(shown.map { .object([("pair", .string($0.pair)), ("count", .integer($0.count))]) })))
        report.notes = ["most frequent pairs:"] + shown.map { "  \($0.pair)  \($0.count)" }
        return report
    }
}
