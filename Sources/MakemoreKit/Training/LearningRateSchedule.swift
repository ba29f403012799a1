import Foundation

/// The learning rate as a function of the step (0-based), selected on the CLI by name.
public enum LearningRateSchedule: Equatable, Sendable {
    /// The same rate at every step.
    case constant
    /// The rate times `factor` from step `at` on (the lectures: 0.1 → 0.01 halfway).
    case step(at: Int, factor: Double)
    /// Linear warm-up from 0 over `warmup` steps, then cosine decay to `minimumFactor`·rate at
    /// step `total`.
    case cosine(warmup: Int, total: Int, minimumFactor: Double)

    /// The rate at `step` for base rate `rate`.
    package func rate(at step: Int, base rate: Double) -> Double {
        switch self {
        case .constant:
            return rate
        case .step(let at, let factor):
            return step < at ? rate : rate * factor
        case .cosine(let warmup, let total, let minimumFactor):
            if step < warmup { return rate * Double(step + 1) / Double(warmup) }
            let progress = min(1, Double(step - warmup) / Double(max(1, total - warmup)))
            let factor = minimumFactor + (1 - minimumFactor) * 0.5 * (1 + cos(Double.pi * progress))
            return rate * factor
        }
    }

    /// The shapes of schedule a run is configured with, by the names the command line uses.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case constant, step, cosine
    }

    /// The schedule of `kind` for a run of `steps` steps: `step` decays ×0.1 at `decayAt`
    /// (default half-way), `cosine` warms up over `warmup` steps and ends at 10 %.
    package init(_ kind: Kind, steps: Int, decayAt: Int? = nil, warmup: Int = 0) {
        switch kind {
        case .constant: self = .constant
        case .step: self = .step(at: decayAt ?? steps / 2, factor: 0.1)
        case .cosine: self = .cosine(warmup: warmup, total: steps, minimumFactor: 0.1)
        }
    }
}
