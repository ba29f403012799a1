import Foundation

/// Checks made on an output path before any work starts, so that a run which cannot write its
/// result fails at once (and writes nothing) instead of after training.
package enum OutputPath {
    /// Throws `MakemoreError.invalidOutput` naming `path` unless `AtomicFile.write` can write
    /// it: its directory must exist and be writable, it must not be a directory, socket or block
    /// device, and it must not be the same file (device and inode, links followed) as any of
    /// `inputs` — so a run never replaces the data it reads. `name` names the output in the
    /// error.
    package static func validate(_ path: String, name: String = "output", inputs: [String] = []) throws {
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
            if let failure = streamFailure(path) {
                throw MakemoreError.invalidOutput(name: name, path: path, reason: "cannot be written (\(SystemError.text(failure)))")
            }
        case .file(let target, _):
            try validateDirectory(AtomicFile.split(target).directory, for: path, name: name)
        }
    }

    /// Throws `MakemoreError.invalidOutput` naming the later of the first two `outputs` (name,
    /// path) that would write the same file (the same target once links are followed, whether
    /// or not it exists yet): one would silently replace the other. Devices and pipes may
    /// repeat.
    package static func validateDistinct(_ outputs: [(name: String, path: String)]) throws {
        var seen: [(path: String, target: String)] = []
        for (name, path) in outputs {
            guard case .file(let target, _)? = try? AtomicFile.Destination(path) else { continue }
            let canonical = canonicalPath(target)
            if let earlier = seen.first(where: { $0.target == canonical }) {
                throw MakemoreError.invalidOutput(name: name, path: path, reason: "is also the output \(earlier.path); give each output its own file")
            }
            seen.append((path, canonical))
        }
    }

    /// Validates each `(name, path)` output given (nil paths, outputs not asked for, are
    /// skipped) as `validate(_:name:inputs:)` does, and that no two write the same file.
    package static func validate(_ outputs: [(name: String, path: String?)], inputs: [String]) throws {
        var earlier: [(name: String, path: String)] = []
        for case let (name, path?) in outputs {
            try validate(path, name: name, inputs: inputs)
            earlier.append((name, path))
            try validateDistinct(earlier)
        }
    }

    /// Throws `MakemoreError.invalidOutput` named `name` unless the output directory `path`
    /// exists or can be created: its nearest existing ancestor must be a writable directory.
    /// nil (no directory asked for) passes.
    package static func validateCreatable(directory path: String?, name: String) throws {
        guard var directory = path else { return }
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            // Not NSString's deletingLastPathComponent, which traps on some one-character names.
            let parent = directory.lastIndex(of: "/").map { String(directory[..<$0]) } ?? ""
            if parent.isEmpty || parent == directory { directory = directory.hasPrefix("/") ? "/" : "."; break }
            directory = parent
        }
        try validateDirectory(directory, for: directory == path ? nil : path, name: name)
    }

    /// Validates the files `names` would take in the output directory `directory` (named
    /// `name`) when it exists already: a directory still to be created holds no input.
    package static func validate(files names: [String], in directory: String, name: String, inputs: [String]) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        try validate(names.map { (name, (directory as NSString).appendingPathComponent($0)) }, inputs: inputs)
    }

    /// `target` with its directory's links resolved (the file itself may not exist yet).
    static func canonicalPath(_ target: String) -> String {
        let (directory, name) = AtomicFile.split(target)
        guard let resolved = realpath(directory, nil) else { return target }
        defer { free(resolved) }
        return String(cString: resolved) + "/" + name
    }

    /// Why the device, pipe or descriptor link `path` cannot be written, found by trying (as
    /// root, `access` says yes to everything): a descriptor link must name a descriptor open for
    /// writing; anything else must open for writing (a FIFO with no reader yet is fine, it
    /// will have one when the run writes). nil when it can.
    static func streamFailure(_ path: String) -> Int32? {
        if let own = AtomicFile.descriptor(named: path) {
            let flags = fcntl(own, F_GETFL)
            guard flags != -1 else { return errno }
            return flags & O_ACCMODE == O_RDONLY ? EBADF : nil
        }
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return errno == ENXIO ? nil : errno }
        close(descriptor)
        return nil
    }

    /// Throws unless `directory` exists, is a directory and is writable; `path` (default: the
    /// directory itself) names the output in the message, `name` in the error. Writability is
    /// found by trying: creating (exclusively) and removing a temporary file there, since
    /// `access` says yes to root for `/proc`, `/sys` or a read-only mount.
    package static func validateDirectory(_ directory: String, for path: String? = nil, name: String = "output") throws {
        let directory = directory.isEmpty ? "." : directory
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw MakemoreError.invalidOutput(name: name, path: path ?? directory, reason: path == nil ? "no such directory" : "the directory \(directory) does not exist")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw MakemoreError.invalidOutput(name: name, path: path ?? directory, reason: path == nil ? "is not a directory" : "\(directory) is not a directory")
        }
        do {
            let (probe, descriptor) = try AtomicFile.createTemporary(beside: "probe", in: directory, mode: 0o600, named: path ?? directory)
            close(descriptor)
            unlink(probe)
            TemporaryFiles.unregister(probe)
        } catch {
            throw MakemoreError.invalidOutput(name: name, path: path ?? directory, reason: path == nil ? "is not writable" : "the directory \(directory) is not writable")
        }
    }

    /// Whether `a` and `b` name one existing regular file (same device and inode after
    /// following links). Devices and pipes never count: `/dev/stdin` and `/dev/stdout` may well
    /// be one terminal.
    package static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0, first.st_mode & S_IFMT == S_IFREG else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
}
