import Foundation
import MakemoreKit

/// `--load FILE` (repeatable), `--ensemble` and `--weights`, shared by `eval`, `sample` and
/// `score`: one model file, or several combined into an `Ensemble`; and `--encoding` and
/// `--dedupe`, how those commands read the `--input` the files are read against.
struct ModelSelection {
    var loads: [String]
    /// nil: one file as itself (several: a mixture, except for `score`, which shows them side by side).
    var combination: Ensemble.Combination?
    var weights: [Double]?
    /// `--encoding`, when given.
    var encoding: TextEncoding?
    /// `--dedupe`: `--input`'s repeated words removed before the split, as the stages do.
    var dedupe = false

    static let options: [Option] = [
        Option("ensemble", value: "KIND", "combine the --load files: mixture or product of their next-character distributions (default with several --load: mixture)"),
        Option("weights", value: "W1,W2,…", "the ensemble's weights in --load order, ≥ 0, divided by their sum (default: fitted on the val split)"),
        Option("encoding", value: "NAME", default: TextEncoding.utf8.rawValue,
               "of --input or --split-dir: " + TextEncoding.allCases.map(\.rawValue).joined(separator: " | ") + " (a UTF-16 byte-order mark is always recognised)"),
        Option(flag: "dedupe", "remove --input's repeated words before the split, as the stage given --dedupe did (the count removed is said on stderr)"),
    ]

    init(_ arguments: ParsedArguments, several: Ensemble.Combination? = .mixture) throws {
        loads = arguments.strings("load")
        guard !loads.isEmpty else { throw UsageError("missing --load FILE") }
        combination = try arguments.choice("ensemble", Ensemble.Combination.self)
        if let text = arguments.string("weights") {
            let weights = text.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard weights.count == loads.count, weights.count == text.split(separator: ",", omittingEmptySubsequences: false).count, weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
                throw UsageError("--weights needs \(loads.count) comma-separated numbers ≥ 0, not all 0 (one per --load), got '\(text)'")
            }
            self.weights = weights
        }
        if combination == nil && (weights != nil || loads.count > 1) { combination = several }
        encoding = try arguments.choice("encoding", TextEncoding.self)
        dedupe = arguments.flag("dedupe")
    }

    /// The words `--input` (shuffled and cut as the stages cut them by default, deduplicated
    /// with `--dedupe`) or `--split-dir` name, read once however many files use them; nil when
    /// neither is given (each checkpoint's recorded split then applies, with its own encoding).
    func words(input: String?, splitDirectory: String?) throws -> (() throws -> DatasetSplit)? {
        if input != nil && splitDirectory != nil { throw UsageError("give either --input or --split-dir, not both") }
        if dedupe && input == nil {
            throw UsageError("--dedupe applies to --input (a checkpoint's recorded split already says whether it was deduplicated)")
        }
        if let encoding, input == nil && splitDirectory == nil {
            throw UsageError("--encoding \(encoding.rawValue) applies to --input or --split-dir (a checkpoint's recorded split keeps its own encoding)")
        }
        let encoding = encoding ?? .utf8, dedupe = dedupe
        var read: DatasetSplit?
        if let splitDirectory {
            return {
                if let read { return read }
                read = try DatasetSplit(directory: splitDirectory, encoding: encoding)
                return read!
            }
        }
        guard let input else { return nil }
        return {
            if let read { return read }
            let d = DataOptions()
            let (split, removed) = try DatasetSplit.load(input: input, encoding: encoding, dedupe: dedupe, seed: d.seed,
                                                         valFraction: d.valFraction, testFraction: d.testFraction)
            if dedupe { printError("makemore: --dedupe removed \(removed) repeated word\(removed == 1 ? "" : "s") of \(WordList.displayName(input))") }
            read = split
            return split
        }
    }

    /// The model to evaluate or sample: the one file, or the ensemble of all (its members' table
    /// comes with it). Bare state dicts are read against `--input` / `--split-dir`.
    func load(input: String?, splitDirectory: String?, heads: Int?) throws -> (model: LoadedModel, ensemble: LoadedEnsemble?) {
        let models = try loadEach(input: input, splitDirectory: splitDirectory, heads: heads)
        guard let ensemble = try ensemble(of: models) else { return (models[0].loaded, nil) }
        return (ensemble.loaded, ensemble)
    }

    /// Every `--load` file as itself, after the memory check of them all.
    func loadEach(input: String?, splitDirectory: String?, heads: Int?) throws -> [(path: String, loaded: LoadedModel)] {
        try LoadedEnsemble.checkMemory(paths: loads, combination: combination ?? .mixture)
        let words = try words(input: input, splitDirectory: splitDirectory)
        return try loads.map { path in
            let loaded = try LoadedModel(path: path, words: words, heads: heads)
            if let note = loaded.note { printError("makemore: note: \(note)") }
            return (path: path, loaded: loaded)
        }
    }

    /// The ensemble of `models` when one is asked for.
    func ensemble(of models: [(path: String, loaded: LoadedModel)]) throws -> LoadedEnsemble? {
        guard let combination else { return nil }
        return try LoadedEnsemble(models: models, combination: combination, weights: weights)
    }
}
