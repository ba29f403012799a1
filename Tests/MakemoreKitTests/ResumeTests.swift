import Foundation
import Testing
@testable import MakemoreKit

/// `--resume`: a run stopped half-way, saved, loaded and resumed gives bit for bit the losses,
/// evaluations, best state, weights and samples of the same run taken in one go.
@Suite struct ResumeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var configuration: StageConfiguration
        var training: TrainingConfiguration
        var testDescription: String { configuration.kind.rawValue }
    }

    static let cases: [Case] = {
        var mlp = MLPConfiguration()
        mlp.hiddenSize = 16
        var mlpTraining = StageKind.mlp.defaultTraining
        mlpTraining.steps = 20
        mlpTraining.batchSize = 8
        mlpTraining.evaluateEvery = 3
        var transformerTraining = StageKind.transformer.defaultTraining
        transformerTraining.steps = 20
        transformerTraining.warmup = 4
        transformerTraining.batchSize = 12
        transformerTraining.ema = 0.8
        transformerTraining.threads = 2
        let transformer = TransformerConfiguration(layers: 1, heads: 2, embedding: 8, dropout: 0.1)
        return [Case(configuration: .mlp(mlp), training: mlpTraining),
                Case(configuration: .transformer(transformer), training: transformerTraining)]
    }()

    @Test(arguments: cases)
    func halfAndResumeEqualsOneRun(_ run: Case) throws {
        let dataset = try StageTests.dataset()
        let whole = try Stage(run.configuration, dataset: dataset, seed: 7)
        let one = try whole.train(run.training)
        let samples = try whole.sample(count: 6)
        #expect(whole.trainingState == nil)

        let first = try Stage(run.configuration, dataset: dataset, seed: 7)
        let half = try first.train(run.training, stopAt: 10)
        #expect(half.steps == 10)
        let state = try #require(first.trainingState)
        #expect(state.step == 10)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        first.source = SplitRecord(input: nil, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)
        try first.save(to: path)

        let resumed = try Stage(loading: path, split: dataset.split, seed: 99, expecting: run.configuration.kind)
        let loaded = try #require(resumed.trainingState)
        let rest = try resumed.train(run.training, resuming: loaded)
        #expect(rest.startStep == 10 && rest.steps == 10)
        #expect(half.losses + rest.losses == one.losses)
        #expect((half.evaluations + rest.evaluations).map(\.step) == one.evaluations.map(\.step))
        #expect((half.evaluations + rest.evaluations).map(\.loss) == one.evaluations.map(\.loss))
        #expect(rest.best?.step == one.best?.step && rest.best?.loss == one.best?.loss)
        #expect(resumed.step == whole.step)
        #expect(resumed.trainingState == nil)
        let sameWeights = resumed.model.stateTensors() == whole.model.stateTensors()
        #expect(sameWeights)
        #expect(resumed.evaluate(.val) == whole.evaluate(.val))
        #expect(try resumed.sample(count: 6) == samples)
    }

    /// A run stopped by Ctrl-C (evaluated once more where it stopped, for its report) resumes
    /// as the run that never stopped.
    @Test func anInterruptedRunResumesExactly() throws {
        let dataset = try StageTests.dataset()
        let run = Self.cases[1]
        let whole = try Stage(run.configuration, dataset: dataset, seed: 7)
        let one = try whole.train(run.training)
        let stopped = try Stage(run.configuration, dataset: dataset, seed: 7)
        let monitor = InterruptMonitor()
        let half = try stopped.train(run.training, interrupt: monitor) { event in
            if case .step(let progress) = event, progress.step == 7 { monitor.request() }
        }
        #expect(half.interrupted && half.evaluations.last?.step == 7)
        let state = try #require(stopped.trainingState)
        let rest = try stopped.train(run.training, resuming: state)
        #expect(half.losses + rest.losses == one.losses)
        #expect(rest.evaluations.map(\.loss) == one.evaluations.filter { $0.step > 7 }.map(\.loss))
        #expect(try stopped.sample(count: 6) == whole.sample(count: 6))
    }

    /// A state that does not fit the run is refused with a message, never a crash.
    @Test func aStateOfAnotherRunIsRefused() throws {
        let dataset = try StageTests.dataset()
        let run = Self.cases[1]
        let stage = try Stage(run.configuration, dataset: dataset, seed: 7)
        try stage.train(run.training, stopAt: 5)
        let state = try #require(stage.trainingState)
        let other = try Stage(Self.cases[0].configuration, dataset: dataset, seed: 7)
        #expect(throws: MakemoreError.self) { try other.train(Self.cases[0].training, resuming: state) }
        var short = run.training
        short.steps = 5
        #expect(throws: MakemoreError.self) { try stage.train(short, resuming: state) }
        var noAverage = run.training
        noAverage.ema = nil
        #expect(throws: MakemoreError.self) { try stage.train(noAverage, resuming: state) }
    }
}
