import MakemoreKit

/// A mistake in the command line: printed as one line plus a hint to `--help`, exit 64.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The library's declaration of the value an option sets (`Limit<Int>`, `Limit<Double>`,
/// `Limit<Float>`): its range, and its name in the library's errors (mapped back to the
/// option's flag when reported).
protocol DeclaredLimit: Sendable {
    var name: String { get }
}

extension Limit: DeclaredLimit {}

/// One `--long-option` of a subcommand: a flag when `value` is nil, otherwise it takes a value.
struct Option: Sendable {
    let name: String
    let value: String?
    let help: String
    let defaultValue: String?
    /// The library value the option sets, when the library declares its range.
    let limit: (any DeclaredLimit)?
    /// The library's names of the values the option sets, when neither its limit nor its own
    /// name says it (`--save` sets `checkpoint`).
    let keys: [String]

    /// An option taking a value, shown as `--name VALUE`; with a `limit`, it sets the library
    /// value that limit declares: parsed against its range, and named by this flag in the
    /// library's errors about it.
    init(_ name: String, value: String?, limit: (any DeclaredLimit)? = nil, key: String? = nil, keys: [String] = [], default defaultValue: String? = nil,
         _ help: String) {
        (self.name, self.value, self.limit, self.keys, self.defaultValue, self.help) = (name, value, limit, (key.map { [$0] } ?? []) + keys, defaultValue, help)
    }

    /// Whether this option sets the library value called `valueName`: the one its limit or
    /// keys declare, or the option's own name, also in snake case (`top-k` sets `top_k`).
    func sets(_ valueName: String) -> Bool {
        !name.isEmpty && (limit?.name == valueName || keys.contains(valueName) || [name, name.replacingOccurrences(of: "-", with: "_")].contains(valueName))
    }

    /// The words after the subcommand that are not options (`makemore score WORD…`), shown in
    /// the help as `value`. Without one, a subcommand rejects such words.
    init(positional value: String, _ help: String) { self.init("", value: value, help) }

    /// A boolean flag.
    init(flag name: String, _ help: String) { self.init(name, value: nil, help) }
}

/// The options given to one subcommand, with typed, validated accessors that return nil for an
/// option not given: each subcommand reads them once into its typed options, falling back to
/// the typed defaults its option table prints.
struct ParsedArguments: Sendable {
    private let options: [String: Option]
    private var values: [String: String] = [:]
    /// Every value of each option, in order, for options that may be repeated.
    private var repeated: [String: [String]] = [:]
    /// The words that are not options, for a subcommand with a positional option.
    private(set) var positionals: [String] = []
    private var flags: Set<String> = []

