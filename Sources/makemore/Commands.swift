import CommandLineOptions
import MakemoreKit

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
