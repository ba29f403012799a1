import Testing
@testable import CommandLineOptions

/// The tool's help texts, `--version`, and the choice of the subcommand, with every error line
/// exactly as the program prints it.
@Suite struct ToolTests {
    struct Command: ToolCommand {
        let name: String
        let summary: String
        let options: [Option]
        var leadingWords: [String] = []
    }

    static let train = Command(name: "train", summary: "train a model", options: [
        Option("steps", value: "N", default: "1000", "optimisation steps"),
        Option(flag: "json", "print JSON"),
        Option(positional: "WORD…", "words to start from"),
    ])
    static let find = Command(name: "lr-find", summary: "find a learning rate", options: [Option("lr-max", value: "RATE", default: "1", "last rate")],
                              leadingWords: ["mlp", "rnn"])
    static let tool = Tool(name: "tool", version: "1.2.3", summary: "a tool to test", commands: [train, find], leadingWord: "stage")

    /// What `tool` does with `arguments`, as text: `output`, `error` or `run NAME [ARGUMENTS]`.
    static func dispatch(_ arguments: [String]) -> String {
        switch tool.dispatch(arguments) {
        case .output(let text): "output \(text)"
        case .usageError(let line): "error \(line)"
        case .run(let command, let arguments): "run \(command.name) \(arguments)"
        }
    }

    @Test func theTopLevelHelpListsTheCommandsAligned() {
        let help = """
            tool 1.2.3 — a tool to test

            USAGE: tool <subcommand> [options]

            SUBCOMMANDS:
              train    train a model
              lr-find  find a learning rate

            Run 'tool <subcommand> --help' for its options.
            """
        #expect(Self.tool.help == help)
        for arguments in [["--help"], ["-h"], ["help"], ["help", "train"], ["--help", "--version"]] {
            #expect(Self.dispatch(arguments) == "output " + help)
        }
        #expect(Self.dispatch(["--version"]) == "output tool 1.2.3")
        #expect(Self.dispatch(["--version", "--help"]) == "output tool 1.2.3")
    }

    @Test func aCommandsHelpTabulatesItsOptionsWithDefaultsAndHelpLast() {
        #expect(Self.tool.help(Self.train) == """
            USAGE: tool train [options]

            train a model

            OPTIONS:
              --steps N  optimisation steps (default: 1000)
              --json     print JSON
              WORD…      words to start from
              --help     show this help
            """)
        #expect(Self.tool.help(Self.find).hasPrefix("USAGE: tool lr-find {mlp|rnn} [options]\n\nfind a learning rate\n"))
        #expect(Self.tool.help(Self.find).hasSuffix("  --lr-max RATE  last rate (default: 1)\n  --help         show this help"))
        // --help or -h anywhere after the command, before its leading word too, asks for its help.
        for arguments in [["train", "--help"], ["train", "--steps", "5", "-h"], ["train", "--steps", "--help"]] {
            #expect(Self.dispatch(arguments) == "output " + Self.tool.help(Self.train))
        }
        #expect(Self.dispatch(["lr-find", "--help"]) == "output " + Self.tool.help(Self.find))
        #expect(Self.dispatch(["lr-find", "bogus", "-h"]) == "output " + Self.tool.help(Self.find))
    }

    @Test func theCommandRunsOnTheWordsAfterItsNameAndLeadingWord() {
        #expect(Self.dispatch(["train"]) == "run train []")
        #expect(Self.dispatch(["train", "--steps", "5", "ab"]) == "run train [\"--steps\", \"5\", \"ab\"]")
        #expect(Self.dispatch(["lr-find", "rnn", "--lr-max", "2"]) == "run lr-find [\"--lr-max\", \"2\"]")
    }

    @Test func usageErrorsAreOneLineEndingInTheHintToTheHelp() {
        #expect(Self.dispatch([]) == "error tool: missing subcommand (see 'tool --help')")
        #expect(Self.dispatch(["trian"]) == "error tool: unknown subcommand 'trian'; did you mean 'train'? (see 'tool --help')")
        #expect(Self.dispatch(["banana"]) == "error tool: unknown subcommand 'banana' (see 'tool --help')")
        #expect(Self.dispatch(["-v"]) == "error tool: unknown subcommand '-v' (see 'tool --help')")
        let missing = "error tool lr-find: the first argument must be a stage (mlp, rnn), as in 'tool lr-find mlp' (see 'tool lr-find --help')"
        #expect(Self.dispatch(["lr-find"]) == missing)
        #expect(Self.dispatch(["lr-find", "bigram"]) == missing)
        #expect(Self.dispatch(["lr-find", "--lr-max", "2", "mlp"]) == missing)
        #expect(Self.tool.usageLine(Self.train, "unknown option '--x'") == "tool train: unknown option '--x' (see 'tool train --help')")
        #expect(Self.tool.errorLine(Self.train, "a.txt: no such file") == "tool train: error: a.txt: no such file")
        #expect(Tool<Command>.usageStatus == 64)
    }
}
