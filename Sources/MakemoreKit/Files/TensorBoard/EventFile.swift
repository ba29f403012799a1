import Foundation

/// A TensorBoard event file being written: `DIR/events.out.tfevents.<seconds>.<host>.<pid>.<n>`,
/// a sequence of TFRecord-framed `tensorflow.Event` protocol buffers (`wall_time` = 1,
/// `step` = 2, `file_version` = 3, `summary` = 5), starting with the `brain.Event:2` version
/// record as TensorFlow's writers do. Events are buffered and appended with `flush()`, each
/// flush one `write`, so `tensorboard --logdir DIR` shows a run while it trains. The file is new
/// (created exclusively: it never replaces anything, and two runs never share one); a reader
/// that meets a record still being written retries it, as it does for TensorFlow's own files.
package final class EventFile {
    /// The file's path.
    package let path: String
    private let descriptor: Int32
    private var pending: [UInt8] = []

    /// Creates `directory` (and its parents) if missing and a new event file in it; throws a
    /// one-line error naming the directory.
    package init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MakemoreError.file(path: directory, reason: "cannot be created (\(SystemError.describe(error)))")
        }
        try OutputPath.validateDirectory(directory)
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        let stem = "events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host.isEmpty ? "localhost" : host).\(getpid())"
        for attempt in 0..<1000 {
            let candidate = (directory as NSString).appendingPathComponent("\(stem).\(attempt)")
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if opened >= 0 {
                path = candidate
                descriptor = opened
                append(EventFile.event(wallTime: Date().timeIntervalSince1970, step: 0) { $0.string(3, "brain.Event:2") })
                try flush()
                return
            }
            guard errno == EEXIST else { throw MakemoreError.file(path: directory, reason: "cannot be written (\(SystemError.text(errno)))") }
        }
        throw MakemoreError.file(path: directory, reason: "cannot be written (1000 event files of this second and process exist)")
    }

    deinit { close(descriptor) }

    /// Buffers a scalar (`Summary.Value.simple_value`) under `tag` at `step`.
    package func scalar(_ tag: String, _ number: Double, step: Int) {
        append(EventFile.scalarEvent(tag, number, step: step, wallTime: Date().timeIntervalSince1970))
    }

    /// Buffers `lines` as a text summary under `tag` at `step`: a string tensor of one element
    /// per line, marked for TensorBoard's text plugin (which shows it as a table).
    package func text(_ tag: String, _ lines: [String], step: Int) {
        append(EventFile.textEvent(tag, lines, step: step, wallTime: Date().timeIntervalSince1970))
    }

    /// The `Event` of a scalar.
    static func scalarEvent(_ tag: String, _ number: Double, step: Int, wallTime: Double) -> [UInt8] {
        summary(step: step, wallTime: wallTime) { value in
            value.string(1, tag)
            value.float(2, Float(number))
        }
    }

    /// The `Event` of a text summary.
    static func textEvent(_ tag: String, _ lines: [String], step: Int, wallTime: Double) -> [UInt8] {
        summary(step: step, wallTime: wallTime) { value in
            value.string(1, tag)
            value.message(8) { tensor in
                tensor.int64(1, 7)  // DT_STRING
                tensor.message(2) { shape in shape.message(2) { dimension in dimension.int64(1, Int64(lines.count)) } }
                for line in lines { tensor.string(8, line) }
            }
            value.message(9) { metadata in metadata.message(1) { plugin in plugin.string(1, "text") } }
        }
    }

    /// Appends what is buffered to the file; throws a one-line error naming it.
    package func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        try pending.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MakemoreError.file(path: path, reason: "cannot be written (\(SystemError.text(errno)))")
                }
                offset += written
            }
        }
    }

    private func append(_ event: [UInt8]) { pending += TFRecord.frame(event) }

    /// An `Event` at `step` and `wallTime` whose other fields `body` writes.
    static func event(wallTime: Double, step: Int, _ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        if step != 0 { event.int64(2, Int64(step)) }
        body(&event)
        return event.bytes
    }

    /// An `Event` now at `step` holding a `Summary` of the one `Summary.Value` `value` writes.
    static func summary(step: Int, wallTime: Double, _ value: (inout ProtobufWriter) -> Void) -> [UInt8] {
        event(wallTime: wallTime, step: step) { event in event.message(5) { summary in summary.message(1, value) } }
    }
}
