/// One `makemore <name>` subcommand: its options and what it does.
protocol Subcommand: SendableMetatype {
    static var name: String { get }
    static var summary: String { get }
    static var options: [Option] { get }
    /// Stage names the command takes as its first argument (`makemore lr-find mlp`), or none.
    static var stages: [String] { get }
    static func run(_ arguments: ParsedArguments) throws
}

extension Subcommand {
    static var stages: [String] { [] }
}

/// A subcommand as a plain value, for the registry.
struct CommandEntry: Sendable {
    let name: String
    let summary: String
    let options: [Option]
    let stages: [String]
    let run: @Sendable (ParsedArguments) throws -> Void

    init<C: Subcommand>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        options = C.options
        stages = C.stages
        run = { try C.run($0) }
    }
}

/// Every subcommand, in the order `makemore --help` lists them.
let subcommands: [CommandEntry] = [
    CommandEntry(BigramCommand.self),
    CommandEntry(NeuralBigramCommand.self),
    CommandEntry(MLPCommand.self),
    CommandEntry(WaveNetCommand.self),
    CommandEntry(BoWCommand.self),
    CommandEntry(RNNCommand.self),
    CommandEntry(GRUCommand.self),
    CommandEntry(TransformerCommand.self),
    CommandEntry(LRFindCommand.self),
    CommandEntry(CompareCommand.self),
    CommandEntry(SampleCommand.self),
    CommandEntry(EvalCommand.self),
    CommandEntry(SplitCommand.self),
    CommandEntry(MicrogradCommand.self),
]
