import Foundation

/// The options given to one subcommand, with typed, validated accessors that return nil for an
/// option not given: each subcommand reads them once into its typed options, falling back to
/// the typed defaults its option table prints.
package struct ParsedArguments: Sendable {
    private let options: [String: Option]
    private var values: [String: String] = [:]
    /// Every value of each option, in order, for options that may be repeated.
    private var repeated: [String: [String]] = [:]
    /// The words that are not options, for a subcommand with a positional option.
    package private(set) var positionals: [String] = []
    private var flags: Set<String> = []

    /// Parses `arguments` (after the subcommand name) against `options`.
    package init(arguments: [String], options: [Option]) throws {
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
    package func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether the option was given.
    package func given(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    /// The option's text, if given.
    package func string(_ name: String) -> String? { values[name] }

    /// Every value given for a repeatable option, in order (empty when not given).
    package func strings(_ name: String) -> [String] { repeated[name] ?? [] }

    /// An integer option, checked against its declared limit.
    package func int(_ name: String) throws -> Int? {
        try int(name, in: Int.min...Int.max).map { try options[name]?.limit?.check(whole: $0) ?? $0 }
    }

    /// A real option, finite and checked against its declared limit.
    package func double(_ name: String) throws -> Double? {
        try double(name, in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude).map { try options[name]?.limit?.check(real: $0) ?? $0 }
    }

    /// A real option of a `Float` value, checked against its declared limit.
    package func float(_ name: String) throws -> Float? { try double(name).map(Float.init) }

    /// An integer option, checked against `range`.
    package func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
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
    package func seed(_ name: String) throws -> UInt64? {
        guard let text = string(name) else { return nil }
        guard let value = UInt64(text) else {
            if text.count > 1, text.allSatisfy({ $0.isASCII && $0.isNumber }) { throw UsageError("option '--\(name)' is too large (at most \(UInt64.max)), got '\(text)'") }
            throw UsageError("option '--\(name)' expects a non-negative whole number, got '\(text)'")
        }
        return value
    }

    /// A real option, finite and checked against `range`.
    package func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw UsageError("option '--\(name)' expects a number, got '\(text)'")
        }
        guard range.contains(value) else { throw UsageError("option '--\(name)' must be in [\(range.lowerBound), \(range.upperBound)], got \(text)") }
        return value
    }

    /// One of `choices`.
    package func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let text = string(name) else { return nil }
        guard choices.contains(text) else {
            throw UsageError("option '--\(name)' must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// One of the cases of `type`, by raw value.
    package func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, _ type: Choice.Type) throws -> Choice? where Choice.RawValue == String {
        try choice(name, Choice.allCases.map(\.rawValue)).flatMap(Choice.init(rawValue:))
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "\(range.lowerBound) or more" : "in \(range.lowerBound)...\(range.upperBound)"
    }
}
