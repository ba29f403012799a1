import Foundation
import Testing

/// Every command output shown in README.md and docs/ is what the program prints (see
/// `DocumentedOutput`). The blocks marked `fast` run here, with the debug build, on every
/// `swift test`; the others with the release build through `.ci/docs-check` (`MAKEMORE_DOCS=check`,
/// or `write` to regenerate them), which sets `MAKEMORE_BIN`; the blocks marked `slow` only when
/// asked for (`MAKEMORE_DOCS_SLOW=1`, `.ci/docs-check all`) or when their page is named (unless
/// `MAKEMORE_DOCS_SLOW=0`).
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
        #expect(throws: DocumentedOutput.Failure.self) { try DocumentedOutput.parse("<!-- output fats -->\n```\n$ true\n```", page: "p.md") }
        #expect(try DocumentedOutput.parse("<!-- output slow stderr -->\n```\n$ true\n```", page: "p.md").map { [$0.slow, $0.stderr, $0.fast] } == [[true, true, false]])
    }

    /// A loss quoted in the prose next to a block must be one a marked block of the page shows.
    @Test func proseNumbersNextToABlockAreShownByAMarkedBlock() throws {
        let page = """
            The MLP gets val 2.0948 and the bigram 2.4614.
            <!-- output -->
            ```
            $ makemore mlp
            val NLL 2.0948
            ```
            A gap of 0.0123, and 1.5 s.

            | table | 3.1415 |

            Far away: 9.9999.
            """
        #expect(try DocumentedOutput.unshownNumbers(in: page, page: "p.md") == ["p.md:1: 2.4614", "p.md:7: 0.0123"])
        for page in DocumentedOutput.pages(packageRoot: CLI.packageRoot) {
            let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent(page), encoding: .utf8)
            for number in try DocumentedOutput.unshownNumbers(in: text, page: page) {
                Issue.record("\(number) is quoted next to a checked output but no checked output of the page shows it")
            }
        }
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
    /// pages with what it printed instead of comparing (keeping a shown output that differs only
    /// in its timings, so a write on a busy machine leaves a quiet machine's timings alone).
    @Test(.enabled(if: environment["MAKEMORE_DOCS"] != nil && environment["MAKEMORE_BIN"] != nil))
    func everyBlockShowsWhatTheProgramPrints() throws {
        let binary = URL(fileURLWithPath: Self.environment["MAKEMORE_BIN"]!)
        let write = Self.environment["MAKEMORE_DOCS"] == "write"
        let only = Self.environment["MAKEMORE_DOCS_PAGE"]
        let fastOnly = Self.environment["MAKEMORE_DOCS_FAST"] != nil
        let slow = Self.environment["MAKEMORE_DOCS_SLOW"]
        let slowToo = slow == "1" || (only != nil && slow != "0")
        let outputs = try DocumentedOutput.all(packageRoot: CLI.packageRoot)
            .filter { (only == nil || $0.page == only) && (!fastOnly || $0.fast) && (slowToo || !$0.slow) }
        var rewritten: [String: [(DocumentedOutput, [(command: String, output: String)])]] = [:]
        for output in outputs {
            let start = Date()
            let actual = try output.run(binary: binary, packageRoot: CLI.packageRoot)
            print("docs-check: \(output.page):\(output.line) took \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            if write {  // a step whose output differs only in timings keeps the shown one
                let kept = zip(output.steps, actual).map { DocumentedOutput.masked($0.output) == DocumentedOutput.masked($1.output) ? $0 : $1 }
                rewritten[output.page, default: []].append((output, kept))
            } else if let difference = output.difference(from: actual) {
                Issue.record("\(difference) — regenerate with .ci/docs-check write")
            }
        }
        for (page, outputs) in rewritten { try DocumentedOutput.rewrite(page: page, packageRoot: CLI.packageRoot, outputs) }
    }
}
