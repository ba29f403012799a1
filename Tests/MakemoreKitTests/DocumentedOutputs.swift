import Foundation

/// The command outputs shown in README.md and docs/, found, re-run and compared (or rewritten),
/// so a shown output can never drift from what the program prints.
///
/// A checked output is marked by an HTML comment on the line before it:
///
///     <!-- output -->                      a fenced block of `$ command` lines, each followed
///     ```                                  by what it prints (stdout)
///     $ makemore bigram --samples 3
///     …
///     ```
///
///     <!-- output: makemore compare -->    plain Markdown (a table) up to the closing comment:
///     | stage | … |                        exactly what the command prints
///     <!-- end output -->
///
/// Words after `output` in the comment set options: `fast` (also checked by `swift test` with
/// the debug build), `slow` (checked only when asked for: `.ci/docs-check all`, or the page
/// named; for the runs too long for CI), `stderr` (the block shows standard error too) and
/// `setup: CMD; CMD` (commands run first and not shown, e.g. to train a model the block
/// loads). Commands run through `sh` in a scratch directory holding links to `names.txt`,
/// `Tests/` and `docs/`, with `makemore` (and `swift run -c release makemore`) meaning the
/// binary under test.
/// Timings are masked before comparing: `0.85 s`, `ms/step`, `steps/s`, the JSON `*seconds`.
struct DocumentedOutput {
    /// The page the output is shown on, relative to the package root.
    let page: String
    /// 1-based line of the marker comment.
    let line: Int
    let fast: Bool
    let slow: Bool
    let stderr: Bool
    let setup: [String]
    /// The shown commands, each with the output shown under it.
    var steps: [(command: String, output: String)]
    /// Whether the output is plain Markdown between comments rather than a fenced block.
    let plain: Bool
    /// Line range (0-based, half-open) of the shown content in the page.
    let content: Range<Int>

