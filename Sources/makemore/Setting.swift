import CommandLineOptions
import MakemoreKit

/// The library's declaration of the value an option sets (`Limit<Int>`, `Limit<Double>`,
/// `Limit<Float>`) is the option's limit: a number parsed from the command line is checked
/// against it, and the library's error names the value by the limit's name.
extension Limit: DeclaredLimit {
    package func check(whole value: Int) throws -> Int { try (self as? Limit<Int>)?.check(value) ?? value }

    package func check(real value: Double) throws -> Double {
        if let limit = self as? Limit<Float> { return Double(try limit.check(Float(value))) }
        return try (self as? Limit<Double>)?.check(value) ?? value
    }
}

/// The command line's options are where the library's settings (`Setting`, declared with each
/// configuration) get their values: parsed and checked against the option's declared limit,
/// errors worded with the flag.
extension ParsedArguments: SettingValues {
    package func unreadable(_ name: String, expected: String) -> any Error {
        UsageError("option '--\(name)' expects \(expected), got '\(string(name) ?? "")'")
    }
}

extension Option {
    /// The option that sets `setting`, its default shown from `defaults`.
    init<Root>(_ setting: Setting<Root>, defaults: Root) {
        self.init(setting.name, value: setting.placeholder, limit: setting.limit as? any DeclaredLimit, keys: setting.keys,
                  default: setting.shownDefault(defaults), setting.help)
    }
}

extension Array {
    /// The options of these settings, their defaults read off `defaults`.
    func options<Root>(_ defaults: Root) -> [Option] where Element == Setting<Root> { map { Option($0, defaults: defaults) } }
}
