import Foundation
import Testing

/// Every command output shown in README.md and docs/ is what the program prints (see
/// `DocumentedOutput`). The blocks marked `fast` run here, with the debug build, on every
/// `swift test`; all blocks run with the release build through `.ci/docs-check`
/// (`MAKEMORE_DOCS=check`, or `write` to regenerate them), which sets `MAKEMORE_BIN`.
@Suite struct DocumentedOutputTests {
    static let environment = ProcessInfo.processInfo.environment

    @Test func markersParseAndTimingsAreMasked() throws {
        let page = """
            text
            <!-- output fast setup: makemore bigram --save b.st; true -->
            ```
            $ makemore eval --load b.st
            line 1
            $ swift run -c release makemore sample --count 2
            a
            b
            ```
            <!-- output: makemore compare -->
            | x | 1.5 s | 120 |
            <!-- end output -->
            """
        let outputs = try DocumentedOutput.parse(page, page: "p.md")
        #expect(outputs.count == 2)
        #expect(outputs[0].fast && !outputs[0].stderr && outputs[0].setup == ["makemore bigram --save b.st", "true"])
        #expect(outputs[0].steps.map(\.command) == ["makemore eval --load b.st", "swift run -c release makemore sample --count 2"])
        #expect(outputs[0].steps.map(\.output) == ["line 1", "a\nb"])
        #expect(DocumentedOutput.render(outputs[0].steps, plain: false) == Array(page.components(separatedBy: "\n")[3...7]))
        #expect(outputs[1].plain && outputs[1].steps[0].command == "makemore compare" && outputs[1].content == 10..<11)
        #expect(DocumentedOutput.shellCommand(outputs[0].steps[1].command) == "makemore sample --count 2")
        #expect(DocumentedOutput.masked("trained 3 steps in 0.52 s (0.1734 ms/step)\ndone in 1.20 s") == "trained 3 steps in # s (# ms/step)\ndone in # s")
        #expect(DocumentedOutput.masked("| mlp | 15232 | 2.0348 | 16.9 s | 11845 |") == "| mlp | 15232 | 2.0348 | # s | # |")
        #expect(DocumentedOutput.masked(#"{"seconds":1.25,"train_seconds":3e-2,"loss":2.5}"#) == #"{"seconds":#,"train_seconds":#,"loss":2.5}"#)
        #expect(throws: DocumentedOutput.Failure.self) { try DocumentedOutput.parse("<!-- output -->\nno block", page: "p.md") }
    }

    /// The cheap blocks (help texts, the count bigram, micrograd, small runs), with the debug build.
    @Test func fastBlocksShowWhatTheProgramPrints() throws {
        let outputs = try DocumentedOutput.all(packageRoot: CLI.packageRoot).filter(\.fast)
        #expect(outputs.count >= 5)
        for output in outputs {
            let actual = try output.run(binary: CLI.binary, packageRoot: CLI.packageRoot)
            if let difference = output.difference(from: actual) {
                Issue.record("\(difference) — regenerate with .ci/docs-check write")
            }
        }
    }

    /// Every block, with the binary `.ci/docs-check` names; `MAKEMORE_DOCS=write` rewrites the
    /// pages with what it printed instead of comparing.
    @Test(.enabled(if: environment["MAKEMORE_DOCS"] != nil && environment["MAKEMORE_BIN"] != nil))
    func everyBlockShowsWhatTheProgramPrints() throws {
        let binary = URL(fileURLWithPath: Self.environment["MAKEMORE_BIN"]!)
        let write = Self.environment["MAKEMORE_DOCS"] == "write"
        let only = Self.environment["MAKEMORE_DOCS_PAGE"]
        let fastOnly = Self.environment["MAKEMORE_DOCS_FAST"] != nil
        let outputs = try DocumentedOutput.all(packageRoot: CLI.packageRoot).filter { (only == nil || $0.page == only) && (!fastOnly || $0.fast) }
        var rewritten: [String: [(DocumentedOutput, [(command: String, output: String)])]] = [:]
        for output in outputs {
            let actual = try output.run(binary: binary, packageRoot: CLI.packageRoot)
            if write {
                rewritten[output.page, default: []].append((output, actual))
            } else if let difference = output.difference(from: actual) {
                Issue.record("\(difference) — regenerate with .ci/docs-check write")
            }
        }
        for (page, outputs) in rewritten { try DocumentedOutput.rewrite(page: page, packageRoot: CLI.packageRoot, outputs) }
    }
}
