import Foundation
import MakemoreKit

let version = "0.1.0"

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

func topLevelHelp() -> String {
    let width = subcommands.map { $0.name.count }.max() ?? 0
    var lines = ["makemore \(version) — character-level language models, from counts to transformers",
                 "", "USAGE: makemore <subcommand> [options]", "", "SUBCOMMANDS:"]
    for command in subcommands {
        lines.append("  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary)
    }
    lines += ["", "Run 'makemore <subcommand> --help' for its options."]
    return lines.joined(separator: "\n")
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first else {
    printError("makemore: missing subcommand (see 'makemore --help')")
    exit(64)
}
if first == "--help" || first == "-h" || first == "help" {
    print(topLevelHelp())
    exit(0)
}
if first == "--version" {
    print("makemore \(version)")
    exit(0)
}
guard let command = subcommands.first(where: { $0.name == first }) else {
    let hint = Spelling.suggestion(for: first, among: subcommands.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
    printError("makemore: unknown subcommand '\(first)'\(hint) (see 'makemore --help')")
    exit(64)
}
var rest = Array(arguments.dropFirst())
let usage = command.stages.isEmpty ? command.name : "\(command.name) {\(command.stages.joined(separator: "|"))}"
if rest.contains("--help") || rest.contains("-h") {
    print(helpText(command: usage, summary: command.summary, options: command.options))
    exit(0)
}
if !command.stages.isEmpty {
    guard let first = rest.first, command.stages.contains(first) else {
        printError("makemore \(command.name): the first argument must be a stage (\(command.stages.joined(separator: ", "))), as in 'makemore \(command.name) \(command.stages[0])' (see 'makemore \(command.name) --help')")
        exit(64)
    }
    rest.removeFirst()
}
func usageError(_ message: String) -> Never {
    printError("makemore \(command.name): \(message) (see 'makemore \(command.name) --help')")
    exit(64)
}
// Results go to standard output: a closed one is refused before any work (a file opened later
// would take its descriptor), and a failed write (a full disk, `> /dev/full`) is an error.
guard fcntl(STDOUT_FILENO, F_GETFD) != -1 else {
    printError("makemore \(command.name): error: standard output is closed")
    exit(1)
}
// A sweep's trial ends with its sweep (a SIGKILLed sweep leaves no orphans running on).
ParentWatch.start(ProcessInfo.processInfo.environment) { exit(1) }
do {
    try command.run(ParsedArguments(arguments: rest, options: command.options))
    if fflush(nil) != 0 {
        printError("makemore \(command.name): error: standard output: cannot be written (\(SystemError.text(errno)))")
        exit(1)
    }
    if InterruptMonitor.shared.isRequested { exit(130) }
} catch let error as UsageError {
    usageError(error.message)
} catch let error as StageRun.ResumeConflict {
    usageError(error.line)
} catch let error as StageRun.StartConflict {
    usageError(error.line(ErrorReport(options: command.options)))
} catch let error as MakemoreError {
    let line = ErrorReport(options: command.options).line(error)
    if ErrorReport.isUsage(error) { usageError(line) }
    printError("makemore \(command.name): error: \(line)")
    exit(1)
} catch {
    printError("makemore \(command.name): error: \(SystemError.describe(error))")
    exit(1)
}
