import Foundation

/// Loads a word list: UTF-8 text, one item per line.
///
/// LF and CRLF line ends are accepted, a leading byte-order mark is dropped, each line is trimmed
/// of surrounding white space and blank lines are skipped. Any Unicode text is a legal item
/// (`Zoë`, `Jean-Luc`, `O'Neil`, `김민준`); see `Vocabulary` for what counts as one character.
public enum WordList {
    /// Reads the words of the file at `path`; throws a one-line `MakemoreError` naming the file
    /// (also when it holds no words, unless `allowingEmpty`).
    public static func load(path: String, allowingEmpty: Bool = false) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MakemoreError("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw MakemoreError("\(path): is a directory, not a word list") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MakemoreError("\(path): cannot be read")
        }
        let words = try parse(data, name: path)
        guard allowingEmpty || !words.isEmpty else { throw MakemoreError("\(path): contains no words (only blank lines)") }
        return words
    }

    /// Splits UTF-8 bytes into trimmed, non-blank lines; `name` labels errors. May return no words.
    public static func parse(_ data: Data, name: String) throws -> [String] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var words: [String] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let text = String(validating: line, as: UTF8.self) else {
                throw MakemoreError("\(name): line \(lineNumber) is not valid UTF-8")
            }
            let word = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !word.isEmpty { words.append(word) }
        }
        return words
    }
}
