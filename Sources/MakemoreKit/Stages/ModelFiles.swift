import Foundation

/// Several model files read as `makemore eval`, `sample` and `score` read their `--load`s: each
/// file as a `LoadedModel` (bare state dicts against the given words), after one memory check of
/// them all, and their `LoadedEnsemble` when a combination is asked for.
///
/// ```swift
/// let files = try ModelFiles(paths: ["mlp.safetensors", "transformer.safetensors"], combination: .mixture)
/// print(try files.model.evaluation(source: "mlp + transformer").text)
/// ```
public struct ModelFiles {
    /// Each file as itself, in the order given.
    public let models: [(path: String, loaded: LoadedModel)]
    /// Their ensemble, when a combination was asked for.
    public let ensemble: LoadedEnsemble?

    /// The model to evaluate or sample: the ensemble, else the first file.
    public var model: LoadedModel { ensemble?.loaded ?? models[0].loaded }

    /// Reads `paths` (at least one). `words` gives the words a bare state dict models and a
    /// checkpoint is evaluated on instead of its recorded split (nil: each checkpoint's own);
    /// `heads` is the head count of a bare transformer without `n_head`. With a `combination`,
    /// the files are combined with `weights` (one per path, ≥ 0) or weights fitted on the val
    /// words. `onNote` hears each file's note (how a bare state dict was read) as it is read.
    public init(paths: [String], words: (() throws -> DatasetSplit)? = nil, heads: Int? = nil, combination: EnsembleCombination? = nil,
                weights: [Double]? = nil, onNote: (String) -> Void = { _ in }) throws {
        guard !paths.isEmpty else { throw MakemoreError.invalidValue(name: "models", rule: "1 or more", value: "0") }
        try LoadedEnsemble.checkMemory(paths: paths, combination: combination ?? .mixture)
        let models = try paths.map { path in
            let loaded = try LoadedModel(path: path, words: words, heads: heads)
            if let note = loaded.note { onNote(note) }
            return (path: path, loaded: loaded)
        }
        ensemble = try combination.map { try LoadedEnsemble(models: models, combination: $0, weights: weights) }
        self.models = models
    }
}

extension ModelFiles {
    /// Reads `paths` as `makemore eval`, `sample` and `score` read their `--load`s: against the
    /// words of `input` (split as the stages split it by default) or of `splitDirectory`, or each
    /// checkpoint's recorded split when neither is given; the words' rules are checked first
    /// (`DatasetSplit.validateReader`; `encoding` nil: none given). `onDeduplicated` hears how
    /// many repeated words `dedupe` removed; the rest is `init(paths:words:heads:combination:weights:onNote:)`.
    package init(paths: [String], input: String?, splitDirectory: String?, encoding: TextEncoding?, dedupe: Bool, heads: Int?,
                 combination: EnsembleCombination?, weights: [Double]?, onDeduplicated: @escaping (Int) -> Void, onNote: (String) -> Void) throws {
        try DatasetSplit.validateReader(input: input, splitDirectory: splitDirectory, encoding: encoding, dedupe: dedupe)
        let words = DatasetSplit.reader(input: input, splitDirectory: splitDirectory, encoding: encoding ?? .utf8, dedupe: dedupe, onDeduplicated: onDeduplicated)
        try self.init(paths: paths, words: words, heads: heads, combination: combination, weights: weights, onNote: onNote)
    }
}

extension DatasetSplit {
    /// Throws `MakemoreError.conflict` for words asked for in a way model files cannot be read
    /// against (see `reader`): both `input` and `splitDirectory`, `dedupe` without `input`, or
    /// an `encoding` (nil: none given) without either.
    package static func validateReader(input: String?, splitDirectory: String?, encoding: TextEncoding?, dedupe: Bool) throws {
        if input != nil && splitDirectory != nil { throw MakemoreError.conflict(.both("input", "split_directory")) }
        if dedupe && input == nil { throw MakemoreError.conflict(.dedupeWithoutWordList) }
        if let encoding, input == nil && splitDirectory == nil { throw MakemoreError.conflict(.encodingWithoutWords(encoding)) }
    }

    /// The words of `input` (deduplicated when `dedupe` says so, then shuffled with `seed` and
    /// cut as the stages cut them by default) or of the split directory, read once on the
    /// closure's first call however many files use them; nil when neither is given. `onDeduplicated`
    /// hears how many repeated words `dedupe` removed.
    public static func reader(input: String?, splitDirectory: String?, encoding: TextEncoding = .utf8, dedupe: Bool = false,
                              seed: UInt64 = 42, valFraction: Double = 0.1, testFraction: Double = 0.1,
                              onDeduplicated: @escaping (Int) -> Void = { _ in }) -> (() throws -> DatasetSplit)? {
        guard input != nil || splitDirectory != nil else { return nil }
        var read: DatasetSplit?
        return {
            if let read { return read }
            if let splitDirectory {
                read = try DatasetSplit(directory: splitDirectory, encoding: encoding)
            } else if let input {
                let (split, removed) = try DatasetSplit.load(input: input, encoding: encoding, dedupe: dedupe, seed: seed,
                                                             valFraction: valFraction, testFraction: testFraction)
                if dedupe { onDeduplicated(removed) }
                read = split
            }
            return read!
        }
    }
}

