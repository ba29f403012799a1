/// A mistake in the command line: printed as one line plus a hint to `--help`, exit 64.
package struct UsageError: Error {
    package let message: String
    package init(_ message: String) { self.message = message }
}

/// The program's own declaration of the range of the value an option sets (makemore's library
/// `Limit`s conform in the executable): its name in the program's errors (mapped back to the
/// option's flag when reported), and the check of a parsed number against it. This module
/// knows no program's types, so the check is the declaration's own, and so is its error.
package protocol DeclaredLimit: Sendable {
    /// The value's name in the program's errors (`learning_rate`).
    var name: String { get }
    /// `value` when it is allowed, or the program's error naming it; a limit of another kind
    /// of number lets it through.
    func check(whole value: Int) throws -> Int
    /// `value`, as the limit's own type holds it (a `Float` limit rounds it to a `Float`), when
    /// it is allowed, or the program's error naming it; a limit of whole numbers lets it through.
    func check(real value: Double) throws -> Double
}

/// One `--long-option` of a subcommand: a flag when `value` is nil, otherwise it takes a value.
package struct Option: Sendable {
    package let name: String
    package let value: String?
    package let help: String
    package let defaultValue: String?
    /// The program's value the option sets, when the program declares its range.
    package let limit: (any DeclaredLimit)?
    /// The program's names of the values the option sets, when neither its limit nor its own
    /// name says it (`--save` sets `checkpoint`).
    package let keys: [String]

    /// An option taking a value, shown as `--name VALUE`; with a `limit`, it sets the program's
    /// value that limit declares: parsed against its range, and named by this flag in the
    /// program's errors about it.
    package init(_ name: String, value: String?, limit: (any DeclaredLimit)? = nil, key: String? = nil, keys: [String] = [], default defaultValue: String? = nil,
                 _ help: String) {
        (self.name, self.value, self.limit, self.keys, self.defaultValue, self.help) = (name, value, limit, (key.map { [$0] } ?? []) + keys, defaultValue, help)
    }

    /// Whether this option sets the program's value called `valueName`: the one its limit or
    /// keys declare, or the option's own name, also in snake case (`top-k` sets `top_k`).
    package func sets(_ valueName: String) -> Bool {
        !name.isEmpty && (limit?.name == valueName || keys.contains(valueName) || [name, name.replacingOccurrences(of: "-", with: "_")].contains(valueName))
    }

    /// The words after the subcommand that are not options (`makemore score WORD…`), shown in
    /// the help as `value`. Without one, a subcommand rejects such words.
    package init(positional value: String, _ help: String) { self.init("", value: value, help) }

    /// A boolean flag.
    package init(flag name: String, _ help: String) { self.init(name, value: nil, help) }
}
