import Foundation
import Testing
@testable import MakemoreKit

/// `makemore score` through the binary, on checkpoints of three stages trained on toy words.
@Suite(.serialized) struct ScoreCLITests {
    /// A directory with toy.txt, its split (seed 42, as the stages draw it) in parts/, and
    /// bigram, MLP and transformer checkpoints trained on it.
    static let fixture: Result<URL, Error> = Result {
        let directory = try CLI.temporaryDirectory()
        let words = (0..<60).map { ["ann", "anna", "bob", "bobby", "cy"][$0 % 5] }.joined(separator: "\n")
        try Data(words.utf8).write(to: directory.appendingPathComponent("toy.txt"))
        for arguments in [["split", "--input", "toy.txt", "--out", "parts"],
                          ["bigram", "--input", "toy.txt", "--save", "bigram.safetensors", "--samples", "0"],
                          ["mlp", "--input", "toy.txt", "--steps", "30", "--embedding", "4", "--hidden", "16", "--save", "mlp.safetensors", "--samples", "0", "--quiet"],
                          ["transformer", "--input", "toy.txt", "--steps", "5", "--layers", "1", "--heads", "2", "--embedding", "8",
                           "--save", "transformer.safetensors", "--samples", "0", "--quiet"]] {
            let result = try CLI.run(arguments, in: directory)
            guard result.status == 0 else { throw MakemoreError("fixture \(arguments[0]) failed: \(result.stderr)") }
        }
        return directory
    }

    func run(_ arguments: [String], input: String? = nil) throws -> CLI.Result {
        try CLI.run(["score"] + arguments, in: Self.fixture.get(), input: input)
    }

    /// Every training word through stdin: the totals add up to `makemore eval`'s train NLL × tokens.
    @Test(arguments: ["bigram", "mlp", "transformer"])
    func trainTotalsEqualTheEvaluator(model: String) throws {
        let train = try String(contentsOf: Self.fixture.get().appendingPathComponent("parts/train.txt"), encoding: .utf8)
        let scored = try run(["--load", "\(model).safetensors", "--json"], input: train)
        #expect(scored.status == 0, "\(scored.stderr)")
        let words = try #require(try JSONParser.parse(scored.stdout)["words"]?.arrayValue)
        #expect(words.count == train.split(separator: "\n").count)
        var total = 0.0, predictions = 0
        for word in words {
            let score = try #require(word["scores"]?.arrayValue?.first)
            total += try #require(score["total_nll"]?.doubleValue)
            predictions += try #require(score["predictions"]?.arrayValue).count
        }
        let evaluated = try CLI.run(["eval", "--load", "\(model).safetensors", "--split", "train", "--json"], in: Self.fixture.get())
        let report = try JSONParser.parse(evaluated.stdout)
        let nll = try #require(report["loss"]?["train"]?.doubleValue), tokens = try #require(report["tokens"]?["train"]?.intValue)
        #expect(predictions == tokens)
        #expect(abs(total - nll * Double(tokens)) < 1e-9 * total)
    }

