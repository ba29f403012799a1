import Foundation
import CommandLineOptions
import MakemoreKit

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

let (command, rest): (CommandEntry, [String])
switch tool.dispatch(Array(CommandLine.arguments.dropFirst())) {
case .output(let text):
    print(text)
    exit(0)
case .usageError(let line):
    printError(line)
    exit(Tool<CommandEntry>.usageStatus)
case .run(let chosen, let arguments):
    (command, rest) = (chosen, arguments)
}
// Results go to standard output: a closed one is refused before any work (a file opened later
// would take its descriptor), and a failed write (a full disk, `> /dev/full`) is an error.
guard fcntl(STDOUT_FILENO, F_GETFD) != -1 else {
    printError(tool.errorLine(command, "standard output is closed"))
    exit(1)
}
// A sweep's trial ends with its sweep (a SIGKILLed sweep leaves no orphans running on).
ParentWatch.start(ProcessInfo.processInfo.environment) { exit(1) }
do {
    try command.run(ParsedArguments(arguments: rest, options: command.options))
    if fflush(nil) != 0 {
        printError(tool.errorLine(command, "standard output: cannot be written (\(SystemError.text(errno)))"))
        exit(1)
    }
    if InterruptMonitor.shared.isRequested { exit(130) }
} catch {
    let (line, status) = tool.report(error, of: command)
    printError(line)
    exit(status)
}
