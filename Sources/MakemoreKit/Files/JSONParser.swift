/// A JSON syntax error: what is wrong and the byte offset where it was found.
package struct JSONParseError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, e.g. `unterminated string`.
    package let reason: String
    /// Byte offset into the input, counted from 0.
    package let offset: Int

    package var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 JSON parser producing `JSONValue`.
///
/// - Objects keep their key order; a duplicate key in one object is an error (the safetensors
///   spec forbids duplicates, and a silent last-wins would hide a corrupt header).
/// - A number without fraction or exponent that fits in `Int` is `.integer`; every other number
///   is `.number` (`1.0` and `1e2` included). Numbers beyond `Double`'s range are errors.
/// - Strings must be valid UTF-8 without raw control characters; every escape is decoded,
///   `\uD83D\uDE00` surrogate pairs included, and a lone surrogate is an error.
/// - Nesting deeper than `maximumDepth` is an error, so hostile input cannot overflow the stack.
/// - Only white space may follow the value.
package enum JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    package static let maximumDepth = 128

    /// Parses UTF-8 `bytes` holding exactly one JSON value.
    package static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("unexpected text after the value") }
        return value
    }

    /// Parses `text` holding exactly one JSON value.
    package static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// A cursor over the input; each method consumes one grammar production.
private struct Reader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    func error(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(reason: reason, offset: offset ?? position)
    }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    mutating func expect(_ literal: String) throws(JSONParseError) {
        for byte in literal.utf8 {
            guard current == byte else { throw error("invalid literal, expected '\(literal)'") }
            position += 1
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        position += 1
        var members: [(String, JSONValue)] = []
        var keys: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            let keyOffset = position
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            guard keys.insert(key).inserted else { throw error("duplicate key \(JSONValue.string(key).serialized)", at: keyOffset) }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            members.append((key, try value(depth: depth)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw error("expected ',' or '}'")
            }
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(items)
            default: throw error("expected ',' or ']'")
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits() > 0 else { throw error("expected a digit") }
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard digits() > 0 else { throw error("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else { throw error("number out of range", at: start) }
        return .number(number)
    }

    /// Consumes a run of ASCII digits and returns its length.
    mutating func digits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }

    mutating func string() throws(JSONParseError) -> String {
        position += 1
        var result = ""
        var runStart = position
        while true {
            guard let byte = current else { throw error("unterminated string") }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                try appendRun(from: runStart, to: &result)
                position += 1
                if byte == UInt8(ascii: "\"") { return result }
                result.unicodeScalars.append(try escape())
                runStart = position
            } else if byte < 0x20 {
                throw error("control character in string")
            } else {
                position += 1
            }
        }
    }

    /// Appends the unescaped bytes `runStart..<position`, which must be valid UTF-8.
    func appendRun(from runStart: Int, to result: inout String) throws(JSONParseError) {
        guard runStart < position else { return }
        guard let text = String(validating: bytes[runStart..<position], as: UTF8.self) else {
            throw error("invalid UTF-8 in string", at: runStart)
        }
        result += text
    }

    /// Decodes the escape after a backslash.
    mutating func escape() throws(JSONParseError) -> Unicode.Scalar {
        let start = position - 1
        guard let byte = current else { throw error("unterminated string") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            if (0xDC00...0xDFFF).contains(unit) { throw error("lone low surrogate", at: start) }
            if !(0xD800...0xDBFF).contains(unit), let scalar = Unicode.Scalar(unit) { return scalar }
            guard current == UInt8(ascii: "\\") else { throw error("lone high surrogate", at: start) }
            position += 1
            guard current == UInt8(ascii: "u") else { throw error("lone high surrogate", at: start) }
            position += 1
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("lone high surrogate", at: start) }
            let code = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            guard let scalar = Unicode.Scalar(code) else { throw error("invalid surrogate pair", at: start) }
            return scalar
        default:
            throw error("invalid escape", at: start)
        }
    }

    /// Four hex digits after `\u`.
    mutating func hexQuad() throws(JSONParseError) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Reader.hexDigit(byte) else { throw error("expected four hex digits") }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }

    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
