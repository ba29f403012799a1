import Foundation

/// Loads a word list: text, one item per line, UTF-8 unless another `TextEncoding` is asked for
/// (a UTF-16 byte-order mark is always recognised).
///
/// LF and CRLF line ends are accepted, a leading byte-order mark is dropped, each line is trimmed
/// of surrounding white space and blank lines are skipped. Any Unicode text is a legal item
/// (`Zoë`, `Jean-Luc`, `O'Neil`, `김민준`, `Mary Ann`: inner spaces are part of the word); see
/// `Vocabulary` for what counts as one character. Two things are refused, naming the line: a tab
/// or other control character inside a word (a tab usually means a second column, as in
/// `name<TAB>count`), and a word longer than `maximumWordLength` characters (the sequence models
/// size their position tables and attention by the longest word).
///
/// Any readable stream works as the source: a regular file, a FIFO, `/dev/stdin`, a process
/// substitution `<(…)`, or `-` for standard input. Since a stream may never end (`/dev/zero`,
/// `yes`), reading stops with an error at the first of `maximumBytes`, `maximumLines` lines or
/// a line of more than `maximumLineBytes`: memory stays bounded whatever the source.
public enum WordList {
    /// The longest word accepted, in characters.
    package static let maximumWordLength = 1024
    /// The most lines read from one source (2²⁴, the most rows a batch order can index).
    package static let maximumLines = 1 << 24
    /// The longest line read, in bytes (room for `maximumWordLength` characters of up to 64
    /// bytes each, with white space around).
    package static let maximumLineBytes = 1 << 16

    /// The largest word list read, in bytes (256 MiB; names.txt has 228 KB).
    package static let maximumBytes = 256 << 20

    /// The path that means standard input.
    package static let standardInput = "-"

    /// Reads the words of the file or stream at `path` (`-`: standard input) in `encoding`;
    /// throws a one-line `MakemoreError` naming it (also when it holds no words, unless
    /// `allowingEmpty`).
    public static func load(path: String, allowingEmpty: Bool = false, encoding: TextEncoding = .utf8) throws -> [String] {
        let name = displayName(path)
        let data = try read(path)
        guard allowingEmpty || !data.isEmpty else { throw MakemoreError.file(path: name, reason: "is empty") }
        let words = try parse(data, name: name, encoding: encoding)
        guard allowingEmpty || !words.isEmpty else { throw MakemoreError.file(path: name, reason: "contains no words (only blank lines)") }
        return words
    }

    /// How `path` is named in messages (`standard input` for `-`).
    package static func displayName(_ path: String) -> String { path == standardInput ? "standard input" : path }

    /// Every byte of the file or stream at `path`, within the limits above.
    static func read(_ path: String) throws -> Data {
        if path == standardInput { return try readAll(STDIN_FILENO, name: displayName(path)) }
        guard !path.isEmpty else { throw MakemoreError.file(path: "", reason: "an empty path is not a word list") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MakemoreError.file(path: path, reason: errno == ENOENT ? "no such file" : "cannot be read (\(SystemError.text(errno)))")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw MakemoreError.file(path: path, reason: "is a directory, not a word list") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MakemoreError.file(path: path, reason: "cannot be read (\(SystemError.text(errno)))") }
        defer { close(descriptor) }
        return try readAll(descriptor, name: path)
    }

    /// Reads `descriptor` to its end in chunks, counting lines as they come, and stops at the
    /// first limit passed.
    static func readAll(_ descriptor: Int32, name: String) throws -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var (lines, lineBytes) = (1, 0)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw MakemoreError.file(path: name, reason: "cannot be read (\(SystemError.text(errno)))")
            }
            if count == 0 { return data }
            guard data.count + count <= maximumBytes else {
                throw MakemoreError.file(path: name, reason: "is larger than \(maximumBytes >> 20) MiB, the most a word list may hold")
            }
            for byte in chunk[0..<count] {
                if byte == UInt8(ascii: "\n") {
                    (lines, lineBytes) = (lines + 1, 0)
                    guard lines <= maximumLines + 1 else {
                        throw MakemoreError.file(path: name, reason: "holds more than \(maximumLines) lines, the most a word list may have")
                    }
                } else {
                    lineBytes += 1
                    guard lineBytes <= maximumLineBytes else {
                        throw MakemoreError.file(path: name, reason: "line \(lines) is longer than \(maximumLineBytes) bytes (a word has at most \(maximumWordLength) characters)")
                    }
                }
            }
            data.append(contentsOf: chunk[0..<count])
        }
    }

    /// Splits the text of `data` (in `encoding`) into trimmed, non-blank lines; `name` labels
    /// errors. May return no words.
    package static func parse(_ data: Data, name: String, encoding: TextEncoding = .utf8) throws -> [String] {
        let bytes = try encoding.utf8([UInt8](data), name: name)
        var words: [String] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if let word = printableASCIIWord(line) {
                // The common case, without Foundation's trimming (which cost ~1.5 µs a line).
                guard !word.isEmpty else { continue }
                guard word.count <= maximumWordLength else {
                    throw MakemoreError.file(path: name, reason: "line \(lineNumber) is a word of \(word.count) characters; the limit is \(maximumWordLength)")
                }
                words.append(String(decoding: word, as: UTF8.self))
                continue
            }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw MakemoreError.file(path: name, reason: "line \(lineNumber) is not valid UTF-8 (another encoding? utf-16, latin-1, windows-1252)")
            }
            let word = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !word.isEmpty else { continue }
            if let control = word.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                let what = control == "\t" ? "a tab" : String(format: "the control character U+%04X", control.value)
                throw MakemoreError.file(path: name, reason: "line \(lineNumber) contains \(what) inside a word (one word per line; spaces are allowed, tabs and control characters are not)")
            }
            let length = word.count
            guard length <= maximumWordLength else {
                throw MakemoreError.file(path: name, reason: "line \(lineNumber) is a word of \(length) characters; the limit is \(maximumWordLength)")
            }
            words.append(word)
        }
        return words
    }

    /// The trimmed word of a line made only of printable ASCII and spaces (and perhaps the CR of
    /// a CRLF line end as its last byte), or nil for any other line. For such a line this is
    /// exactly what the general path gives: `trimmingCharacters(in: .whitespacesAndNewlines)`
    /// removes the surrounding spaces and the CR, no control character can be left inside, and
    /// every byte is one character (so the byte count is the length).
    static func printableASCIIWord(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var end = line.endIndex
        if end > line.startIndex && line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        for byte in line[line.startIndex..<end] where byte < 0x20 || byte > 0x7E { return nil }
        var start = line.startIndex
        while start < end && line[start] == UInt8(ascii: " ") { start += 1 }
        while end > start && line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return line[start..<end]
    }

    /// `words` with every repeat of an earlier word removed (the first stays, order kept), and
    /// how many were removed.
    package static func deduplicated(_ words: [String]) -> (words: [String], removed: Int) {
        var seen = Set<String>()
        let kept = words.filter { seen.insert($0).inserted }
        return (kept, words.count - kept.count)
    }
}
