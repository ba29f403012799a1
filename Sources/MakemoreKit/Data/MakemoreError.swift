import Foundation

/// What went wrong, as a case a program can act on: an argument out of its range, a file that
/// cannot be used, a model that does not fit the words or the machine, a run that diverged.
/// `description` is one line for a person. Messages name values (`learning_rate`, `prefix`)
/// and files, never command-line flags: a front end maps a value's `name` to its own spelling.
public enum MakemoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument or configuration value that breaks its rule: `name` is the value's name (a
    /// `Limit`'s, e.g. `n_embd`, `learning_rate`, `count`), `rule` what it must be, read after
    /// "must be" (`in 1...4096`, `1 or more`, `a power of two (2, 4, 8, 16, …)`), and `value`
    /// the value given, as text.
    case invalidValue(name: String, rule: String, value: String)
    /// The text given as `name` (a prefix, a word) holds `character`, which the vocabulary
    /// lacks.
    case outsideVocabulary(name: String, text: String, character: Character)
    /// The output `name` (as its caller calls it: `checkpoint`, `log`) at `path` cannot be
    /// written or would replace an input; found before any work is done.
    case invalidOutput(name: String, path: String, reason: String)
    /// Values given together that a rule forbids (see `Conflict`).
    case conflict(Conflict)
    /// The value `name` was given without `needed`, the value it works with (a stop step
    /// without a checkpoint to keep the stopped run in).
    case needs(name: String, needed: String)
    /// The output `name` (a picture of a model) cannot be made of a `model` stage's model: it
    /// has no `part`; `needs` says which model would have it, when one would.
    case lacking(name: String, model: String, part: String, needs: String?)
    /// The file at `path` (a sweep's spec) sets `name`, which the stage `stage` does not take.
    case unknownSetting(path: String, stage: String, name: String)
    /// `name` is not one of the stages `known` (of a comparison's ladder).
    case unknownStage(name: String, known: [String])
    /// A whole-word model's block of `blockSize` positions cannot hold the longest word, of
    /// `longestWord` characters, and the token that ends it.
    case wordsDoNotFit(blockSize: Int, longestWord: Int)
    /// A file that cannot be read, written or decoded: its path and the reason.
    case file(path: String, reason: String)
    /// `error` found in the content of the file at `path` (a configuration value out of range
    /// in a checkpoint, words that do not fit a loaded model).
    indirect case inFile(path: String, MakemoreError)
    /// A model, its weights or a saved training state that do not fit the words or each other
    /// (another vocabulary, a block size the words do not fit, moments of another size).
    case mismatch(String)
    /// `what` (a run, an ensemble) needs about `needed` bytes, made of `parts` (as text), but
    /// only `available` exist; refused before allocating.
    case insufficientMemory(what: String, needed: Double, available: Double, parts: String)
    /// The training loss became NaN or infinite (`limit` nil), or rose above `limit`, ten times
    /// the uniform ln V, at `step`.
    case diverged(step: Int, loss: Float, limit: Float?)
    /// A model's probabilities or losses are not numbers (NaN or overflow): `what` names them.
    case notANumber(String)
    /// An operation this model or stage does not have (a training step of the count bigram, the
    /// embedding of a model without one).
    case unsupported(String)
    /// A setting given with the preset `preset` that does not go with it: one the preset fixes
    /// to `presetValue` (as the setting spells it), or, when `presetValue` is nil, one the
    /// preset's model (another stage's) does not have. `setting` is the setting's name.
    case presetConflict(preset: String, setting: String, presetValue: String?)

    /// Values given together that a rule forbids.
    public enum Conflict: Equatable, Sendable, CustomStringConvertible {
        /// Both `name` and `other` were given; only one of them may be.
        case both(String, String)
        /// The val and test fractions together leave no word for training.
        case noTrainingWords(valFraction: Double, testFraction: Double)
        /// Repeated words are to be removed from a split directory, which is used as-is.
        case dedupeOfDirectory
        /// Repeated words are to be removed, but no word list is given: model files are read
        /// against their recorded splits, which say whether they were deduplicated.
        case dedupeWithoutWordList
        /// An encoding is given, but no words: model files are read against their recorded
        /// splits, which keep their own encoding.
        case encodingWithoutWords(TextEncoding)

        public var description: String {
            switch self {
            case .both(let name, let other): "give either \(name) or \(other), not both"
            case .noTrainingWords(let val, let test): "val_fraction + test_fraction must be below 1, got \(val + test)"
            case .dedupeOfDirectory: "dedupe applies to a word list, not to a split directory used as-is"
            case .dedupeWithoutWordList: "dedupe applies to a word list (a checkpoint's recorded split already says whether it was deduplicated)"
            case .encodingWithoutWords(let encoding):
                "encoding \(encoding.rawValue) applies to a word list or split directory (a checkpoint's recorded split keeps its own encoding)"
            }
        }
    }

    public var description: String {
        switch self {
        case .invalidValue(let name, let rule, let value): return "\(name) must be \(rule), got \(value)"
        case .outsideVocabulary(let name, let text, let character):
            return "\(name) '\(text)' contains '\(character)', which is not in the vocabulary"
        case .invalidOutput(_, let path, let reason), .file(let path, let reason): return path.isEmpty ? reason : "\(path): \(reason)"
        case .conflict(let conflict): return conflict.description
        case .needs(let name, let needed): return "\(name) needs \(needed)"
        case .lacking(let name, let model, let part, let needs):
            return (needs.map { "\(name) needs \($0); " } ?? "") + "the \(model) model has no \(part)"
        case .unknownSetting(let path, let stage, let name): return "\(path): stage '\(stage)' has no setting '\(name)'"
        case .unknownStage(let name, let known): return "unknown stage '\(name)' (known: \(known.joined(separator: ", ")))"
        case .wordsDoNotFit(let blockSize, let longestWord):
            return "block_size \(blockSize) cannot hold the longest word (\(longestWord) characters) and its end: it must be at least \(longestWord + 1)"
        case .inFile(let path, let error): return "\(path): \(error)"
        case .mismatch(let what), .notANumber(let what), .unsupported(let what): return what
        case .presetConflict(let preset, let setting, let value):
            return value.map { "preset \(preset) fixes \(setting) (\($0))" } ?? "preset \(preset) has no \(setting)"
        case .insufficientMemory(let what, let needed, let available, let parts):
            return "\(what) needs about \(Self.gib(needed)) (\(parts)) but the machine has \(Self.gib(available))"
        case .diverged(let step, let loss, let limit):
            guard let limit else { return "training diverged at step \(step) (loss \(loss.isNaN ? "NaN" : "infinite")); try a lower learning rate" }
            return "training diverged at step \(step) (loss \(Self.short(loss)), far above \(Self.short(limit)), ten times the uniform ln V); "
                + "try a lower learning rate"
        }
    }

    /// Bytes in GiB with one decimal.
    static func gib(_ bytes: Double) -> String {
        bytes < 1e20 ? String(format: "%.1f GiB", bytes / 1_073_741_824) : "more than 10^11 GiB"
    }

    /// Four significant digits (`%.4g`).
    private static func short(_ value: Float) -> String { String(format: "%.4g", Double(value)) }
}

extension MakemoreError {
    /// `body`'s result; a `MakemoreError` it throws is placed in the file at `path` (`inFile`).
    static func within<T>(file path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MakemoreError {
            throw MakemoreError.inFile(path: path, error)
        }
    }
}
