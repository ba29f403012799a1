/// One subcommand of a tool, declared as a type: its options, how they parse into its typed
/// `Options`, and what it does with them.
package protocol Subcommand: SendableMetatype {
    associatedtype Options
    static var name: String { get }
    static var summary: String { get }
    static var options: [Option] { get }
    /// The words one of which the command takes as its first argument (`makemore lr-find mlp`),
    /// or none.
    static var leadingWords: [String] { get }
    /// Reads every option once into typed values (defaults filled in, ranges checked).
    static func parse(_ arguments: ParsedArguments) throws -> Options
    static func run(_ options: Options) throws
}

extension Subcommand {
    package static var leadingWords: [String] { [] }
}

/// A subcommand as a plain value, for a tool's list of subcommands: a `Subcommand` type's, or
/// one built at run time (a command per registered stage).
package struct CommandEntry: ToolCommand, Sendable {
    package let name: String
    package let summary: String
    package let options: [Option]
    package let leadingWords: [String]
    /// Parses the arguments (every mistake thrown here) into the command's work.
    package let parse: @Sendable (ParsedArguments) throws -> () throws -> Void

    package init<C: Subcommand>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        options = C.options
        leadingWords = C.leadingWords
        parse = { arguments in
            let options = try C.parse(arguments)
            return { try C.run(options) }
        }
    }

    package init(name: String, summary: String, options: [Option], parse: @escaping @Sendable (ParsedArguments) throws -> () throws -> Void) {
        (self.name, self.summary, self.options, leadingWords, self.parse) = (name, summary, options, [], parse)
    }

    /// Parses `arguments` against the command's options and runs it.
    package func run(_ arguments: ParsedArguments) throws { try parse(arguments)() }
}
