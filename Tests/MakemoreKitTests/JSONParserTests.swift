import Testing
@testable import MakemoreKit

@Suite struct JSONParserTests {
    @Test func literalsAndNestingKeepKeyOrder() throws {
        let value = try JSONParser.parse(#" { "z" : [true, false, null, {}, []], "a": {"b": "c"} } "#)
        #expect(value == .object([
            ("z", .array([.bool(true), .bool(false), .null, .object([]), .array([])])),
            ("a", .object([("b", .string("c"))])),
        ]))
        #expect(value.objectValue?.map(\.0) == ["z", "a"])
    }

    @Test func integersAndNumbers() throws {
        #expect(try JSONParser.parse("0") == .integer(0))
        #expect(try JSONParser.parse("-0") == .integer(0))
        #expect(try JSONParser.parse("123") == .integer(123))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(Int.min))
        #expect(try JSONParser.parse("9223372036854775808") == .number(9223372036854775808))
        #expect(try JSONParser.parse("1.0") == .number(1))
        #expect(try JSONParser.parse("1e2") == .number(100))
        #expect(try JSONParser.parse("-2.5E-1") == .number(-0.25))
        #expect(try JSONParser.parse("0.1") == .number(0.1))
    }

    @Test(arguments: ["01", "-", "1.", ".5", "+1", "1e", "1e+", "0x1", "1e400", "-1e400", "--1", "Infinity", "NaN"])
    func malformedNumbersAreRejected(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func stringEscapes() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try JSONParser.parse(#""caf\u00e9 \u00E9""#) == .string("café é"))
        #expect(try JSONParser.parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""a\u0000b""#) == .string("a\u{0}b"))
        #expect(try JSONParser.parse("\"Zoë 김민준 😀\"") == .string("Zoë 김민준 😀"))
        #expect(try JSONParser.parse(#""""#) == .string(""))
    }

    @Test(arguments: [
        #""\uD83D""#, #""\uD83Dx""#, #""\uD83D\n""#, #""\uD83D\u0041""#, #""\uDE00""#,
        #""\x""#, #""\u12""#, #""\u12G4""#, "\"a\nb\"", "\"a\tb\"", #""abc"#, #""abc\"#,
    ])
    func malformedStringsAreRejected(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError(reason: "invalid UTF-8 in string", offset: 2)) {
            try JSONParser.parse([0x5B, 0x22, 0xC3, 0x22, 0x5D])
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0xFF]) }
    }

    @Test(arguments: [
        "", "   ", "{} x", "[1,]", "[,1]", #"{"a":1,}"#, "[1 2]", #"{"a" 1}"#, "{1:2}", "nul", "tru",
        "[", "{", #"{"a":"#, "]", "[1]]", "{}{}", "'a'", "[1,\n", "\u{FEFF}{}",
    ])
    func garbageIsRejected(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func errorsNameTheByteOffset() {
        #expect(throws: JSONParseError(reason: "unexpected character", offset: 4)) { try JSONParser.parse("[1, x]") }
        #expect(throws: JSONParseError(reason: "unexpected text after the value", offset: 3)) { try JSONParser.parse("{} 1") }
        #expect(throws: JSONParseError(reason: #"duplicate key "a""#, offset: 8)) { try JSONParser.parse(#"{"a":1, "a":2}"#) }
        #expect(throws: JSONParseError(reason: #"duplicate key "a\nb""#, offset: 11)) { try JSONParser.parse(#"{"a\nb":1, "a\nb":2}"#) }
        #expect(JSONParseError(reason: "unterminated string", offset: 3).description == "unterminated string at byte 3")
    }

    @Test func nestingIsLimited() throws {
        let depth = JSONParser.maximumDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try JSONParser.parse(deepest).arrayValue?.count == 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[" + deepest + "]") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: #"{"a":"#, count: depth + 1)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 1_000_000)) }
    }

    @Test func serializedValuesParseBack() throws {
        let value = JSONValue.object([
            ("name", .string("quote \" backslash \\ newline \n bell \u{07} é 😀")),
            ("n", .integer(-42)), ("x", .number(0.125)), ("list", .array([.null, .bool(true)])),
        ])
        #expect(try JSONParser.parse(value.serialized) == value)
    }

    @Test func accessors() throws {
        let value = try JSONParser.parse(#"{"s": "t", "i": 3, "x": 1.5, "a": [1]}"#)
        #expect(value["s"]?.stringValue == "t")
        #expect(value["i"]?.intValue == 3)
        #expect(value["i"]?.doubleValue == 3)
        #expect(value["x"]?.intValue == nil)
        #expect(value["x"]?.doubleValue == 1.5)
        #expect(value["a"]?.arrayValue == [.integer(1)])
        #expect(value["missing"] == nil)
        #expect(value["s"]?["s"] == nil)
        #expect(value["a"]?.stringValue == nil)
    }
}
