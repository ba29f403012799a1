import MakemoreKit

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
    /// The stage run `options` ask for, for a stage command.
    static func stageRequest(_ options: Options) -> StageRequest?
}

extension Subcommand {
    static var stages: [String] { [] }
    static func stageRequest(_ options: Options) -> StageRequest? { options as? StageRequest }
}

/// A subcommand as a plain value, for the list of subcommands.
struct CommandEntry: Sendable {
    let name: String
    let summary: String
    let options: [Option]
    let stages: [String]
    /// Parses the arguments into the stage run they ask for (nil for a command that runs no
    /// single stage) and the command's work.
    let parse: @Sendable (ParsedArguments) throws -> (request: StageRequest?, run: () throws -> Void)

    init<C: Subcommand>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        options = C.options
        stages = C.stages
        parse = { arguments in
            let options = try C.parse(arguments)
            return (C.stageRequest(options), { try C.run(options) })
        }
    }

    init(name: String, summary: String, options: [Option], parse: @escaping @Sendable (ParsedArguments) throws -> (request: StageRequest?, run: () throws -> Void)) {
        (self.name, self.summary, self.options, stages, self.parse) = (name, summary, options, [], parse)
    }

    func run(_ arguments: ParsedArguments) throws { try parse(arguments).run() }

    /// The stage run the command does with every default, for a stage command.
    func defaultRequest() throws -> StageRequest? { try parse(ParsedArguments(arguments: [], options: options)).request }
}

/// The command of a registered stage: the count bigram's own (its outputs are its own), or the
/// one derived from the stage's definition; nil for a stage whose settings the command line
/// cannot spell.
func stageCommand(_ definition: StageDefinition) -> CommandEntry? {
    if definition.kind.rawValue == BigramCommand.name { return CommandEntry(BigramCommand.self) }
    return definition.settings.isEmpty ? nil : StageCommand.entry(definition)
}

/// Every subcommand, in the order `makemore --help` lists them: the registry's stages, then the
/// tools.
let subcommands: [CommandEntry] = StageRegistry.definitions.compactMap(stageCommand) + [
    CommandEntry(LRFindCommand.self),
    CommandEntry(CompareCommand.self),
    CommandEntry(SampleCommand.self),
    CommandEntry(EvalCommand.self),
    CommandEntry(ScoreCommand.self),
    CommandEntry(SplitCommand.self),
    CommandEntry(SweepCommand.self),
    CommandEntry(MicrogradCommand.self),
]
