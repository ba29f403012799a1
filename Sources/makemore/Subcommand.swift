/// One `makemore <name>` subcommand: its options, how they parse into its typed `Options`, and
/// what it does with them.
protocol Subcommand: SendableMetatype {
    associatedtype Options
    static var name: String { get }
    static var summary: String { get }
    static var options: [Option] { get }
    /// Stage names the command takes as its first argument (`makemore lr-find mlp`), or none.
    static var stages: [String] { get }
    /// Reads every option once into typed values (defaults filled in, ranges checked).
    static func parse(_ arguments: ParsedArguments) throws -> Options
    static func run(_ options: Options) throws
}

extension Subcommand {
    static var stages: [String] { [] }

    /// The options with nothing given: every default.
    static func defaults() throws -> Options { try parse(ParsedArguments(arguments: [], options: options)) }
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
        run = { try C.run(C.parse($0)) }
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
    CommandEntry(MakemoreMLPCommand.self),
    CommandEntry(LRFindCommand.self),
    CommandEntry(CompareCommand.self),
    CommandEntry(SampleCommand.self),
    CommandEntry(EvalCommand.self),
    CommandEntry(ScoreCommand.self),
    CommandEntry(SplitCommand.self),
    CommandEntry(MicrogradCommand.self),
]
