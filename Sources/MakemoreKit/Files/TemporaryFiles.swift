import Dispatch
import Foundation

/// The temporary files this process is writing (`AtomicFile`'s `.NAME.tmp-PID`), removed on
/// every exit that can be caught: `exit` (a second Ctrl-C included, see `InterruptMonitor`),
/// SIGTERM, SIGHUP, and SIGINT while no `InterruptMonitor` is installed. After removing them a
/// signal is re-raised with its default action, so the process ends as it would have without
/// this registry. (SIGKILL cannot be caught; a power cut neither.)
public enum TemporaryFiles {
    private static let registry = Registry()

    /// Records `path` as in flight (call before creating the file); installs the handlers once.
    public static func register(_ path: String) { registry.insert(path) }

    /// Forgets `path` (after it was renamed into place or removed).
    public static func unregister(_ path: String) { registry.remove(path) }

    /// The paths currently in flight.
    public static var paths: Set<String> { registry.snapshot() }

    /// Removes every file in flight (at exit and on a terminating signal).
    static func removeAll() { registry.removeAll() }

    private final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: Set<String> = []
        private var sources: [DispatchSourceSignal] = []

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
            guard sources.isEmpty else { return }
            atexit { TemporaryFiles.removeAll() }
            for number in [SIGTERM, SIGHUP, SIGINT] {
                var current = sigaction()
                sigaction(number, nil, &current)
                // A signal the process ignores, or that someone else handles (Ctrl-C under an
                // installed `InterruptMonitor`), is left alone.
                guard current.__sigaction_handler.sa_handler == nil else { continue }
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if number == SIGINT && InterruptMonitor.shared.isInstalled { return }
                    TemporaryFiles.removeAll()
                    signal(number, SIG_DFL)
                    raise(number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
