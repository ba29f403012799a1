/// One `makemore <name>` subcommand: its options and what it does.
protocol Subcommand: SendableMetatype {
    static var name: String { get }
    static var summary: String { get }
    static var options: [Option] { get }
    static func run(_ arguments: ParsedArguments) throws
}

/// A subcommand as a plain value, for the registry.
struct CommandEntry: Sendable {
    let name: String
    let summary: String
    let options: [Option]
    let run: @Sendable (ParsedArguments) throws -> Void

    init<C: Subcommand>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        options = C.options
        run = { try C.run($0) }
    }
}

/// Every subcommand, in the order `makemore --help` lists them.
let subcommands: [CommandEntry] = [
    CommandEntry(BigramCommand.self),
    CommandEntry(NeuralBigramCommand.self),
    CommandEntry(TransformerCommand.self),
    CommandEntry(SplitCommand.self),
]
