import CommandLineOptions
import MakemoreKit
import Testing
@testable import makemore

extension CLI {
    /// What the `makemore` binary prints for `arguments` when it stops before running a command
    /// (help, the version, a usage error of the command line or of a command's options), found
    /// in-process through the executable's own tool, commands and error report; files are read
    /// relative to the package root, as `run` runs there. A command line that would run a
    /// command is a test failure (status -1): `run` it instead.
    static func parse(_ arguments: [String]) -> Result {
        switch tool.dispatch(arguments) {
        case .output(let text):
            return Result(status: 0, stdout: text + "\n", stderr: "")
        case .usageError(let line):
            return Result(status: Tool<CommandEntry>.usageStatus, stdout: "", stderr: line + "\n")
        case .run(let command, let rest):
            do {
                _ = try command.parse(ParsedArguments(arguments: rest, options: command.options))
            } catch {
                let (line, status) = tool.report(error, of: command)
                return Result(status: status, stdout: "", stderr: line + "\n")
            }
            Issue.record("makemore \(arguments.joined(separator: " ")) would run")
            return Result(status: -1, stdout: "", stderr: "")
        }
    }
}
