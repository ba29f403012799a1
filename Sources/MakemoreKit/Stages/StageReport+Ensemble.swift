extension StageReport {
    /// The mixture of `stages` (trained on `dataset`) reported like one more stage: its weights
    /// fitted on the val words by EM, its loss on every split, `samples` words drawn with a
    /// generator seeded by `seed`, and an `ensemble` field: `combination`, `iterations` and
    /// `members` (`model`, `weight`, `val_loss`, `val_loss_without`, the refitted val NLL
    /// without that stage). What `compare --ensemble` adds to its table.
    package static func ensemble(of stages: [Stage], dataset: Dataset, samples: Int, seed: UInt64) throws -> StageReport {
        try fittedEnsemble(of: stages, dataset: dataset, samples: samples, seed: seed).report
    }

    /// The ensemble's report and its members' weights, in the order of `stages`.
    static func fittedEnsemble(of stages: [Stage], dataset: Dataset, samples: Int, seed: UInt64) throws -> (report: StageReport, weights: [Double]) {
        let clock = ContinuousClock.now
        let models = stages.map(\.inferenceModel)
        let fit = try EnsembleFit(members: models, combination: .mixture, words: dataset.val)
        let ensemble = try fit.ensemble(of: models)
        let losses = Dictionary(uniqueKeysWithValues: try SplitName.allCases.map {
            ($0, try Evaluator.evaluate(ensemble, words: dataset[$0])?.checked(split: $0.rawValue))
        })
        var generator = RandomGenerator(seed: seed)
        let options = SamplingOptions(maximumLength: SamplingOptions.lengthLimit(longestWord: dataset.longestWord))
        let words = try Sampler.generate(ensemble, count: samples, options: options, using: &generator).map { try dataset.vocabulary.decode($0) }
        var report = StageReport(model: "ensemble", parameters: stages.reduce(0) { $0 + $1.parameterCount }, dataset: dataset,
                                 losses: losses, samples: words)
        let members = stages.indices.map { k in
            JSONValue.object([("model", .string(stages[k].kind.rawValue)), ("weight", .number(fit.weights[k])),
                              ("val_loss", .number(fit.memberResults[k].nll)), ("val_loss_without", .number(fit.nllWithout?[k]))])
        }
        report.extra = [("ensemble", .object([("combination", .string(fit.combination.rawValue)), ("iterations", .integer(fit.iterations)),
                                              ("members", .array(members))]))]
        report.seconds = (ContinuousClock.now - clock).seconds
        return (report, fit.weights)
    }
}
