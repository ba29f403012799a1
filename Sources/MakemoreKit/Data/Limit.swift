/// The allowed range of one named value, declared once: the library checks every argument and
/// configuration against it, and a front end parses its options against the same declaration
/// (and maps `name` back to its own spelling in errors). NaN is never in range.
public struct Limit<Value: Comparable & Sendable>: Sendable {
    /// The value's name in errors and checkpoints (`learning_rate`, `n_embd`, `count`).
    public let name: String
    /// The values allowed.
    public let range: ClosedRange<Value>

    public init(_ name: String, _ range: ClosedRange<Value>) {
        self.name = name
        self.range = range
    }

    /// What the value must be, read after "must be": `in 1...4096`, or `1 or more` when
    /// unbounded above.
    public var rule: String {
        if let upper = range.upperBound as? Int, upper == Int.max { return "\(range.lowerBound) or more" }
        return "in \(range.lowerBound)...\(range.upperBound)"
    }

    /// `value`, or `MakemoreError.invalidValue` naming it when out of range.
    @discardableResult
    public func check(_ value: Value) throws -> Value {
        guard range.contains(value) else { throw MakemoreError.invalidValue(name: name, rule: rule, value: "\(value)") }
        return value
    }
}

extension Limit where Value == Int {
    /// A vocabulary size: the boundary token and at least one character.
    public static func vocabularySize(_ name: String) -> Limit { Limit(name, 2...Int.max) }
    /// Channels of an embedding, a residual stream or a recurrent state.
    package static func width(_ name: String) -> Limit { Limit(name, 1...4096) }
    /// Width of a window network's hidden layers.
    package static func hiddenWidth(_ name: String) -> Limit { Limit(name, 1...16384) }
    /// Layers, heads or a window's context.
    package static func count64(_ name: String) -> Limit { Limit(name, 1...64) }
    /// Positions per sequence: the longest word + 1, bounded so that position tables and
    /// attention (and attention dropout's mask hash) stay bounded.
    package static func blockSize(_ name: String) -> Limit { Limit(name, 2...4096) }
}
