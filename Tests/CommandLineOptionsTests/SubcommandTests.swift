import Synchronization
import Testing
@testable import CommandLineOptions

/// A subcommand declared as a type becomes a plain `CommandEntry`: its declarations carried
/// over, its options parsed (every mistake thrown) before its work runs.
@Suite struct SubcommandTests {
    /// What the test command's runs were given.
    static let runs = Mutex<[Int]>([])

    enum Repeat: Subcommand {
        static let name = "repeat"
        static let summary = "repeat a number"
        static let options = [Option("times", value: "N", default: "1", "how often")]
        static let leadingWords = ["up", "down"]
        static func parse(_ arguments: ParsedArguments) throws -> Int { try arguments.int("times", in: 1...3) ?? 1 }
        static func run(_ options: Int) throws { runs.withLock { $0.append(options) } }
    }

    enum Plain: Subcommand {
        static let name = "plain"
        static let summary = "no leading word"
        static let options: [Option] = []
        static func parse(_ arguments: ParsedArguments) throws {}
        static func run(_ options: Void) throws {}
    }

    @Test func anEntryCarriesTheDeclarationsAndParsesBeforeItRuns() throws {
        let entry = CommandEntry(Repeat.self)
        #expect(entry.name == "repeat" && entry.summary == "repeat a number" && entry.options.map(\.name) == ["times"])
        #expect(entry.leadingWords == ["up", "down"] && CommandEntry(Plain.self).leadingWords.isEmpty)
        let work = try entry.parse(ParsedArguments(arguments: ["--times", "3"], options: entry.options))
        #expect(Self.runs.withLock { $0 } == [])
        try work()
        #expect(Self.runs.withLock { $0 } == [3])
        #expect(throws: UsageError.self) { try entry.run(ParsedArguments(arguments: ["--times", "4"], options: entry.options)) }
        #expect(Self.runs.withLock { $0 } == [3])

        let tool = Tool(name: "t", version: "1", summary: "a tool", commands: [entry, CommandEntry(Plain.self)], leadingWord: "direction")
        guard case .usageError(let line) = tool.dispatch(["repeat", "--times", "2"]) else { Issue.record("ran without a leading word"); return }
        #expect(line == "t repeat: the first argument must be a direction (up, down), as in 't repeat up' (see 't repeat --help')")
    }
}
