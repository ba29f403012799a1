import Foundation
import Testing
@testable import MakemoreKit

/// `Stage.write`: the files a run names, and only those, each as the stage produced it.
@Suite struct StageOutputsTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let mlp: StageConfiguration = {
        var mlp = MLPConfiguration()
        mlp.hiddenSize = 16
        return .mlp(mlp)
    }()

    @Test func writesTheLogPlotsCheckpointAndEmbeddingOfATrainedStage() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try StageTests.dataset()
        let stage = try Stage(Self.mlp, dataset: dataset, seed: 5)
        stage.source = SplitRecord(input: nil, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)
        var configuration = StageTests.training
        configuration.diagnosticsEvery = 6
        let history = try stage.train(configuration)
        let path = { folder.appendingPathComponent($0).path }
        try stage.write(StageOutputs(checkpoint: path("m.safetensors"), log: path("log.jsonl"), lossPlot: path("loss.svg"),
                                     diagnosticsPlots: path("plots"), embeddingPlot: path("embedding.svg")),
                        training: (history, configuration))
        let log = try String(contentsOfFile: path("log.jsonl"), encoding: .utf8)
        #expect(log == history.jsonLines(schedule: configuration.learningRateSchedule, learningRate: configuration.learningRate))
        #expect(log.split(separator: "\n").count == 12)
        #expect(try String(contentsOfFile: path("loss.svg"), encoding: .utf8) == history.lossChart(title: "mlp: loss").svg())
        #expect(try String(contentsOfFile: path("embedding.svg"), encoding: .utf8).hasPrefix("<svg"))
        #expect(try !FileManager.default.contentsOfDirectory(atPath: path("plots")).isEmpty)
        let loaded = try Stage(loading: path("m.safetensors"), split: dataset.split, expecting: .mlp)
        #expect(loaded.evaluate(.val) == stage.evaluate(.val))
    }

    @Test func writesNothingUnasked() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stage = try Stage(Self.mlp, dataset: StageTests.dataset(), seed: 5)
        let history = try stage.train(StageTests.training)
        try stage.write(StageOutputs(), training: (history, StageTests.training))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func anEmbeddingPlotNeedsAnEmbedding() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stage = try Stage(.bigram(), dataset: StageTests.dataset(), seed: 5)
        #expect(throws: MakemoreError.unsupported("the bigram model has no character embedding")) {
            try stage.write(StageOutputs(embeddingPlot: folder.appendingPathComponent("e.svg").path), training: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