    /// Every marked output of `text` (the page `page`).
    static func parse(_ text: String, page: String) throws -> [DocumentedOutput] {
        let lines = text.components(separatedBy: "\n")
        var outputs: [DocumentedOutput] = []
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("<!-- output"), line.hasSuffix("-->") else { index += 1; continue }
            let body = line.dropFirst("<!-- output".count).dropLast(3).trimmingCharacters(in: .whitespaces)
            var words = body, command: String?
            if body.hasPrefix(":") { command = body.dropFirst().trimmingCharacters(in: .whitespaces); words = "" }
            var setup: [String] = []
            if let range = words.range(of: "setup:") {
                setup = words[range.upperBound...].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                words = String(words[..<range.lowerBound])
            }
            let options = Set(words.split(separator: " ").map(String.init))
            let marker = index
            if let unknown = options.subtracting(["fast", "slow", "stderr"]).sorted().first {
                throw Failure("\(page):\(marker + 1): unknown option '\(unknown)' (fast, slow, stderr, setup: CMD; CMD)")
            }
            if let command {
                guard let end = lines[(index + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "<!-- end output -->" }) else {
                    throw Failure("\(page):\(marker + 1): no <!-- end output --> after the marker")
                }
                outputs.append(DocumentedOutput(page: page, line: marker + 1, fast: options.contains("fast"), slow: options.contains("slow"), stderr: options.contains("stderr"),
                                                setup: setup, steps: [(command, lines[(index + 1)..<end].joined(separator: "\n"))],
                                                plain: true, content: (index + 1)..<end))
                index = end + 1
                continue
            }
            guard index + 1 < lines.count, lines[index + 1].hasPrefix("```"),
                  let close = lines[(index + 2)...].firstIndex(where: { $0.hasPrefix("```") }) else {
                throw Failure("\(page):\(marker + 1): the marker must be followed by a fenced block")
            }
            var steps: [(command: String, output: String)] = []
            var output: [String] = []
            for shown in lines[(index + 2)..<close] {
                if shown.hasPrefix("$ ") {
                    if let last = steps.popLast() { steps.append((last.command, output.joined(separator: "\n"))) }
                    steps.append((String(shown.dropFirst(2)), ""))
                    output = []
                } else {
                    guard !steps.isEmpty else { throw Failure("\(page):\(marker + 1): the block must start with a '$ command' line") }
                    output.append(shown)
                }
            }
            if let last = steps.popLast() { steps.append((last.command, output.joined(separator: "\n"))) }
            outputs.append(DocumentedOutput(page: page, line: marker + 1, fast: options.contains("fast"), slow: options.contains("slow"), stderr: options.contains("stderr"),
                                            setup: setup, steps: steps, plain: false, content: (index + 2)..<close))
            index = close + 1
        }
        return outputs
    }

    /// The shown content for `steps` (what the page holds between its fences or comments).
    static func render(_ steps: [(command: String, output: String)], plain: Bool) -> [String] {
        if plain {  // Markdown: lines outside a table end in two spaces, a line break
            return steps.map(\.output).joined(separator: "\n").components(separatedBy: "\n")
                .map { $0.isEmpty || $0.hasPrefix("|") ? $0 : $0 + "  " }
        }
        return steps.flatMap { ["$ " + $0.command] + ($0.output.isEmpty ? [] : $0.output.components(separatedBy: "\n")) }
    }

    /// `text` with every timing replaced by `#` and trailing spaces dropped, so runs compare on
    /// what is deterministic.
    static func masked(_ text: String) -> String {
        var text = text.components(separatedBy: "\n").map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
        let rules: [(String, String)] = [
            (#"\d+(\.\d+)? (s|ms|seconds)\b"#, "# $2"),
            (#"\d+(\.\d+)? (ms/step|steps/s)"#, "# $2"),
            (#""([a-z_]*seconds|ms_per_step|steps_per_second)":[-+0-9.eE]+"#, "\"$1\":#"),
            (#"\| # s \| \d+ \|"#, "| # s | # |"),
        ]
        for (pattern, template) in rules {
            text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return text
    }

    /// The command as run by `sh`: the binary's directory first on the PATH.
    static func shellCommand(_ command: String) -> String {
        command.replacingOccurrences(of: "swift run -c release makemore", with: "makemore")
    }

    /// Runs every command (setup first) with `binary` in a fresh scratch directory; returns
    /// the steps with the outputs the program printed now.
    func run(binary: URL, packageRoot: URL) throws -> [(command: String, output: String)] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docs-\(UUID().uuidString)")
        let bin = scratch.appendingPathComponent(".bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for name in ["names.txt", "Tests", "docs"] {
            try FileManager.default.createSymbolicLink(at: scratch.appendingPathComponent(name), withDestinationURL: packageRoot.appendingPathComponent(name))
        }
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("makemore"), withDestinationURL: binary)
        func sh(_ command: String, showStderr: Bool) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "(" + Self.shellCommand(command) + (showStderr ? ") 2>&1" : ") 2>/dev/null")]
            process.currentDirectoryURL = scratch
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") { text.removeLast() }
            return text
        }
        for command in setup { _ = try sh(command, showStderr: false) }
        return try steps.map { ($0.command, try sh($0.command, showStderr: stderr)) }
    }

    /// A one-line description of a mismatch: the first differing line, shown and printed.
    func difference(from actual: [(command: String, output: String)]) -> String? {
        for (shown, now) in zip(steps, actual) {
            let a = Self.masked(shown.output).components(separatedBy: "\n"), b = Self.masked(now.output).components(separatedBy: "\n")
            guard a != b else { continue }
            let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            return "\(page):\(line): `\(shown.command)` output line \(at + 1): shown '\(at < a.count ? a[at] : "(nothing)")', printed '\(at < b.count ? b[at] : "(nothing)")'"
        }
        return nil
    }

    /// The numbers printed to four decimals (the losses' format) that the prose right next to a
    /// marked output quotes — the paragraph before its marker and the paragraph after it, tables
    /// aside — and that no marked output of the page shows, as `page:line: number`. Such a number
    /// restates a run's result outside the checked block and would go stale when the block is
    /// regenerated; quote only what a checked block shows, or refer to the block.
    static func unshownNumbers(in text: String, page: String) throws -> [String] {
        let lines = text.components(separatedBy: "\n")
        let outputs = try parse(text, page: page)
        let shown = outputs.map { lines[$0.content].joined(separator: "\n") }.joined(separator: "\n")
        let number = try NSRegularExpression(pattern: #"(?<![\w.])\d+\.\d{4}(?!\w)"#)
        func numbers(_ line: String) -> [String] {
            number.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap { Range($0.range, in: line).map { String(line[$0]) } }
        }
        /// The 0-based indices of the paragraph that starts at `start` and runs in `direction`.
        func paragraph(from start: Int, direction: Int) -> [Int] {
            var index = start
            while lines.indices.contains(index), lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += direction }
            var found: [Int] = []
            while lines.indices.contains(index) {
                let line = lines[index].trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("```") || line.hasPrefix("<!--") || line.hasPrefix("#") { break }
                if !line.hasPrefix("|") { found.append(index) }
                index += direction
            }
            return found
        }
        var unshown: [String] = []
        var seen = Set<Int>()
        for output in outputs {
            for index in paragraph(from: output.line - 2, direction: -1).reversed() + paragraph(from: output.content.upperBound + 1, direction: 1)
            where seen.insert(index).inserted {
                for value in numbers(lines[index]) where !shown.contains(value) { unshown.append("\(page):\(index + 1): \(value)") }
            }
        }
        return unshown
    }

    /// The pages that may hold marked outputs: the README and every page under docs/.
    static func pages(packageRoot: URL) -> [String] {
        let docs = packageRoot.appendingPathComponent("docs")
        let enumerator = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil)
        return ["README.md"] + (enumerator?.compactMap { $0 as? URL }.filter { $0.pathExtension == "md" }
            .map { "docs/" + $0.path.dropFirst(docs.path.count + 1) }.sorted() ?? [])
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Every marked output of the README and docs/, in page order.
    static func all(packageRoot: URL) throws -> [DocumentedOutput] {
        try pages(packageRoot: packageRoot).flatMap { page in
            try parse(String(contentsOf: packageRoot.appendingPathComponent(page), encoding: .utf8), page: page)
        }
    }

    /// Writes `actual` into the page in place of the shown outputs of `outputs` (all of one page).
    static func rewrite(page: String, packageRoot: URL, _ outputs: [(DocumentedOutput, [(command: String, output: String)])]) throws {
        let url = packageRoot.appendingPathComponent(page)
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        for (output, actual) in outputs.sorted(by: { $0.0.content.lowerBound > $1.0.content.lowerBound }) {
            lines.replaceSubrange(output.content, with: render(actual, plain: output.plain))
        }
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