    @Test func sideBySideColumnsWithPercentilesAndPictures() throws {
        let ok = try run(["anna", "cy", "--load", "transformer.safetensors", "--load", "bigram.safetensors", "--json",
                          "--plot-probabilities", "p.svg", "--plot-embedding", "e.svg"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let json = try JSONParser.parse(ok.stdout)
        #expect(json["models"]?.arrayValue?.compactMap { $0["model"]?.stringValue } == ["transformer", "bigram"])
        let anna = try #require(json["words"]?.arrayValue?.first)
        #expect(anna["word"]?.stringValue == "anna")
        let scores = try #require(anna["scores"]?.arrayValue)
        #expect(scores.count == 2)
        for score in scores {
            let predictions = try #require(score["predictions"]?.arrayValue)
            #expect(predictions.compactMap { $0["character"]?.stringValue } == ["a", "n", "n", "a", "."])
            let nlls = predictions.compactMap { $0["nll"]?.doubleValue }
            let total = try #require(score["total_nll"]?.doubleValue)
            #expect(abs(nlls.reduce(0, +) - total) < 1e-9 && abs(score["mean_nll"]!.doubleValue! - total / 5) < 1e-9)
            for p in predictions { #expect(abs(exp(-p["nll"]!.doubleValue!) - p["probability"]!.doubleValue!) < 1e-12) }
            let percentile = try #require(score["percentile"]?.doubleValue)
            #expect(percentile >= 0 && percentile <= 100)
        }
        // The bigram saw "anna" 12 times in 60 words: p(a | .) is the share of words starting with a.
        let bigramFirst = try #require(scores[1]["predictions"]?.arrayValue?.first?["probability"]?.doubleValue)
        #expect(bigramFirst > 0.3 && bigramFirst < 0.5)
        let bars = try String(contentsOf: Self.fixture.get().appendingPathComponent("p.svg"), encoding: .utf8)
        #expect(bars.contains("transformer (transformer.safetensors)") && bars.contains("bigram (bigram.safetensors)"))
        #expect(bars.components(separatedBy: "<rect").count - 1 == 1 + 2 * 5 + 2)  // background, 2 × 5 bars, legend
        let embedding = try String(contentsOf: Self.fixture.get().appendingPathComponent("e.svg"), encoding: .utf8)
        #expect(embedding.contains("principal component 1") && embedding.components(separatedBy: "<circle").count - 1 == 7 + 3)  // 7 tokens, 3 legend dots
    }

    @Test func textTableNamesEachPrediction() throws {
        let result = try run(["bob", "--load", "mlp.safetensors"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("bob") && lines[0].contains("mlp (mlp.safetensors)"))
        #expect(lines.contains { $0.hasPrefix("  .  (end)") } && lines.contains { $0.hasPrefix("  total NLL") })
        #expect(lines.filter { $0.hasPrefix("  b ") }.count == 2)
    }

    /// A stage's own --plot-embedding draws what `score --plot-embedding` draws from its
    /// checkpoint (the same training run: same options, same seed); a 2-wide embedding is drawn
    /// as is; stages without an embedding do not take the option.
    @Test func stagesPlotTheirEmbedding() throws {
        let directory = try Self.fixture.get()
        let trained = try CLI.run(["mlp", "--input", "toy.txt", "--steps", "30", "--embedding", "4", "--hidden", "16", "--samples", "0", "--quiet",
                                   "--plot-embedding", "stage-mlp.svg"], in: directory)
        #expect(trained.status == 0, "\(trained.stderr)")
        let scored = try run(["ann", "--load", "mlp.safetensors", "--plot-embedding", "score-mlp.svg"])
        #expect(scored.status == 0, "\(scored.stderr)")
        func circles(_ name: String) throws -> [Substring] {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("<circle") }
        }
        #expect(try circles("stage-mlp.svg") == circles("score-mlp.svg") && circles("stage-mlp.svg").count == 7 + 3)
        let rnn = try CLI.run(["rnn", "--input", "toy.txt", "--steps", "2", "--embedding", "2", "--samples", "0", "--quiet", "--plot-embedding", "rnn.svg"], in: directory)
        #expect(rnn.status == 0, "\(rnn.stderr)")
        let picture = try String(contentsOf: directory.appendingPathComponent("rnn.svg"), encoding: .utf8)
        #expect(picture.contains(">dimension 0</text>") && picture.contains(">dimension 1</text>"))
        #expect(try CLI.run(["bigram", "--input", "toy.txt", "--plot-embedding", "b.svg"], in: directory).status == 64)
    }

    @Test(arguments: [[String](), ["anna"], ["anna", "--load"], ["Zed", "--load", "mlp.safetensors"], ["--bogus", "--load", "mlp.safetensors"]])
    func usageErrorsExit64(arguments: [String]) throws {
        let result = try run(arguments, input: "")
        #expect(result.status == 64 && result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasSuffix("(see 'makemore score --help')\n"), "\(result.stderr)")
    }

    @Test func runtimeErrorsExit1WithOneLine() throws {
        for (arguments, input, message) in [
            (["annannannann", "--load", "transformer.safetensors"], nil, "reads at most 5"),
            (["--load", "mlp.safetensors"], "ann\nZed\n", "'Zed' contains 'Z'"),
            (["ann", "--load", "missing.safetensors"], nil, "missing.safetensors"),
            (["ann", "--load", "bigram.safetensors", "--plot-embedding", "e.svg"], nil, "no character embedding"),
        ] as [([String], String?, String)] {
            let result = try run(arguments, input: input)
            #expect(result.status == 1 && result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
