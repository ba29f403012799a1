import MakemoreKit

/// The command line's options are where the library's settings (`Setting`, declared with each
/// configuration) get their values: parsed and checked against the option's declared limit,
/// errors worded with the flag.
extension ParsedArguments: SettingValues {
    func unreadable(_ name: String, expected: String) -> any Error {
        UsageError("option '--\(name)' expects \(expected), got '\(string(name) ?? "")'")
    }
}

extension Option {
    /// The option that sets `setting`, its default shown from `defaults`.
    init<Root>(_ setting: Setting<Root>, defaults: Root) {
        self.init(setting.name, value: setting.placeholder, limit: setting.limit as? any DeclaredLimit, key: setting.key,
                  default: setting.shownDefault(defaults), setting.help)
    }
}

extension Array {
    /// The options of these settings, their defaults read off `defaults`.
    func options<Root>(_ defaults: Root) -> [Option] where Element == Setting<Root> { map { Option($0, defaults: defaults) } }
}
