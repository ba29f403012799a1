import Foundation
import MakemoreKit

/// `--load FILE` (repeatable), `--ensemble` and `--weights`, shared by `eval`, `sample` and
/// `score`: one model file, or several combined into an `Ensemble`.
struct ModelSelection {
    var loads: [String]
    /// nil: one file as itself (several: a mixture, except for `score`, which shows them side by side).
    var combination: Ensemble.Combination?
    var weights: [Double]?

    static let options: [Option] = [
        Option("ensemble", value: "KIND", "combine the --load files: mixture or product of their next-character distributions (default with several --load: mixture)"),
        Option("weights", value: "W1,W2,…", "the ensemble's weights in --load order, ≥ 0, divided by their sum (default: fitted on the val split)"),
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
        return try loads.map { (path: $0, loaded: try LoadedModel(path: $0, input: input, splitDirectory: splitDirectory, heads: heads)) }
    }

    /// The ensemble of `models` when one is asked for.
    func ensemble(of models: [(path: String, loaded: LoadedModel)]) throws -> LoadedEnsemble? {
        guard let combination else { return nil }
        return try LoadedEnsemble(models: models, combination: combination, weights: weights)
    }
}
