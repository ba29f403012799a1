import Foundation

extension LearningRateFinder {
    /// The training a sweep runs with: `steps` steps from `minimum` (the sweep sets each step's
    /// rate itself), `optimizer`'s defaults, minibatches of `batchSize` examples.
    package func training(optimizer: OptimizerKind, batchSize: Int) -> TrainingConfiguration {
        TrainingConfiguration(steps: steps, learningRate: minimum, optimizer: OptimizerConfiguration(kind: optimizer), batchSize: batchSize)
    }
}

extension LearningRateSweep {
    /// The rule `suggestion` follows, as the reports state it.
    package static let rule = "suggested = minimum_lr / 10, the rate at the smoothed loss's minimum divided by 10"

    /// The one JSON object `lr-find --json` prints: the stage, the range swept, the steps run,
    /// the minimum, steepest and suggested rates with the rule, and every rate and raw loss.
    package func json(stage: StageKind, finder: LearningRateFinder) -> JSONValue {
        .object([
            ("stage", .string(stage.rawValue)), ("lr_min", .number(finder.minimum)), ("lr_max", .number(finder.maximum)),
            ("steps", .integer(rates.count)), ("minimum_lr", .number(minimumRate)),
            ("steepest_lr", .number(steepestRate)), ("suggested_lr", .number(suggestion)),
            ("rule", .string(Self.rule)),
            ("lr", .array(rates.map(JSONValue.number))), ("loss", .array(losses.map(JSONValue.number))),
        ])
    }

    /// The text form: the range and setup swept (`training`'s batch and optimizer), whether the
    /// loss diverged before the end, the smoothed loss at 20 evenly spaced rates and the last,
    /// then the minimum, the steepest descent and the suggestion (left out for an empty sweep).
    package func text(finder: LearningRateFinder, training: TrainingConfiguration) -> String {
        var lines = [String(format: "swept %d steps, lr %.3g → %.3g (batch %d, %@)%@", rates.count, finder.minimum, finder.maximum, training.batchSize ?? 0,
                            training.optimizer.kind.rawValue, rates.count < finder.steps ? " — stopped early: the loss diverged" : ""),
                     "       lr   smoothed loss"]
        let smoothed = smoothed
        let shown = Set((0..<20).map { $0 * max(1, rates.count / 20) } + [rates.count - 1])
        for i in shown.sorted() where i >= 0 && i < rates.count {
            lines.append(String(format: "%9.4g   %.4f", rates[i], smoothed[i]))
        }
        if let minimum = minimumRate, let suggestion {
            lines.append(String(format: "lowest smoothed loss at lr %.3g; steepest descent at lr %@", minimum,
                                steepestRate.map { String(format: "%.3g", $0) } ?? "—"))
            lines.append(String(format: "suggested learning rate: %.3g (a tenth of the minimum's)", suggestion))
        }
        return lines.joined(separator: "\n")
    }
}
