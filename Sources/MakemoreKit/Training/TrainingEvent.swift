/// What a training run reports while it runs, in order: per step its progress (after any
/// diagnostics snapshot of that step), each validation, and at the end the history.
public enum TrainingEvent: Sendable {
    /// A step is done.
    case step(TrainingProgress)
    /// The validation loss after `step` steps (the moving average's, if one is kept).
    case evaluation(step: Int, loss: Double)
    /// Training diagnostics taken at a step (`TrainingConfiguration.diagnosticsEvery`).
    case diagnostics(DiagnosticsSnapshot)
    /// A checkpoint of the run so far was written to `path` after `step` steps (`Stage.train`'s
    /// `saving`).
    case saved(step: Int, path: String)
    /// The run is over (finished, stopped or cancelled); the model holds its final state.
    case finished(TrainingHistory)
}

/// The state after one optimisation step.
public struct TrainingProgress: Sendable {
    /// Steps done (1-based).
    public let step: Int
    /// Steps the run was configured for.
    public let steps: Int
    /// The step's minibatch loss.
    public let loss: Float
    /// The rate the step used.
    public let learningRate: Double
}
