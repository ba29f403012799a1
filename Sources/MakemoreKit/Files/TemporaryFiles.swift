import Dispatch
import Foundation
import MakemoreKernels

/// The temporary files this process is writing (`AtomicFile`'s `.NAME.tmp-…`), removed on
/// every exit that can be caught: `exit` (a second Ctrl-C included, see `InterruptMonitor`),
/// SIGTERM, SIGHUP, and SIGINT while no `InterruptMonitor` is installed. After removing them a
/// signal is re-raised with its default action, so the process ends as it would have without
/// this registry. A signal that arrives while a file is being replaced (`whileReplacing`)
/// waits for that rename, or its failure, before it removes anything; should the process reach
/// `exit` first (the writer reporting its outcome), the exit re-raises the signal, so a killed
/// run always ends by its signal. (SIGKILL cannot be caught; a power cut neither.)
package enum TemporaryFiles {
    private static let registry = Registry(installsHandlers: true)

    /// Records `path` as in flight (call before creating the file); installs the handlers once.
    package static func register(_ path: String) { registry.insert(path) }

    /// Forgets `path` (after it was renamed into place or removed).
    package static func unregister(_ path: String) { registry.remove(path) }

    /// The paths currently in flight.
    package static var paths: Set<String> { registry.snapshot() }

    /// Removes every file in flight (at exit and on a terminating signal).
    static func removeAll() { registry.removeAll() }

    /// Runs `body` (which creates, writes and renames one temporary file) so that a terminating
    /// signal is handled only once it has returned or thrown.
    static func whileReplacing<T>(_ body: () throws -> T) rethrows -> T {
        registry.replacing.lock()
        defer { registry.replacing.unlock() }
        return try body()
    }

    /// What `exit` does: removes the files in flight and, if a terminating signal arrived
    /// meanwhile, ends the process by that signal.
    private static func atExit() {
        registry.removeAll()
        if let number = registry.pendingSignal { endBy(number) }
        // A signal delivered but not yet handed to its handler is still pending.
        var pending = sigset_t()
        sigpending(&pending)
        for number in [SIGTERM, SIGHUP] where sigismember(&pending, number) == 1 { endBy(number) }
    }

    /// Ends the process by signal `number`, with its default action.
    private static func endBy(_ number: Int32) {
        signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(number)
    }

    /// The set of files in flight. The process has one, which installs the handlers; a test may
    /// make its own (`installsHandlers: false`) so that removing its files leaves other writers'
    /// files alone.
    final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private let installsHandlers: Bool
        private var handlersInstalled = false
        private var paths: Set<String> = []
        private var sources: [DispatchSourceSignal] = []
        private var signalNumber: Int32?
        /// Held while a file is replaced; a terminating signal takes it before removing files.
        let replacing = NSLock()

        init(installsHandlers: Bool) { self.installsHandlers = installsHandlers }

        /// The terminating signal received, if any.
        var pendingSignal: Int32? {
            lock.lock()
            defer { lock.unlock() }
            return signalNumber
        }

        func receive(_ number: Int32) {
            lock.lock()
            defer { lock.unlock() }
            signalNumber = signalNumber ?? number
        }

        func insert(_ path: String) {
            lock.lock()
            defer { lock.unlock() }
            installHandlersIfNeeded()
            paths.insert(path)
        }

        func remove(_ path: String) {
            lock.lock()
            defer { lock.unlock() }
            paths.remove(path)
        }

        func snapshot() -> Set<String> {
            lock.lock()
            defer { lock.unlock() }
            return paths
        }

        func removeAll() {
            lock.lock()
            defer { lock.unlock() }
            for path in paths { unlink(path) }
            paths.removeAll()
        }

        /// Called with the lock held, on the first registration.
        private func installHandlersIfNeeded() {
            guard installsHandlers, !handlersInstalled else { return }
            handlersInstalled = true
            atexit { TemporaryFiles.atExit() }
            for number in [SIGTERM, SIGHUP, SIGINT] {
                // A signal the process ignores, or that someone else handles (Ctrl-C under an
                // installed `InterruptMonitor`), is left alone.
                guard Platform.signalHasDefaultAction(number) else { continue }
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if number == SIGINT && InterruptMonitor.shared.isInstalled { return }
                    TemporaryFiles.registry.receive(number)
                    TemporaryFiles.whileReplacing { TemporaryFiles.removeAll() }
                    TemporaryFiles.endBy(number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
