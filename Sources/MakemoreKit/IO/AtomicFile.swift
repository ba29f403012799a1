import Foundation

/// Writes files so that nothing half-written is ever left behind: the bytes go to a temporary
/// file in the same directory, which is then renamed over the destination.
public enum AtomicFile {
    /// Writes `data` to `path` atomically; throws a one-line `MakemoreError` naming the path.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw MakemoreError("\(path): cannot write (\(directory.path) missing or not writable?)")
        }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw MakemoreError("\(path): cannot replace the file")
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
