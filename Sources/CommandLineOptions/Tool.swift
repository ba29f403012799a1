import Foundation

/// What a tool needs to know of one of its subcommands to list it, show its help and hand it
/// its arguments.
package protocol ToolCommand {
    var name: String { get }
    /// One line, for the tool's list of subcommands and the top of the command's help.
    var summary: String { get }
    var options: [Option] { get }
    /// The words one of which the command takes as its first argument (`makemore lr-find mlp`),
    /// or none.
    var leadingWords: [String] { get }
}

/// A program of subcommands (`makemore mlp --steps 10`): its top-level help, `--version`, each
/// subcommand's `--help`, and the choice of the subcommand to run, with the wording of every
/// error it reports. It only decides: the program prints and exits, so that a test can call it.
package struct Tool<Command: ToolCommand> {
    /// The exit status of a usage error (`EX_USAGE` of sysexits.h).
    package static var usageStatus: Int32 { 64 }

    package let name: String
    package let version: String
    /// What the tool is, after its name and version on the first line of its help.
    package let summary: String
    /// The subcommands, in the order the help lists them.
    package let commands: [Command]
    /// What a command's leading word is, in the error for a missing one (`stage`).
    package let leadingWord: String

    package init(name: String, version: String, summary: String, commands: [Command], leadingWord: String) {
        (self.name, self.version, self.summary, self.commands, self.leadingWord) = (name, version, summary, commands, leadingWord)
    }

    /// What to do with the arguments after the program's name.
    package enum Dispatch {
        /// Print this text to standard output and exit 0 (help, the version).
        case output(String)
        /// Print this line to standard error and exit `usageStatus`.
        case usageError(String)
        /// Run `command` on `arguments`: the words after its name and leading word.
        case run(Command, arguments: [String])
    }

    /// The subcommand `arguments` name and its own arguments, or the help, the version or the
    /// usage error they ask for. A command's `--help` (or `-h`) anywhere wins over its leading word.
    package func dispatch(_ arguments: [String]) -> Dispatch {
        guard let first = arguments.first else { return .usageError("\(name): missing subcommand (see '\(name) --help')") }
        if first == "--help" || first == "-h" || first == "help" { return .output(help) }
        if first == "--version" { return .output("\(name) \(version)") }
        guard let command = commands.first(where: { $0.name == first }) else {
            let hint = Spelling.suggestion(for: first, among: commands.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            return .usageError("\(name): unknown subcommand '\(first)'\(hint) (see '\(name) --help')")
        }
        var rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") { return .output(help(command)) }
        if !command.leadingWords.isEmpty {
            guard let word = rest.first, command.leadingWords.contains(word) else {
                let words = command.leadingWords
                return .usageError(usageLine(command, "the first argument must be a \(leadingWord) (\(words.joined(separator: ", "))), as in '\(name) \(command.name) \(words[0])'"))
            }
            rest.removeFirst()
        }
        return .run(command, arguments: rest)
    }

    /// The top-level help: the tool, its usage and its subcommands with their summaries.
    package var help: String {
        let width = commands.map(\.name.count).max() ?? 0
        var lines = ["\(name) \(version) — \(summary)", "", "USAGE: \(name) <subcommand> [options]", "", "SUBCOMMANDS:"]
        for command in commands {
            lines.append("  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary)
        }
        lines += ["", "Run '\(name) <subcommand> --help' for its options."]
        return lines.joined(separator: "\n")
    }

    /// The `--help` text of `command`: its usage, summary and a table of its options (`--help`
    /// last), each option's help aligned in one column, its default in parentheses.
    package func help(_ command: Command) -> String {
        let usage = command.leadingWords.isEmpty ? command.name : "\(command.name) {\(command.leadingWords.joined(separator: "|"))}"
        var lines = ["USAGE: \(name) \(usage) [options]", "", command.summary, "", "OPTIONS:"]
        let rows = (command.options + [Option(flag: "help", "show this help")]).map { option -> (String, String) in
            let left = option.name.isEmpty ? option.value ?? "" : "--\(option.name)" + (option.value.map { " \($0)" } ?? "")
            let right = option.help + (option.defaultValue.map { " (default: \($0))" } ?? "")
            return (left, right)
        }
        let width = rows.map(\.0.count).max() ?? 0
        for (left, right) in rows {
            lines.append("  " + left.padding(toLength: width + 2, withPad: " ", startingAt: 0) + right)
        }
        return lines.joined(separator: "\n")
    }

    /// A usage error of `command` as one line, ending in the hint to its help (exit `usageStatus`).
    package func usageLine(_ command: Command, _ message: String) -> String {
        "\(name) \(command.name): \(message) (see '\(name) \(command.name) --help')"
    }

    /// Any other error of `command` as one line.
    package func errorLine(_ command: Command, _ message: String) -> String {
        "\(name) \(command.name): error: \(message)"
    }
}

extension Tool: Sendable where Command: Sendable {}