    /// Parses `arguments` (after the subcommand name) against `options`.
    init(arguments: [String], options: [Option]) throws {
        let byName = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.options = byName
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                guard byName[""] != nil else { throw UsageError("unexpected argument '\(argument)'") }
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard !name.isEmpty, let option = byName[name] else {
                let hint = Spelling.suggestion(for: name, among: options.map(\.name)).map { "; did you mean '--\($0)'?" } ?? ""
                throw UsageError("unknown option '--\(name)'\(hint)")
            }
            if option.value == nil {
                guard inlineValue == nil else { throw UsageError("option '--\(name)' takes no value") }
                flags.insert(name)
                continue
            }
            if let value = inlineValue ?? (index < arguments.count ? arguments[index] : nil), value.isEmpty,
               let kind = option.value, kind.contains("FILE") || kind.contains("DIR") {
                throw UsageError("option '--\(name)' needs a value (\(kind)), got an empty string")
            }
            if let inlineValue {
                values[name] = inlineValue
                repeated[name, default: []].append(inlineValue)
            } else {
                guard index < arguments.count else { throw UsageError("option '--\(name)' needs a value (\(option.value ?? ""))") }
                // A value that looks like an option is the next option, not this one's value.
                guard !arguments[index].hasPrefix("--") else {
                    throw UsageError("option '--\(name)' needs a value (\(option.value ?? "")), got the option '\(arguments[index])'; write ./\(arguments[index]) for a file of that name")
                }
                values[name] = arguments[index]
                repeated[name, default: []].append(arguments[index])
                index += 1
            }
        }
    }

    /// Whether the flag was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether the option was given.
    func given(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    /// The option's text, if given.
    func string(_ name: String) -> String? { values[name] }

    /// Every value given for a repeatable option, in order (empty when not given).
    func strings(_ name: String) -> [String] { repeated[name] ?? [] }

    /// An integer option, checked against its declared limit.
    func int(_ name: String) throws -> Int? {
        try int(name, in: Int.min...Int.max).map { try (options[name]?.limit as? Limit<Int>)?.check($0) ?? $0 }
    }

    /// A real option, finite and checked against its declared limit.
    func double(_ name: String) throws -> Double? {
        let limit = options[name]?.limit
        return try double(name, in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude).map { value in
            if let limit = limit as? Limit<Float> { return Double(try limit.check(Float(value))) }
            return try (limit as? Limit<Double>)?.check(value) ?? value
        }
    }

    /// A real option of a `Float` value, checked against its declared limit.
    func float(_ name: String) throws -> Float? { try double(name).map(Float.init) }

    /// An integer option, checked against `range`.
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        let digits = text.replacingOccurrences(of: "_", with: "")
        guard let value = Int(digits) else {
            if !digits.isEmpty, digits.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw UsageError("option '--\(name)' is too large, got '\(text)'" + (range.upperBound < Int.max ? " (at most \(range.upperBound))" : ""))
            }
            throw UsageError("option '--\(name)' expects a whole number, got '\(text)'")
        }
        guard range.contains(value) else { throw UsageError("option '--\(name)' must be \(describe(range)), got \(value)") }
        return value
    }

    /// A seed: any non-negative 64-bit integer.
    func seed(_ name: String) throws -> UInt64? {
        guard let text = string(name) else { return nil }
        guard let value = UInt64(text) else {
            if text.count > 1, text.allSatisfy({ $0.isASCII && $0.isNumber }) { throw UsageError("option '--\(name)' is too large (at most \(UInt64.max)), got '\(text)'") }
            throw UsageError("option '--\(name)' expects a non-negative whole number, got '\(text)'")
        }
        return value
    }

    /// A real option, finite and checked against `range`.
    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw UsageError("option '--\(name)' expects a number, got '\(text)'")
        }
        guard range.contains(value) else { throw UsageError("option '--\(name)' must be in [\(range.lowerBound), \(range.upperBound)], got \(text)") }
        return value
    }

    /// One of `choices`.
    func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let text = string(name) else { return nil }
        guard choices.contains(text) else {
            throw UsageError("option '--\(name)' must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// One of the cases of `type`, by raw value.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, _ type: Choice.Type) throws -> Choice? where Choice.RawValue == String {
        try choice(name, Choice.allCases.map(\.rawValue)).flatMap(Choice.init(rawValue:))
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "\(range.lowerBound) or more" : "in \(range.lowerBound)...\(range.upperBound)"
    }
}

/// The `--help` text of a subcommand.
func helpText(command: String, summary: String, options: [Option]) -> String {
    var lines = ["USAGE: makemore \(command) [options]", "", summary, "", "OPTIONS:"]
    let rows = (options + [Option(flag: "help", "show this help")]).map { option -> (String, String) in
        let left = option.name.isEmpty ? option.value ?? "" : "--\(option.name)" + (option.value.map { " \($0)" } ?? "")
        let right = option.help + (option.defaultValue.map { " (default: \($0))" } ?? "")
        return (left, right)
    }
    let width = rows.map(\.0.count).max() ?? 0
    for (left, right) in rows {
        lines.append("  " + left.padding(toLength: width + 2, withPad: " ", startingAt: 0) + right)
    }
    return lines.joined(separator: "\n")
}
