import Foundation

/// Several model files (checkpoints of any stage, makemore.py files) loaded as one `Ensemble`:
/// one vocabulary, one split, and the weights fitted on the split's validation words unless
/// given.
public struct LoadedEnsemble {
    /// One model file of the ensemble.
    package struct Member {
        package let path: String
        package let loaded: LoadedModel
        /// Its share of the ensemble, ≥ 0; the weights sum to 1.
        package let weight: Double
        /// Its NLL on the validation words, nil when they cannot be read or are empty.
        package let val: NLLResult?
        /// The fitted ensemble's val NLL without this member (refitted), when weights were fitted
        /// and there are several members.
        package let valWithout: Double?
    }

    package let members: [Member]
    package let ensemble: Ensemble
    /// The fit, nil when the weights were given.
    package let fit: EnsembleFit?
    /// The ensemble as a model like any other: kind `ensemble`, the members' vocabulary and split.
    package let loaded: LoadedModel

    /// Bytes needed to hold `paths`' models (each file read, then its tensors in the model: twice
    /// its size) and, for fitting, the members' scores of `fitTokens` predictions (every row of
    /// `vocabularySize` for a product, the targets for a mixture). Checked against the machine's
    /// memory before anything is read, like a training run's `MemoryEstimate`.
    package static func checkMemory(paths: [String], combination: Ensemble.Combination, fitTokens: Int = 0, vocabularySize: Int = 0,
                                   available: Double = MemoryEstimate.physicalMemory) throws {
        var files = 0.0
        for path in paths {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else { continue }
            files += size.doubleValue
        }
        let perPrediction = combination == .product ? 4 * Double(vocabularySize) + 8 : 8
        let scores = Double(paths.count) * Double(fitTokens) * perPrediction
        let bytes = 2 * files + scores
        guard bytes > available else { return }
        throw MakemoreError.insufficientMemory(what: "the ensemble of \(paths.count) models", needed: bytes, available: available,
                                               parts: "the models \(MakemoreError.gib(2 * files)), their scores for fitting \(MakemoreError.gib(scores))")
    }

    /// Combines `models` (each loaded from its path) with `weights` (one per model, divided by
    /// their sum) or, when nil, weights fitted on the validation words. Throws a one-line error
    /// naming the files when two models have different vocabularies or were trained on different
    /// splits, or when the weights must be fitted and the split cannot be read.
    package init(models: [(path: String, loaded: LoadedModel)], combination: Ensemble.Combination, weights: [Double]?) throws {
        guard let first = models.first else { throw MakemoreError.invalidValue(name: "models", rule: "1 or more", value: "0") }
        if let other = models.first(where: { $0.loaded.vocabulary != first.loaded.vocabulary }) {
            let a = first.loaded.vocabulary, b = other.loaded.vocabulary
            throw MakemoreError.mismatch("\(first.path) and \(other.path) have different vocabularies (\(a.size) and \(b.size) tokens: '\(String(a.characters))' and '\(String(b.characters))'); an ensemble needs one")
        }
        var splits: [(path: String, split: DatasetSplit)] = []
        var splitError: Error?
        for (path, loaded) in models {
            do {
                splits.append((path, try loaded.split()))
            } catch {
                splitError = splitError ?? error
            }
        }
        if let reference = splits.first {
            for other in splits.dropFirst() {
                guard let part = Self.differingPart(reference.split, other.split) else { continue }
                throw MakemoreError.mismatch("\(reference.path) and \(other.path) were trained on different splits (their \(part) words differ); an ensemble's models must share one split")
            }
        }
        let split = splits.first?.split
        let vocabulary = first.loaded.vocabulary
        let val = try split.map { try Dataset(split: $0, vocabulary: vocabulary).val }
        let members = models.map(\.loaded.model)
        var fit: EnsembleFit?
        if weights == nil {
            guard let val else { throw splitError ?? MakemoreError.file(path: first.path, reason: "no split to fit the ensemble weights on") }
            try Self.checkMemory(paths: models.map(\.path), combination: combination, fitTokens: val.reduce(0) { $0 + $1.count + 1 },
                                 vocabularySize: vocabulary.size)
            fit = try EnsembleFit(members: members, combination: combination, words: val)
        }
        let ensemble = try Ensemble(members: members, weights: fit?.weights ?? weights ?? [], combination: combination)
        self.members = models.indices.map { k in
            Member(path: models[k].path, loaded: models[k].loaded, weight: ensemble.weights[k],
                   val: fit?.memberResults[k] ?? val.flatMap { Evaluator.evaluate(members[k], words: $0) },
                   valWithout: fit?.nllWithout?[k])
        }
        self.ensemble = ensemble
        self.fit = fit
        let splitFound = split
        let failure = splitError
        loaded = LoadedModel(kind: "ensemble", model: ensemble, vocabulary: vocabulary, split: {
            guard let splitFound else { throw failure ?? MakemoreError.file(path: first.path, reason: "no split recorded") }
            return splitFound
        })
    }

    /// How the weights were chosen, one line: `mixture of 3 models, weights fitted on val by EM (41 steps)`.
    package var summary: String {
        let how = fit.map { "weights fitted on val by \($0.combination == .mixture ? "EM" : "exponentiated gradient") (\($0.iterations) steps)" } ?? "weights given"
        return "\(ensemble.combination.rawValue) of \(members.count) model\(members.count == 1 ? "" : "s"), \(how)"
    }

    /// The summary, then a row per member: weight, val NLL, the fitted val NLL without it, model.
    public var text: String {
        func nll(_ x: Double?) -> String { x.map { String(format: "%8.4f", $0) } ?? "       —" }
        let rows = members.map { m in
            String(format: "  %.4f ", m.weight) + nll(m.val?.nll) + "    " + nll(m.valWithout) + "  \(m.loaded.kind) (\(m.path))"
        }
        return ([summary, "  weight   val NLL  val without  model"] + rows).joined(separator: "\n")
    }

    /// `--json`'s `ensemble` object: `combination`, `fitted` (whether the weights were fitted on
    /// val), `iterations`, `fit_val_loss` (the fitted val NLL in Double, null when given), and
    /// `members`: `load`, `model`, `step`, `parameters`, `weight`, `val_loss`, `val_loss_without`.
    public var json: JSONValue {
        .object([
            ("combination", .string(ensemble.combination.rawValue)), ("fitted", .bool(fit != nil)),
            ("iterations", fit.map { .integer($0.iterations) } ?? .null), ("fit_val_loss", .number(fit?.nll)),
            ("members", .array(members.map { m in
                .object([("load", .string(m.path)), ("model", .string(m.loaded.kind)), ("step", m.loaded.step.map(JSONValue.integer) ?? .null),
                         ("parameters", .integer(m.loaded.parameterCount)), ("weight", .number(m.weight)),
                         ("val_loss", .number(m.val?.nll)), ("val_loss_without", .number(m.valWithout))])
            })),
        ])
    }

    /// The first part (train, val, test) whose words differ between `a` and `b`, in any order.
    static func differingPart(_ a: DatasetSplit, _ b: DatasetSplit) -> String? {
        SplitName.allCases.first { a[$0] != b[$0] && a[$0].sorted() != b[$0].sorted() }?.rawValue
    }
}

extension LoadedModel {
    /// A model built in memory rather than read from a file (an ensemble).
    init(kind: String, model: any LanguageModel, vocabulary: Vocabulary, split: @escaping () throws -> DatasetSplit) {
        self.kind = kind
        step = nil
        self.model = model
        self.vocabulary = vocabulary
        self.split = split
        note = nil
        recordedInputs = []
    }
}
