import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a request to stop training cleanly: the training loop finishes its
/// current step and returns what it has, so the caller can print the losses and save the model.
/// A second Ctrl-C calls the caller's `onSecondInterrupt` (the command line exits with status 130
/// through `exit`, so files being written are cleaned up, see `TemporaryFiles`); the library
/// itself never ends the process.
package final class InterruptMonitor: @unchecked Sendable {
    /// The process-wide monitor.
    package static let shared = InterruptMonitor()

    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?
    private var onSecondInterrupt: @Sendable () -> Void = {}

    /// Starts catching SIGINT (idempotent); a second Ctrl-C runs `onSecondInterrupt`.
    package func install(onSecondInterrupt: @escaping @Sendable () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard source == nil else { return }
        self.onSecondInterrupt = onSecondInterrupt
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in self.request() }
        source.resume()
        self.source = source
    }

    /// Whether `install()` has run: Ctrl-C is then this monitor's to handle.
    package var isInstalled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return source != nil
    }

    /// Whether Ctrl-C has been pressed since `install()`.
    package var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Records a stop request; a second one runs the installer's `onSecondInterrupt`.
    func request() {
        lock.lock()
        let again = requested
        requested = true
        let onSecondInterrupt = onSecondInterrupt
        lock.unlock()
        if again { onSecondInterrupt(); return }
        FileHandle.standardError.write(Data("\nstopping after this step (Ctrl-C again to quit now)\n".utf8))
    }
}
