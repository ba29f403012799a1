/// Where a front end's values for named settings come from (the command line's options): each
/// accessor returns nil for a value not given, and throws the front end's own error for text
/// it cannot read or a number outside the limit the setting declares, so that the front end
/// words its errors in its own terms.
package protocol SettingValues {
    /// Whether the setting `name` was given at all.
    func given(_ name: String) -> Bool
    /// Whether the flag `name` was given.
    func flag(_ name: String) -> Bool
    /// The text given for `name`.
    func string(_ name: String) -> String?
    /// A whole number, within the limit the setting `name` declares.
    func int(_ name: String) throws -> Int?
    /// A finite number, within the limit the setting `name` declares.
    func double(_ name: String) throws -> Double?
    /// A finite number of a `Float` value, within the limit the setting `name` declares.
    func float(_ name: String) throws -> Float?
    /// A whole number within `range` (a count the setting's own range bounds; the front end's
    /// error for a number too large to read says the bound).
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int?
    /// A finite number within `range` (a share: `0...1`).
    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double?
    /// A seed: any non-negative 64-bit whole number.
    func seed(_ name: String) throws -> UInt64?
    /// One of `choices`.
    func choice(_ name: String, _ choices: [String]) throws -> String?
    /// The front end's error for the text given for `name`, which is not the `expected` kind
    /// of value (`a decay in [0, 1) or 'off'`).
    func unreadable(_ name: String, expected: String) -> any Error
}

/// A number a setting holds: read from a front end's values by the setting's name.
package protocol SettingValue: LosslessStringConvertible, Comparable, Sendable {
    static func read(_ name: String, from values: any SettingValues) throws -> Self?
}

extension Int: SettingValue {
    package static func read(_ name: String, from values: any SettingValues) throws -> Int? { try values.int(name) }
}

extension Double: SettingValue {
    package static func read(_ name: String, from values: any SettingValues) throws -> Double? { try values.double(name) }
}

extension Float: SettingValue {
    package static func read(_ name: String, from values: any SettingValues) throws -> Float? { try values.float(name) }
}

/// A `Limit` of any value type, by the name it gives the value in errors.
package protocol NamedLimit: Sendable {
    var name: String { get }
}

extension Limit: NamedLimit {}

/// One value of a configuration `Root` (a model's, a training's) that a front end may set,
/// declared once beside the configuration's limits: its name (the command line's option), the
/// value's placeholder, its `Limit`, its help, its default read off a configuration, and how a
/// given value is read into the configuration. The command line derives each option's
/// `--help` row and its parsing from it, as swift-argument-parser derives both from one `@Option`.
package struct Setting<Root>: Sendable {
    /// The option's spelling (`context`, `lr`).
    package let name: String
    /// What the value is called in the option's help (`K`, `RATE`); nil for a flag.
    package let placeholder: String?
    /// The range of the value, named as the library's errors name it.
    package let limit: (any NamedLimit)?
    /// The library's names of what the setting gives when its limit does not name it (an
    /// output's: `diagnostics_plots`), for errors about it.
    package let keys: [String]
    package let help: String
    /// The default shown for a configuration's value (nil: none shown).
    package let shownDefault: @Sendable (Root) -> String?
    /// The configuration's value as the option would spell it (`off` for no moving average), to
    /// tell which values a preset changes and name them.
    package let spelling: @Sendable (Root) -> String?
    /// Whether two configurations hold the same value of this setting (the spellings compared,
    /// unless the value holds more than its spelling says).
    package let sameValue: @Sendable (Root, Root) -> Bool
    /// Sets the value in `root` when it is given.
    package let read: @Sendable (any SettingValues, _ root: inout Root) throws -> Void

    /// A setting read by `read`; `spelling` defaults to the default shown, `sameValue` to
    /// comparing spellings.
    package init(_ name: String, placeholder: String?, limit: (any NamedLimit)? = nil, keys: [String] = [], default shown: @escaping @Sendable (Root) -> String?,
                 spelling: (@Sendable (Root) -> String?)? = nil, sameValue: (@Sendable (Root, Root) -> Bool)? = nil, _ help: String,
                 read: @escaping @Sendable (any SettingValues, inout Root) throws -> Void) {
        (self.name, self.placeholder, self.limit, self.keys, self.help, self.shownDefault, self.read) = (name, placeholder, limit, keys, help, shown, read)
        let spelling = spelling ?? shown
        self.spelling = spelling
        self.sameValue = sameValue ?? { spelling($0) == spelling($1) }
    }

    /// A number within `limit`, shown as `--name VALUE`.
    package init<Value: SettingValue>(_ name: String, _ keyPath: WritableKeyPath<Root, Value> & Sendable, value: String, limit: Limit<Value>,
                                      _ help: String) {
        self.init(name, placeholder: value, limit: limit, default: { String($0[keyPath: keyPath]) }, help) { values, root in
            if let given = try Value.read(name, from: values) { root[keyPath: keyPath] = given }
        }
    }

    /// An optional number within `limit`; `shown` words the default.
    package init<Value: SettingValue>(_ name: String, _ keyPath: WritableKeyPath<Root, Value?> & Sendable, value: String, limit: Limit<Value>,
                                      default shown: @escaping @Sendable (Root) -> String?, _ help: String) {
        self.init(name, placeholder: value, limit: limit, default: shown, help) { values, root in
            if let given = try Value.read(name, from: values) { root[keyPath: keyPath] = given }
        }
    }

    /// One of the cases of an enumeration, by raw value.
    package init<Choice: RawRepresentable & CaseIterable & Sendable>(_ name: String, _ keyPath: WritableKeyPath<Root, Choice> & Sendable,
                                                                     value: String, _ help: String) where Choice.RawValue == String {
        self.init(name, placeholder: value, default: { $0[keyPath: keyPath].rawValue }, help) { values, root in
            if let given = try values.choice(name, Choice.allCases.map(\.rawValue)).flatMap(Choice.init(rawValue:)) { root[keyPath: keyPath] = given }
        }
    }

    /// A flag of how the front end shows a run (`--json`, `--quiet`), which the run does not
    /// hold: declared among the run's settings so that a command's options are declared in one
    /// place, read by the front end itself.
    package init(display name: String, _ help: String) {
        self.init(name, placeholder: nil, default: { _ in nil }, help) { _, _ in }
    }

    /// A flag that sets the value to `value`.
    package init(flag name: String, _ keyPath: WritableKeyPath<Root, Bool> & Sendable, sets value: Bool, _ help: String) {
        self.init(name, placeholder: nil, default: { _ in nil }, spelling: { String($0[keyPath: keyPath]) }, help) { values, root in
            if values.flag(name) { root[keyPath: keyPath] = value }
        }
    }
}

extension Array {
    /// `base` with every given value of these settings read into it.
    package func read<Root>(_ values: any SettingValues, over base: Root) throws -> Root where Element == Setting<Root> {
        var root = base
        for setting in self { try setting.read(values, &root) }
        return root
    }
}