/// A model's losses on parts of its split, as `makemore eval` shows them.
public struct ModelEvaluation {
    /// The model evaluated.
    package let model: LoadedModel
    /// Words in each part of the split.
    package let sizes: [SplitName: Int]
    /// The NLL of each part asked for, in order; nil for an empty part.
    public let results: [(split: SplitName, result: NLLResult?)]

    /// A line per part: `val   NLL 2.1234  perplexity 8.36  3.0634 bits/char  (1234 tokens)`.
    public var text: String {
        results.map { name, result in
            let text = result.map { String(format: "NLL %.4f  perplexity %.2f  %.4f bits/char  (%d tokens)", $0.nll, $0.perplexity, $0.bitsPerCharacter, $0.tokens) } ?? "— (empty split)"
            return "\(name.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(text)"
        }.joined(separator: "\n")
    }

    /// One object: `model`, `step`, `parameters`, `vocabulary_size`, `split` (words), and
    /// `loss`, `perplexity`, `bits_per_character`, `tokens` by part (null for an empty one).
    public var json: [(String, JSONValue)] {
        func bySplit(_ value: (NLLResult) -> JSONValue) -> JSONValue { .object(results.map { ($0.split.rawValue, $0.result.map(value) ?? .null) }) }
        return [("model", .string(model.kind)), ("step", model.step.map(JSONValue.integer) ?? .null),
                ("parameters", .integer(model.parameterCount)), ("vocabulary_size", .integer(model.vocabulary.size)),
                ("split", .object(results.map { ($0.split.rawValue, .integer(sizes[$0.split] ?? 0)) })),
                ("loss", bySplit { .number($0.nll) }), ("perplexity", bySplit { .number($0.perplexity) }),
                ("bits_per_character", bySplit { .number($0.bitsPerCharacter) }), ("tokens", bySplit { .integer($0.tokens) })]
    }
}

/// Words sampled from a model, each tagged by where it occurs in the model's split, as
/// `makemore sample` shows them.
public struct TaggedSamples {
    /// The sampled words.
    public let words: [String]
    /// Each word's tag; nil when the split could not be read.
    package let tags: [SampleTag]?

    /// How many words are in no part of the split (nil without tags).
    package var newCount: Int? { tags.map { $0.count { $0 == .new } } }

    /// A word and its tag per line (`unknown` without tags), then how many are new.
    public var text: String {
        let shown = words.map(StageReport.shown)
        let width = shown.map(\.count).max() ?? 0
        let rows = shown.indices.map { Self.padded(shown[$0], toLength: width + 2) + (tags?[$0].description ?? "unknown") }
        return (rows + (newCount.map { ["\($0) of \(words.count) are new"] } ?? [])).joined(separator: "\n")
    }

    /// `text.padding(toLength: length, withPad: " ", startingAt: 0)` (lengths in UTF-16 units).
    /// Foundation's version bridges each row through NSString, ~30 000 instructions a row, more
    /// than sampling a neural bigram's word; appending spaces in Swift is the same string.
    private static func padded(_ text: String, toLength length: Int) -> String {
        let missing = length - text.utf16.count
        guard missing >= 0 else { return text.padding(toLength: length, withPad: " ", startingAt: 0) }
        return text + String(repeating: " ", count: missing)
    }

    /// `samples` (`word`, `tag`) and `new` (null without tags).
    public var json: [(String, JSONValue)] {
        [("samples", .array(words.indices.map { .object([("word", .string(words[$0])), ("tag", .string(tags?[$0].description ?? "unknown"))]) })),
         ("new", newCount.map(JSONValue.integer) ?? .null)]
    }
}

extension LoadedModel {
    /// The NLL of each of `splits` of the model's split (the given words, else the recorded
    /// ones), named `source` in errors.
    public func evaluation(on splits: [SplitName] = SplitName.allCases, source: String) throws -> ModelEvaluation {
        let dataset = try Dataset(split: split(), vocabulary: vocabulary)
        let results = try splits.map { ($0, try evaluate(dataset[$0], split: $0.rawValue, source: source)) }
        return ModelEvaluation(model: self, sizes: Dictionary(uniqueKeysWithValues: SplitName.allCases.map { ($0, dataset[$0].count) }), results: results)
    }

    /// `count` words starting with `prefix`, drawn with `seed`, at most twice as long as the
    /// split's longest word (at least 16; 64 when the split cannot be read) unless the model
    /// has a limit of its own, and tagged against the split. `onNote` hears why they cannot be
    /// tagged when the split cannot be read.
    public func sample(count: Int, temperature: Double = 1, topK: Int? = nil, prefix: String = "", seed: UInt64 = 42,
                       onNote: (String) -> Void = { _ in }) throws -> TaggedSamples {
        var generator = RandomGenerator(seed: seed)
        let prefix = try vocabulary.encode(prefix, context: "prefix")
        let split: DatasetSplit?
        do {
            split = try self.split()
        } catch let error as MakemoreError {
            onNote("cannot tag samples (\(error))")
            split = nil
        }
        let longest = split.map { $0.allWords.map(\.count).max() ?? 0 } ?? 32
        let options = SamplingOptions(temperature: temperature, topK: topK, prefix: prefix, maximumLength: SamplingOptions.lengthLimit(longestWord: longest))
        try options.checkPrefix(for: model)
        let words = try Sampler.generate(model, count: count, options: options, using: &generator).map { try vocabulary.decode($0) }
        let tagger = split.map { SampleTagger(split: $0) }
        return TaggedSamples(words: words, tags: tagger.map { tagger in words.map(tagger.tag) })
    }
}
