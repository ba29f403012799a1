import Foundation

/// Checks made on an output path before any work starts, so that a run which cannot write its
/// result fails at once (and writes nothing) instead of after training.
public enum OutputPath {
    /// Throws `MakemoreError.invalidOutput` naming `path` unless `AtomicFile.write` can write
    /// it: its directory must exist and be writable, it must not be a directory, socket or block
    /// device, and it must not be the same file (device and inode, links followed) as any of
    /// `inputs` — so a run never replaces the data it reads. `name` names the output in the
    /// error.
    public static func validate(_ path: String, name: String = "output", inputs: [String] = []) throws {
        let destination: AtomicFile.Destination
        do {
            destination = try AtomicFile.Destination(path)
        } catch MakemoreError.file(let path, let reason) {
            throw MakemoreError.invalidOutput(name: name, path: path, reason: reason)
        }
        if let input = inputs.first(where: { sameFile($0, path) }) {
            throw MakemoreError.invalidOutput(name: name, path: path, reason: input == path ? "is also an input; write the output elsewhere"
                                                                                : "is the same file as the input \(input); write the output elsewhere")
        }
        switch destination {
        case .stream:
            guard access(path, W_OK) == 0 else { throw MakemoreError.invalidOutput(name: name, path: path, reason: "cannot be written (\(SystemError.text(errno)))") }
        case .file(let target, _):
            try validateDirectory((target as NSString).deletingLastPathComponent, for: path, name: name)
        }
    }

    /// Throws unless `directory` exists, is a directory and is writable; `path` (default: the
    /// directory itself) names the output in the message, `name` in the error.
    public static func validateDirectory(_ directory: String, for path: String? = nil, name: String = "output") throws {
        let directory = directory.isEmpty ? "." : directory
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw MakemoreError.invalidOutput(name: name, path: path ?? directory, reason: path == nil ? "no such directory" : "the directory \(directory) does not exist")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw MakemoreError.invalidOutput(name: name, path: path ?? directory, reason: path == nil ? "is not a directory" : "\(directory) is not a directory")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw MakemoreError.invalidOutput(name: name, path: path ?? directory, reason: path == nil ? "is not writable" : "the directory \(directory) is not writable")
        }
    }

    /// Whether `a` and `b` name one existing regular file (same device and inode after
    /// following links). Devices and pipes never count: `/dev/stdin` and `/dev/stdout` may well
    /// be one terminal.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0, first.st_mode & S_IFMT == S_IFREG else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
}
