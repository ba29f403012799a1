import MakemoreKit

/// A number an option spells: read from the command line and checked against the option's
/// declared limit.
protocol OptionValue: LosslessStringConvertible, Comparable, Sendable {
    static func read(_ name: String, from arguments: ParsedArguments) throws -> Self?
}

extension Int: OptionValue {
    static func read(_ name: String, from arguments: ParsedArguments) throws -> Int? { try arguments.int(name) }
}

extension Double: OptionValue {
    static func read(_ name: String, from arguments: ParsedArguments) throws -> Double? { try arguments.double(name) }
}

extension Float: OptionValue {
    static func read(_ name: String, from arguments: ParsedArguments) throws -> Float? { try arguments.float(name) }
}

/// One option that sets one value of a configuration `Root` (a model's, a training's),
/// declared once — its name, the value's key path and library limit, its help — from which the
/// option's `--help` row (the default read off the defaults given) and the reading of the given
/// value are derived, as swift-argument-parser derives both from one `@Option`.
struct Setting<Root>: Sendable {
    let name: String
    /// The option's row, its default shown from `defaults`.
    let option: @Sendable (_ defaults: Root) -> Option
    /// Sets the value in `root` when the option is given.
    let read: @Sendable (ParsedArguments, _ root: inout Root) throws -> Void

    init(_ name: String, option: @escaping @Sendable (Root) -> Option, read: @escaping @Sendable (ParsedArguments, inout Root) throws -> Void) {
        (self.name, self.option, self.read) = (name, option, read)
    }

    /// A number within the library's `limit`, shown as `--name VALUE`.
    init<Value: OptionValue>(_ name: String, _ keyPath: WritableKeyPath<Root, Value> & Sendable, value: String, limit: Limit<Value>, _ help: String) {
        self.init(name, option: { Option(name, value: value, limit: limit, default: String($0[keyPath: keyPath]), help) }) { arguments, root in
            if let given = try Value.read(name, from: arguments) { root[keyPath: keyPath] = given }
        }
    }

    /// An optional number within the library's `limit`; `shown` words the default.
    init<Value: OptionValue>(_ name: String, _ keyPath: WritableKeyPath<Root, Value?> & Sendable, value: String, limit: Limit<Value>,
                             default shown: @escaping @Sendable (Root) -> String?, _ help: String) {
        self.init(name, option: { Option(name, value: value, limit: limit, default: shown($0), help) }) { arguments, root in
            if let given = try Value.read(name, from: arguments) { root[keyPath: keyPath] = given }
        }
    }

    /// One of the cases of an enumeration, by raw value.
    init<Choice: RawRepresentable & CaseIterable & Sendable>(_ name: String, _ keyPath: WritableKeyPath<Root, Choice> & Sendable, value: String,
                                                             _ help: String) where Choice.RawValue == String {
        self.init(name, option: { Option(name, value: value, default: $0[keyPath: keyPath].rawValue, help) }) { arguments, root in
            if let given = try arguments.choice(name, Choice.self) { root[keyPath: keyPath] = given }
        }
    }

    /// A flag that sets the value to `value`.
    init(flag name: String, _ keyPath: WritableKeyPath<Root, Bool> & Sendable, sets value: Bool, _ help: String) {
        self.init(name, option: { _ in Option(flag: name, help) }) { arguments, root in
            if arguments.flag(name) { root[keyPath: keyPath] = value }
        }
    }
}

extension Array {
    /// The options of these settings, their defaults read off `defaults`.
    func options<Root>(_ defaults: Root) -> [Option] where Element == Setting<Root> { map { $0.option(defaults) } }

    /// `base` with every given option of these settings read into it.
    func read<Root>(_ arguments: ParsedArguments, over base: Root) throws -> Root where Element == Setting<Root> {
        var root = base
        for setting in self { try setting.read(arguments, &root) }
        return root
    }
}
