import Foundation

/// Shows training progress on stderr: step / total, loss, learning rate, steps per second and
/// the time left. On a terminal one line is redrawn in place a few times a second; otherwise
/// (a pipe, a CI log) a plain line is written every `every` steps.
package final class ProgressReporter {
    private let total: Int
    private let every: Int
    private let interactive: Bool
    private let enabled: Bool
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now

    /// A reporter for `total` steps; `enabled: false` makes it silent.
    package init(total: Int, every: Int? = nil, enabled: Bool = true) {
        self.total = total
        self.every = every ?? max(1, total / 20)
        interactive = isatty(STDERR_FILENO) != 0
        self.enabled = enabled && total > 0
    }

    /// Reports the state after `step` (1-based) steps.
    package func update(step: Int, loss: Float, learningRate: Double) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if interactive {
            guard step == total || now - lastDraw > .milliseconds(200) else { return }
        } else {
            guard step % every == 0 || step == total else { return }
        }
        lastDraw = now
        let elapsed = (now - start).seconds
        let rate = Double(step) / max(elapsed, 1e-9)
        let eta = Double(total - step) / max(rate, 1e-9)
        let line = String(format: "step %d/%d  loss %.4f  lr %.3g  %.0f steps/s  ETA %@", step, total, loss, learningRate, rate, ProgressReporter.clock(eta))
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (step == total ? "\n" : "")).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Shows a training event: steps as progress, validations on their own line.
    package func report(_ event: TrainingEvent) {
        switch event {
        case .step(let p): update(step: p.step, loss: p.loss, learningRate: p.learningRate)
        case .evaluation(let step, let loss): note(String(format: "step %d: val loss %.4f", step, loss))
        case .saved(let step, let path): note("step \(step): saved \(path)")
        case .diagnostics, .finished: break
        }
    }

    /// Prints a message on its own line (e.g. a periodic validation loss).
    package func note(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + message + "\n").utf8))
    }

    /// `1:05` or `12s`.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? String(format: "%d:%02d", s / 60, s % 60) : "\(s)s"
    }
}
