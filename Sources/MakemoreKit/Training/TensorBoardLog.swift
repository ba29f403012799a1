import Foundation

/// A training run as TensorBoard shows it (`--tensorboard DIR`), in a new event file in DIR:
/// `Loss/train` and `learning_rate` every step, `Loss/val` at each evaluation,
/// `steps_per_second` about once a second, and at the end `Loss/test` (and `Loss/val` when the
/// last step was not evaluated) and the sampled words (text). What makemore.py logs (`Loss/train`, and its val loss as `Loss/test`), under names
/// that say which split. Appended as the run goes (about once a second and at each
/// evaluation), so `tensorboard --logdir DIR` shows it live.
public final class TensorBoardLog {
    /// The event file written.
    package let file: EventFile
    private var lastFlush: (time: ContinuousClock.Instant, step: Int)?
    private var lastStep = 0
    private var lastEvaluation: Int?
    private var failure: (any Error)?

    /// A log in a new event file in `directory` (created if missing).
    public init(directory: String) throws {
        file = try EventFile(directory: directory)
    }

    /// Records one event of a run (`Stage.train`'s `onEvent`). A failing write is kept and
    /// thrown by `finish`, so training is not interrupted by a full disk.
    public func record(_ event: TrainingEvent) {
        switch event {
        case .step(let progress):
            lastStep = progress.step
            file.scalar("Loss/train", Double(progress.loss), step: progress.step)
            file.scalar("learning_rate", progress.learningRate, step: progress.step)
            let now = ContinuousClock.now
            guard let last = lastFlush else {
                lastFlush = (now, progress.step)
                return
            }
            if now - last.time >= .seconds(1) || progress.step == progress.steps {
                let seconds = (now - last.time).seconds
                if seconds > 0 { file.scalar("steps_per_second", Double(progress.step - last.step) / seconds, step: progress.step) }
                lastFlush = (now, progress.step)
                flush()
            }
        case .evaluation(let step, let loss):
            lastEvaluation = step
            file.scalar("Loss/val", loss, step: step)
            flush()
        case .diagnostics, .saved: break
        case .finished: flush()
        }
    }

    /// Records the end of a run at the last step recorded: the final val loss (unless the run
    /// evaluated that step), the test loss (each when that split has words) and `samples`,
    /// then writes all; throws the first write failure of the run.
    public func finish(valLoss: Double?, testLoss: Double?, samples: [String]) throws {
        if let valLoss, lastEvaluation != lastStep { file.scalar("Loss/val", valLoss, step: lastStep) }
        if let testLoss { file.scalar("Loss/test", testLoss, step: lastStep) }
        if !samples.isEmpty { file.text("samples", samples, step: lastStep) }
        flush()
        if let failure { throw failure }
    }

    private func flush() {
        do {
            try file.flush()
        } catch {
            if failure == nil { failure = error }
        }
    }
}
