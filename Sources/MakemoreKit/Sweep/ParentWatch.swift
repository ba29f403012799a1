import Dispatch
import Foundation

/// Ends a sweep's trial when the sweep that started it is gone, so a SIGKILLed sweep (a job
/// array's time limit, `kill -9`) leaves no trials running on as orphans. The sweep names
/// itself in each trial's environment (`variable`: its process id); the trial, reparented when
/// the sweep dies, sees its parent process id change. Polling `getppid()` works on Linux and
/// macOS alike (Linux's `PR_SET_PDEATHSIG` would need code between fork and exec). The library
/// never ends the process: the caller's `onParentGone` does.
package enum ParentWatch {
    /// The environment variable a sweep sets in its trials' environment.
    package static let variable = "MAKEMORE_SWEEP_PARENT"

    /// How often the parent is checked.
    static let interval = DispatchTimeInterval.milliseconds(200)

    /// `environment` with this process named as the parent to watch.
    static func environment(_ environment: [String: String], parent: pid_t = getpid()) -> [String: String] {
        environment.merging([variable: String(parent)]) { $1 }
    }

    /// Whether `environment` names a parent that is no longer this process's parent (nil: no
    /// parent named, or not a process id).
    static func parentIsGone(_ environment: [String: String], parent: pid_t = getppid()) -> Bool? {
        guard let text = environment[variable], let expected = pid_t(text), expected > 0 else { return nil }
        return parent != expected
    }

    /// When `environment` names a parent: calls `onParentGone` at once if it is already gone
    /// (it died before this process looked), else as soon as the parent changes.
    package static func start(_ environment: [String: String], onParentGone: @escaping @Sendable () -> Void) {
        guard let gone = parentIsGone(environment) else { return }
        if gone { onParentGone(); return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            if parentIsGone(environment) == true { timer.cancel(); onParentGone() }
        }
        timer.resume()  // the handler holds the timer, so it runs until cancelled
    }
}
