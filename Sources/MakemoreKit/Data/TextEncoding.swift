/// How a word list's bytes are read as text (`--encoding`). Every encoding is transcoded to
/// UTF-8 first; the word list's own checks (control characters, word length) then apply alike.
///
/// A file that starts with a UTF-16 byte-order mark (`FF FE` little-endian, `FE FF` big-endian)
/// is read as UTF-16 whatever the encoding asked for, since no UTF-8, Latin-1 or Windows-1252
/// word list begins that way; `.utf16` without a mark reads big-endian (RFC 2781, 4.3).
public enum TextEncoding: String, CaseIterable, Codable, Sendable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case latin1 = "latin-1"
    case windows1252 = "windows-1252"

    /// `bytes` as UTF-8 (a UTF-8 byte-order mark removed); throws a one-line error naming
    /// `name` and the line of the first byte that is not text in this encoding.
    func utf8(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        if bytes.starts(with: [0xFF, 0xFE]) { return try TextEncoding.utf16(bytes.dropFirst(2), bigEndian: false, name: name) }
        if bytes.starts(with: [0xFE, 0xFF]) { return try TextEncoding.utf16(bytes.dropFirst(2), bigEndian: true, name: name) }
        switch self {
        case .utf8: return bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        case .utf16: return try TextEncoding.utf16(bytes[...], bigEndian: true, name: name)
        case .latin1: return TextEncoding.singleByte(bytes) { Unicode.Scalar($0) }
        case .windows1252:
            var line = 1
            for byte in bytes {
                if byte == UInt8(ascii: "\n") { line += 1 }
                if (0x80...0x9F).contains(byte) && TextEncoding.windows1252High[Int(byte - 0x80)] == 0 {
                    throw MakemoreError.file(path: name, reason: "line \(line) holds the byte 0x\(String(byte, radix: 16, uppercase: true)), which Windows-1252 leaves undefined")
                }
            }
            return TextEncoding.singleByte(bytes) { byte in
                (0x80...0x9F).contains(byte) ? Unicode.Scalar(TextEncoding.windows1252High[Int(byte - 0x80)])! : Unicode.Scalar(byte)
            }
        }
    }

    /// Each byte as the scalar `scalar(byte)` gives, in UTF-8.
    private static func singleByte(_ bytes: [UInt8], _ scalar: (UInt8) -> Unicode.Scalar) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 { out.append(byte) } else { out.append(contentsOf: Array(String(scalar(byte)).utf8)) }
        }
        return out
    }

    /// UTF-16 code units (after the byte-order mark) in UTF-8; an odd byte count or an unpaired
    /// surrogate is an error naming its line.
    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool, name: String) throws -> [UInt8] {
        guard bytes.count % 2 == 0 else { throw MakemoreError.file(path: name, reason: "is not UTF-16 (an odd number of bytes after the byte-order mark)") }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var line = 1
        var iterator = units.makeIterator()
        var decoder = UTF16()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                out.append(contentsOf: Array(String(scalar).utf8))
            case .emptyInput: return out
            case .error: throw MakemoreError.file(path: name, reason: "line \(line) is not valid UTF-16 (an unpaired surrogate)")
            }
        }
    }

    /// The scalars of Windows-1252's bytes 0x80–0x9F (0: undefined); the other bytes are Latin-1.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]
}
