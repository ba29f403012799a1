import Foundation
import MakemoreKit
import Testing

/// The README's library example is the code `readmeExample` compiles, and it runs.
@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The first ```swift block of the README section "Using MakemoreKit from Swift".
    static func readmeBlock() throws -> [Substring] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "\n## Using MakemoreKit from Swift\n"))
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```swift\n"))
        let end = try #require(rest[start.upperBound...].range(of: "\n```\n"))
        return rest[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The lines between the markers of ReadmeExample.swift, less their four-space indent.
    static func compiledBody() throws -> [Substring] {
        let source = try String(contentsOf: root.appendingPathComponent("Tests/MakemoreKitTests/ReadmeExample.swift"), encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let begin = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// README BEGIN" })
        let end = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// README END" })
        return lines[(begin + 1)..<end].map { $0.hasPrefix("    ") ? $0.dropFirst(4) : $0 }
    }

    @Test func theReadmeBlockIsTheCompiledExample() throws {
        let block = try Self.readmeBlock()
        #expect(block.count > 3 && block[0] == "import MakemoreKit" && block[1] == "")
        #expect(block[2] == "let path = \"names.txt\", steps = 5_000")
        #expect(Array(block.dropFirst(3)) == (try Self.compiledBody()))
    }

    /// The example on a toy word list for a few steps.
    @Test func theExampleRuns() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let words = (0..<120).map { ["emma", "olivia", "ava", "isabella", "sophia", "mia"][$0 % 6] }
        try Data(words.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        try readmeExample(path: path, steps: 10)
    }

    /// A stage built as the README builds it comes back from `save(to:)` and `Stage(loading:)`
    /// whole: its words (stored in the checkpoint, since they came from no recorded file), its
    /// model, its step.
    @Test func theReadmesStageRoundTripsThroughACheckpoint() throws {
        let words = (0..<120).map { ["emma", "olivia", "ava", "isabella", "sophia", "mia"][$0 % 6] + String(repeating: "a", count: $0 % 3) }
        let dataset = try Dataset(split: DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1))
        let stage = try Stage(.mlp(MLPConfiguration()), dataset: dataset, seed: 42)
        try stage.train(TrainingConfiguration(steps: 10, learningRate: 0.1, schedule: .step, batchSize: 32, evaluateEvery: 2))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try stage.save(to: path)
        let loaded = try Stage(loading: path)
        #expect(loaded.dataset.split == dataset.split && loaded.dataset.vocabulary == dataset.vocabulary)
        #expect(loaded.kind == .mlp && loaded.configuration == stage.configuration && loaded.step == stage.step)
        #expect(loaded.evaluate(.val) == stage.evaluate(.val) && loaded.evaluate(.test) == stage.evaluate(.test))

        var wordless = try Checkpoint.read(path: path)  // as written before the words were stored
        wordless.words = nil
        try wordless.write(to: path)
        #expect { try Stage(loading: path) } throws: { error in
            let message = (error as? MakemoreError)?.description ?? ""
            return message.hasPrefix(path) && message.contains("give the words")
        }
    }
}
