/// A JSON value with ordered object keys, for the `--json` results, logs and reports.
///
/// JSON has no infinities: a non-finite number is written as the string `"inf"`, `"-inf"` or
/// `"nan"` (an NLL of +∞ from an unsmoothed bigram appears as `"inf"`).
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// A number, or `null` when absent.
    public static func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    /// Compact one-line serialisation.
    public var serialized: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let x):
            if x.isNaN { return "\"nan\"" }
            if x.isInfinite { return x > 0 ? "\"inf\"" : "\"-inf\"" }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
            return "\(x)"
        case .string(let s): return JSONValue.quote(s)
        case .array(let items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSONValue.quote($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
