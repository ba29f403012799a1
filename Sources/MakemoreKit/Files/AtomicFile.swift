import Foundation

/// Writes files so that nothing half-written is ever left behind.
///
/// What a destination path means:
/// - a regular file, or a path where nothing exists yet: the bytes go to a hidden temporary
///   file beside it (`.NAME.tmp-` and 16 random hexadecimal digits, created exclusively and
///   never through a link: `O_CREAT | O_EXCL | O_NOFOLLOW`), which is then renamed over it,
///   keeping the old file's permission bits. Readers see the old file or the new one, never a
///   mix; a link planted at the temporary name is refused, not followed.
/// - a symbolic link: the file it points to (followed to the end) is replaced atomically, beside
///   itself, so the link survives and still points there.
/// - a character device or a pipe (`/dev/null`, a FIFO), a descriptor link (`/dev/stdout`,
///   `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written through this process's own
///   descriptor, whatever it is open on) and any path under `/proc/` (not a file system that
///   can replace a file): written through in place, never replaced; a failing device
///   (`/dev/full`) is an error. A regular file elsewhere under `/dev/` (`/dev/shm/x`) is a
///   regular file, replaced like any other.
/// - a directory, socket or block device: refused.
///
/// Temporary files are registered with `TemporaryFiles` while they exist, so that an error,
/// `exit`, SIGTERM, SIGHUP or a Ctrl-C that ends the process removes them; a signal that
/// arrives while a file is being replaced waits for the rename (or its failure), so the target
/// is the old file or the new one and the process still ends by that signal.
package enum AtomicFile {
    /// Writes `data` to `path` as described above; throws a one-line `MakemoreError` naming the
    /// path.
    package static func write(_ data: Data, to path: String) throws {
        switch try Destination(path) {
        case .stream: try writeThrough(data, to: path)
        case .file(let target, let mode): try replace(target, with: data, mode: mode, named: path)
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    package static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// What writing to a path means.
    enum Destination {
        /// Write in place (a device, a pipe, a descriptor link).
        case stream
        /// Replace the regular file at `target` (symbolic links resolved), which has `mode`
        /// (nil: does not exist yet).
        case file(target: String, mode: mode_t?)

        init(_ path: String) throws {
            guard !path.isEmpty else { throw MakemoreError.file(path: path, reason: "an output path is empty") }
            if AtomicFile.descriptor(named: path) != nil {
                self = .stream
                return
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                guard errno == ENOENT else { throw MakemoreError.file(path: path, reason: "cannot be written (\(SystemError.text(errno)))") }
                self = .file(target: try Destination.resolvingLinks(path), mode: nil)
                return
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: throw MakemoreError.file(path: path, reason: "is a directory")
            case S_IFCHR, S_IFIFO: self = .stream
            case S_IFREG:
                if AtomicFile.descriptor(named: path) != nil || path.hasPrefix("/proc/") {
                    self = .stream
                } else {
                    self = .file(target: try Destination.resolvingLinks(path), mode: info.st_mode & 0o7777)
                }
            default: throw MakemoreError.file(path: path, reason: "is not a regular file, device or pipe")
            }
        }

        /// `path` with every symbolic link of its last component followed (the final target may
        /// not exist yet); at most 40 links, as the kernel allows.
        static func resolvingLinks(_ path: String) throws -> String {
            var current = path
            for _ in 0..<40 {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlink(current, &buffer, buffer.count - 1)
                guard count >= 0 else { return current }
                let link = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = link.hasPrefix("/") ? link : split(current).directory + "/" + link
            }
            throw MakemoreError.file(path: path, reason: "too many levels of symbolic links")
        }
    }

    /// `path` split at its last slash into its directory (`.` for a bare name, `/` at the root)
    /// and its last component. (NSString's path methods trap on some one-character names in
    /// swift-corelibs-foundation: `--save x` crashed.)
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// The descriptor a path names: `/dev/stdout` 1, `/dev/stderr` 2, `/dev/fd/N` and
    /// `/proc/self/fd/N` N; nil for any other path.
    static func descriptor(named path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let number = Int32(path.dropFirst(prefix.count)), number >= 0 { return number }
            }
            return nil
        }
    }

    /// Writes all of `data` to the already existing device, pipe or descriptor link at `path`.
    /// A descriptor link is written through the process's own descriptor, sharing its offset,
    /// so `--log /dev/stdout` interleaves with the printed report instead of overwriting it.
    static func writeThrough(_ data: Data, to path: String) throws {
        if let own = descriptor(named: path), fcntl(own, F_GETFD) != -1 {
            fflush(nil)  // what was printed so far comes first
            if let failure = writeAll(data, to: own) { throw MakemoreError.file(path: path, reason: "cannot be written (\(SystemError.text(failure)))") }
            return
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw MakemoreError.file(path: path, reason: "cannot be written (\(SystemError.text(errno)))") }
        defer { close(descriptor) }
        if let failure = writeAll(data, to: descriptor) { throw MakemoreError.file(path: path, reason: "cannot be written (\(SystemError.text(failure)))") }
    }

    /// Writes `data` to a temporary file beside `target`, then renames it over `target`. A
    /// terminating signal waits until this is done (see `TemporaryFiles.whileReplacing`).
    static func replace(_ target: String, with data: Data, mode: mode_t?, named path: String) throws {
        let (directory, name) = split(target)
        try TemporaryFiles.whileReplacing {
            let (temporary, descriptor) = try createTemporary(beside: name, in: directory, mode: mode ?? 0o666, named: path)
            defer { TemporaryFiles.unregister(temporary) }
            var failure = writeAll(data, to: descriptor)
            if failure == nil, let mode, fchmod(descriptor, mode) != 0 { failure = errno }
            if close(descriptor) != 0, failure == nil { failure = errno }
            if failure == nil, rename(temporary, target) != 0 { failure = errno }
            if let failure {
                unlink(temporary)
                throw MakemoreError.file(path: path, reason: "cannot be written (\(SystemError.text(failure)))")
            }
        }
    }

    /// A new hidden file `.NAME.tmp-` + 16 random hexadecimal digits in `directory`, created
    /// exclusively and never through a link, registered with `TemporaryFiles`; its path and an
    /// open descriptor. A name already taken is drawn again (up to 16 times).
    static func createTemporary(beside name: String, in directory: String, mode: mode_t, named path: String) throws -> (String, Int32) {
        var generator = SystemRandomNumberGenerator()
        var failure: Int32 = EEXIST
        for _ in 0..<16 {
            let suffix = String(generator.next() as UInt64, radix: 16)
            let temporary = directory + "/.\(name).tmp-" + String(repeating: "0", count: 16 - suffix.count) + suffix
            TemporaryFiles.register(temporary)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if descriptor >= 0 { return (temporary, descriptor) }
            failure = errno
            TemporaryFiles.unregister(temporary)
            guard failure == EEXIST else { break }
        }
        throw MakemoreError.file(path: path, reason: "cannot be written (\(directory): \(SystemError.text(failure)))")
    }

    /// Writes every byte of `data` to `descriptor`, retrying short writes; the errno of a
    /// failure, or nil.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Int32? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}
