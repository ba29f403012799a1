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
            guard result.status == 0 else { throw MakemoreError.mismatch("fixture \(arguments[0]) failed: \(result.stderr)") }
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

    /// makemore.py's files score like this project's checkpoints: a word's predictions from
    /// `model.pt` equal those from the same weights in `params.safetensors`, and the test words'
    /// totals add up to `makemore eval`'s test NLL × tokens; percentiles rank among --split-dir's
    /// training words.
    @Test(arguments: GoldenFixture.types)
    func stateDictsScoreLikeEval(type: String) throws {
        let directory = try PyTorchCLITests.fixtureSplit()
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = try GoldenFixture.expected(type).words
        let given = ["--split-dir", directory.path] + (type == "transformer" ? ["--heads", "2"] : [])
        let scored = try CLI.run(["score"] + words + ["--load", GoldenFixture.path(type, "model.pt"), "--load", GoldenFixture.path(type, "params.safetensors"), "--json"] + given)
        #expect(scored.status == 0, "\(scored.stderr)")
        let json = try JSONParser.parse(scored.stdout)
        let kinds = ["bigram": "neural-bigram", "mlp": "makemore-mlp"]
        #expect(json["models"]?.arrayValue?.map { $0["model"]?.stringValue } == [kinds[type] ?? type, kinds[type] ?? type])
        #expect(json["models"]?.arrayValue?.allSatisfy { $0["step"] == .null } == true)
        var total = 0.0, predictions = 0
        for word in try #require(json["words"]?.arrayValue) {
            let scores = try #require(word["scores"]?.arrayValue)
            let nlls = scores.map { $0["predictions"]?.arrayValue?.compactMap { $0["nll"]?.doubleValue } }
            #expect(nlls[0] == nlls[1] && scores[0]["total_nll"] == scores[1]["total_nll"])
            #expect(try #require(scores[0]["percentile"]?.doubleValue) >= 0)
            total += try #require(scores[0]["total_nll"]?.doubleValue)
            predictions += try #require(nlls[0]).count
        }
        let evaluated = try CLI.run(["eval", "--load", GoldenFixture.path(type, "model.pt"), "--split", "test", "--json"] + given)
        let report = try JSONParser.parse(evaluated.stdout)
        let nll = try #require(report["loss"]?["test"]?.doubleValue), tokens = try #require(report["tokens"]?["test"]?.intValue)
        #expect(predictions == tokens)
        #expect(abs(total - nll * Double(tokens)) < 1e-9 * total)
    }

    /// Embeddings of imported models are drawn too, makemore.py's MLP without its `<BLANK>` row.
    @Test func importedModelsPlotTheirEmbedding() throws {
        let directory = try PyTorchCLITests.fixtureSplit()
        defer { try? FileManager.default.removeItem(at: directory) }
        for type in ["mlp", "transformer"] {
            let picture = directory.appendingPathComponent("\(type).svg")
            let result = try CLI.run(["score", "emma", "--load", GoldenFixture.path(type, "model.pt"), "--split-dir", directory.path,
                                      "--heads", "2", "--plot-embedding", picture.path])
            #expect(result.status == 0, "\(result.stderr)")
            let svg = try String(contentsOf: picture, encoding: .utf8)
            let circles = svg.split(separator: "\n").filter { $0.hasPrefix("<circle") }
            #expect(circles.filter { $0.contains(" r=\"10.0\"") }.count == 27)  // one label per token
            #expect(circles.filter { $0.contains(" r=\"6.0\"") }.count == 3)  // the legend's dots
        }
    }

    /// One heatmap per layer and head over the first word's positions (the start as "."): the
    /// lower triangle's cells, nothing above it.
    @Test func plotsAttentionOfTransformers() throws {
        let directory = try Self.fixture.get()
        let toy = try run(["anna", "bob", "--load", "transformer.safetensors", "--plot-attention", "a.svg"])
        #expect(toy.status == 0, "\(toy.stderr)")
        let svg = try String(contentsOf: directory.appendingPathComponent("a.svg"), encoding: .utf8)
        #expect(svg.contains(">layer 1 · head 1</text>") && svg.contains(">layer 1 · head 2</text>") && !svg.contains(">layer 2"))
        #expect(svg.contains("over &apos;anna&apos;") || svg.contains("over 'anna'"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 1 + 2 * (1 + 15) + 5)  // background, 2 × (frame + 5·6/2 cells), legend
        #expect(svg.contains("font-size=\"11\" text-anchor=\"middle\" fill=\"#222222\">.</text>"))
        let imported = try CLI.run(["score", "isabella", "--load", GoldenFixture.path("transformer", "model.pt"), "--heads", "2",
                                    "--split-dir", try PyTorchCLITests.fixtureSplit().path, "--plot-attention", directory.appendingPathComponent("m.svg").path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let grid = try String(contentsOf: directory.appendingPathComponent("m.svg"), encoding: .utf8)
        #expect(["layer 1 · head 1", "layer 1 · head 2", "layer 2 · head 1", "layer 2 · head 2"].allSatisfy { grid.contains(">\($0)</text>") })
        #expect(grid.components(separatedBy: "<rect").count - 1 == 1 + 4 * (1 + 45) + 5)  // 9 positions: 45 cells
    }

    /// A model without attention fails after loading (its kind is in the file), in one line,
    /// writing nothing; so does a corrupt file.
    @Test func plotAttentionNeedsATransformerAndCorruptFilesFailInOneLine() throws {
        let directory = try Self.fixture.get()
        let mlp = try run(["anna", "--load", "mlp.safetensors", "--plot-attention", "none.svg"])
        #expect(mlp.status == 1 && mlp.stdout.isEmpty && mlp.stderr.split(separator: "\n").count == 1)
        #expect(mlp.stderr.contains("mlp.safetensors: --plot-attention needs a transformer; the mlp model has no attention"), "\(mlp.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("none.svg").path))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: GoldenFixture.path("transformer", "model.pt")))
        try bytes.prefix(bytes.count / 2).write(to: directory.appendingPathComponent("truncated.pt"))
        let checkpoint = try Data(contentsOf: directory.appendingPathComponent("mlp.safetensors"))
        try checkpoint.prefix(checkpoint.count - 5).write(to: directory.appendingPathComponent("truncated.safetensors"))
        for name in ["truncated.pt", "truncated.safetensors"] {
            let result = try run(["anna", "--load", name, "--input", "toy.txt"])
            #expect(result.status == 1 && result.stdout.isEmpty, "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(name), "\(result.stderr)")
        }
    }

    /// Without training words to rank among (the checkpoint's word list is gone) the percentile
    /// is left out with one note per model; --input supplies them again.
    @Test func percentilesNeedTrainingWords() throws {
        let directory = try Self.fixture.get()
        try FileManager.default.copyItem(at: directory.appendingPathComponent("toy.txt"), to: directory.appendingPathComponent("gone.txt"))
        let trained = try CLI.run(["bigram", "--input", "gone.txt", "--save", "gone.safetensors", "--samples", "0"], in: directory)
        #expect(trained.status == 0, "\(trained.stderr)")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("gone.txt"))
        let missing = try run(["anna", "bob", "--load", "gone.safetensors", "--json"])
        #expect(missing.status == 0, "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("note: no percentiles for gone.safetensors"), "\(missing.stderr)")
        #expect(try JSONParser.parse(missing.stdout)["words"]?.arrayValue?.allSatisfy { $0["scores"]?.arrayValue?.first?["percentile"] == .null } == true)
        let text = try run(["anna", "--load", "gone.safetensors"])
        #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix("  percentile") && $0.hasSuffix("—") })
        let given = try run(["anna", "--load", "gone.safetensors", "--input", "toy.txt", "--json"])
        #expect(given.status == 0 && given.stderr.isEmpty, "\(given.stderr)")
        let percentile = try #require(try JSONParser.parse(given.stdout)["words"]?.arrayValue?.first?["scores"]?.arrayValue?.first?["percentile"]?.doubleValue)
        #expect(percentile >= 0 && percentile <= 100)
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
