import Foundation
import Testing

/// The README and the pages under docs/ link to each other and to images by relative paths;
/// a page moved or renamed, or a heading reworded, must not leave a dead link behind.
@Suite struct DocumentationTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The README and every Markdown file under docs/.
    static func pages() throws -> [URL] {
        let docs = packageRoot.appendingPathComponent("docs")
        let enumerator = try #require(FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil))
        let pages = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "md" }
        return [packageRoot.appendingPathComponent("README.md")] + pages.sorted { $0.path < $1.path }
    }

    /// The lines of `text` outside fenced code blocks.
    static func prose(_ text: String) -> [Substring] {
        var inFence = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if line.hasPrefix("```") { inFence.toggle(); return false }
            return !inFence
        }
    }

    /// The targets of the inline links and images `[text](target)` of `text`, code spans included
    /// (a link is never written inside one).
    static func linkTargets(_ text: String) -> [String] {
        prose(text).flatMap { line -> [String] in
            line.components(separatedBy: "](").dropFirst().compactMap { rest in
                rest.firstIndex(of: ")").map { String(rest[..<$0]) }
            }
        }
    }

    /// The anchors GitHub gives the headings of `text`: lower-cased, punctuation other than `-`
    /// and `_` dropped, spaces turned into `-`.
    static func anchors(_ text: String) -> Set<String> {
        Set(prose(text).filter { $0.hasPrefix("#") }.map { heading in
            let title = heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            let kept = title.unicodeScalars.filter {
                CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == " "
            }
            return String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-")
        })
    }

    @Test func anchorsFollowGitHubsRule() {
        let text = "# Speed\n## Moving average of the weights (`--ema`)\n```\n# not a heading\n```\n### Checkpoints, `sample` and `eval`"
        #expect(Self.anchors(text) == ["speed", "moving-average-of-the-weights---ema", "checkpoints-sample-and-eval"])
        #expect(Self.linkTargets("see [a](b.md#c) and ![d](../e.svg)\n```\n[x](dead.md)\n```") == ["b.md#c", "../e.svg"])
    }

    @Test func everyRelativeLinkPointsAtAFileAndHeadingThatExist() throws {
        let pages = try Self.pages()
        #expect(pages.count > 10)
        var dead: [String] = []
        for page in pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for target in Self.linkTargets(text) where !target.contains("://") && !target.hasPrefix("mailto:") {
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let file = parts[0].isEmpty ? page : page.deletingLastPathComponent().appendingPathComponent(String(parts[0])).standardizedFileURL
                let name = "\(page.lastPathComponent) → \(target)"
                guard FileManager.default.fileExists(atPath: file.path) else { dead.append(name); continue }
                if parts.count == 2 {
                    let linked = try String(contentsOf: file, encoding: .utf8)
                    if !Self.anchors(linked).contains(String(parts[1])) { dead.append(name) }
                }
            }
        }
        #expect(dead == [])
    }

    @Test func readmeIsANewcomersPage() throws {
        let readme = try String(contentsOf: Self.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count <= 250)
        let firstBlock = try #require(readme.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(firstBlock == "swift run -c release makemore compare\nswift test\n")
        #expect(Self.prose(readme).contains("## Using MakemoreKit from Swift"))
    }
}
