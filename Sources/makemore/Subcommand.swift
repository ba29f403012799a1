import CommandLineOptions
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
struct CommandEntry: ToolCommand, Sendable {
    let name: String
    let summary: String
    let options: [Option]
    let leadingWords: [String]
    /// Parses the arguments into the stage run they ask for (nil for a command that runs no
    /// single stage) and the command's work.
    let parse: @Sendable (ParsedArguments) throws -> (request: StageRequest?, run: () throws -> Void)

    init<C: Subcommand>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        options = C.options
        leadingWords = C.stages
        parse = { arguments in
            let options = try C.parse(arguments)
            return (C.stageRequest(options), { try C.run(options) })
        }
    }

    init(name: String, summary: String, options: [Option], parse: @escaping @Sendable (ParsedArguments) throws -> (request: StageRequest?, run: () throws -> Void)) {
        (self.name, self.summary, self.options, leadingWords, self.parse) = (name, summary, options, [], parse)
    }

    func run(_ arguments: ParsedArguments) throws { try parse(arguments).run() }
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

/// makemore's subcommands, their help and the wording of its usage errors.
let tool = Tool(name: "makemore", version: "0.1.0", summary: "character-level language models, from counts to transformers",
                commands: subcommands, leadingWord: "stage")

extension Tool where Command == CommandEntry {
    /// The line makemore prints for `error`, thrown by `command`, and its exit status: a
    /// mistake in the command line (a usage error, a library error about a value the command
    /// line gave) ends in the hint to the command's help and exits 64, any other error exits 1.
    func report(_ error: any Error, of command: CommandEntry) -> (line: String, status: Int32) {
        let usage = { (message: String) in (usageLine(command, message), Self.usageStatus) }
        switch error {
        case let error as UsageError: return usage(error.message)
        case let error as StageRun.ResumeConflict: return usage(error.line)
        case let error as StageRun.StartConflict: return usage(error.line(ErrorReport(options: command.options)))
        case let error as MakemoreError:
            let line = ErrorReport(options: command.options).line(error)
            return ErrorReport.isUsage(error) ? usage(line) : (errorLine(command, line), 1)
        default: return (errorLine(command, SystemError.describe(error)), 1)
        }
    }
}
