import Foundation
import Testing
import MakemoreKernels
@testable import MakemoreKit

/// The library's stage API: every stage builds from its typed configuration, trains through the
/// one step, evaluates, samples, saves and loads, reports progress and stops on request.
@Suite struct StageTests {
    static let words = (0..<90).map { ["ann", "anna", "bob", "bobby", "cy", "zoe"][$0 % 6] }

    static func dataset() throws -> Dataset {
        try Dataset(split: DatasetSplit(shuffling: words, seed: 3, valFraction: 0.2, testFraction: 0.1))
    }

    /// Each stage at toy sizes.
    static let configurations: [StageConfiguration] = {
        var mlp = MLPConfiguration()
        mlp.hiddenSize = 16
        var wavenet = WaveNetConfiguration()
        wavenet.contextLength = 4
        wavenet.hiddenSize = 16
        let small = SequenceModelConfiguration(embedding: 8, hidden: 8)
        return [.bigram(), .neuralBigram(), .mlp(mlp), .wavenet(wavenet), .bow(small), .rnn(small), .gru(small),
                .transformer(TransformerConfiguration(layers: 1, heads: 2, embedding: 8, dropout: 0.1))]
    }()

    static let training = TrainingConfiguration(steps: 12, learningRate: 0.01, optimizer: OptimizerConfiguration(kind: .adamw), batchSize: 8,
                                                evaluateEvery: 4, threads: 2)

    @Test(arguments: configurations)
    func everyStageTrainsEvaluatesSamplesAndRoundTripsThroughACheckpoint(configuration: StageConfiguration) throws {
        let dataset = try Self.dataset()
        let stage = try Stage(configuration, dataset: dataset, seed: 5)
        #expect(stage.kind == configuration.kind)
        let history = try stage.train(Self.training)
        #expect(history.steps == (stage.kind == .bigram ? 0 : 12))
        let val = try #require(stage.evaluate(.val))
        #expect(val.nll.isFinite && val.nll > 0)
        #expect(try stage.sample(count: 4).count == 4)
        let report = try stage.report(samples: 2)
        #expect(report.model == configuration.kind.rawValue && report.samples.count == 2 && report.losses[.val]??.nll == val.nll)
        #expect(report.steps == (stage.kind == .bigram ? nil : 12))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        stage.source = SplitRecord(input: nil, directory: nil, seed: 3, valFraction: 0.2, testFraction: 0.1)
        try stage.save(to: path)
        let loaded = try Stage(loading: path, split: dataset.split, expecting: configuration.kind)
        #expect(loaded.evaluate(.val) == val)
        #expect(loaded.step == stage.step)
        #expect(throws: MakemoreError.self) {
            try Stage(loading: path, split: dataset.split, expecting: configuration.kind == .mlp ? .wavenet : .mlp)
        }
    }

    /// A checkpoint stores no l2 penalty: the settings given apply, else the stage's default.
    @Test func aLoadedNeuralBigramTakesTheGivenPenalty() throws {
        let dataset = try Self.dataset()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Stage(.neuralBigram(l2: 0.25), dataset: dataset, seed: 5).save(to: path)
        func l2(_ settings: StageConfiguration?) throws -> Double? {
            let report = try Stage(loading: path, split: dataset.split, settings: settings).report(samples: 0)
            return report.extra.first { $0.0 == "l2" }?.1.doubleValue
        }
        #expect(try l2(.neuralBigram(l2: 0.5)) == 0.5)
        #expect(try l2(nil) == Double(Float(0.01)))
    }

    /// The same calls with the same seed give the same numbers; another seed others.
    @Test func aSeedFixesTheWholeRun() throws {
        let dataset = try Self.dataset()
        func run(seed: UInt64) throws -> ([Float], [String]) {
            let stage = try Stage(.transformer(TransformerConfiguration(layers: 1, heads: 2, embedding: 8, dropout: 0.1)), dataset: dataset, seed: seed)
            return (try stage.train(Self.training).losses, try stage.sample(count: 5))
        }
        let a = try run(seed: 1), b = try run(seed: 1), c = try run(seed: 2)
        #expect(a.0 == b.0 && a.1 == b.1)
        #expect(a.0 != c.0)
    }

    /// Progress arrives per step, evaluations as configured, `.finished` last; a stop request
    /// ends the run after the current step.
    @Test func eventsAndStopRequests() throws {
        let stage = try Stage(.mlp(MLPConfiguration()), dataset: Self.dataset(), seed: 5)
        var steps: [Int] = [], evaluations: [Int] = [], finished = 0
        let monitor = InterruptMonitor()
        var training = Self.training
        training.steps = 30
        let history = try stage.train(training, interrupt: monitor) { event in
            switch event {
            case .step(let progress):
                steps.append(progress.step)
                if progress.step == 10 { monitor.request() }
            case .evaluation(let step, _): evaluations.append(step)
            case .diagnostics, .saved: break
            case .finished: finished += 1
            }
        }
        #expect(steps == Array(1...10) && evaluations == [4, 8, 10] && finished == 1)
        #expect(history.interrupted && history.steps == 10 && stage.step == history.best?.step)
    }

    /// A window network takes diagnostics when asked: after the first step, every `every`
    /// steps and after the last, as events and on the stage; other stages take none.
    @Test func diagnosticsOfAWindowNetwork() throws {
        let stage = try Stage(.mlp(MLPConfiguration()), dataset: Self.dataset(), seed: 5)
        var training = Self.training
        training.diagnosticsEvery = 5
        var seen: [Int] = []
        try stage.train(training) { if case .diagnostics(let snapshot) = $0 { seen.append(snapshot.step) } }
        #expect(seen == [1, 5, 10, 12] && stage.diagnostics?.snapshots.map(\.step) == seen)
        let rnn = try Stage(.rnn(SequenceModelConfiguration(embedding: 8, hidden: 8)), dataset: Self.dataset(), seed: 5)
        try rnn.train(training)
        #expect(rnn.diagnostics == nil)
    }

    @Test func theAsyncStreamReportsEveryEventAndEndsWithTheHistory() async throws {
        let stage = try Stage(.rnn(SequenceModelConfiguration(embedding: 8, hidden: 8)), dataset: Self.dataset(), seed: 5)
        var steps = 0
        var last: TrainingEvent?
        for try await event in stage.trainingEvents(Self.training) {
            if case .step = event { steps += 1 }
            last = event
        }
        #expect(steps == 12)
        guard case .finished(let history) = last else { Issue.record("the stream did not end with .finished"); return }
        #expect(history.steps == 12)
    }

    /// Breaking out of the loop after two events stops training at once: the run waits for
    /// each event to be asked for, so it has taken exactly the two steps it reported, and
    /// `end()` returns its history (the stage is then usable: it reports those steps).
    @Test func breakingOutOfTheEventsStopsTraining() async throws {
        let stage = try Stage(.rnn(SequenceModelConfiguration(embedding: 8, hidden: 8)), dataset: Self.dataset(), seed: 5)
        let events = stage.trainingEvents(Self.training)
        var seen: [Int] = []
        for try await event in events {
            if case .step(let progress) = event { seen.append(progress.step) }
            if seen.count == 2 { break }
        }
        let history = try await events.end()
        #expect(seen == [1, 2])
        #expect(history.interrupted && history.steps == 2 && stage.step == 2)
        #expect(stage.evaluate(.val)?.nll.isFinite == true)
    }

    /// As at the top level of a `main.swift`, where the loop's iterator is never released (so
    /// the stream is never terminated): training waits for the next request and `end()` stops it.
    @Test func anUnreleasedIteratorStillStopsTraining() async throws {
        let stage = try Stage(.neuralBigram(), dataset: Self.dataset(), seed: 5)
        let events = stage.trainingEvents(Self.training)
        var iterator = events.makeAsyncIterator()
        _ = try await iterator.next()
        _ = try await iterator.next()
        let history = try await events.end()
        #expect(history.interrupted && history.steps == 2)
        withExtendedLifetime(iterator) {}
    }

    /// A run never iterated takes no step; the same training without the stream gives the same
    /// numbers as the stream's run (the thread changes nothing).
    @Test func theStreamTrainsAsTrainDoes() async throws {
        let untouched = try Stage(.neuralBigram(), dataset: Self.dataset(), seed: 5)
        #expect(try await untouched.trainingEvents(Self.training).end().steps == 0)
        let streamed = try Stage(.rnn(SequenceModelConfiguration(embedding: 8, hidden: 8)), dataset: Self.dataset(), seed: 5)
        var losses: [Float] = []
        for try await event in streamed.trainingEvents(Self.training) { if case .step(let p) = event { losses.append(p.loss) } }
        let direct = try Stage(.rnn(SequenceModelConfiguration(embedding: 8, hidden: 8)), dataset: Self.dataset(), seed: 5)
        #expect(try direct.train(Self.training).losses == losses)
        #expect(streamed.evaluate(.val) == direct.evaluate(.val))
    }

    @Test func cancellingTheTaskStopsTraining() async throws {
        let task = Task.detached { () throws -> TrainingHistory in
            let stage = try Stage(.neuralBigram(), dataset: Self.dataset(), seed: 5)
            withUnsafeCurrentTask { $0?.cancel() }
            return try stage.train(Self.training)
        }
        let history = try await task.value
        #expect(history.interrupted && history.steps == 0)
    }

    /// The learning-rate finder takes its steps through the stage's training step: the sweep
    /// on the toy data runs to the end of a gentle range and records one loss per rate.
    @Test func theLearningRateFinderUsesTheStagesStep() throws {
        let stage = try Stage(.mlp(MLPConfiguration()), dataset: Self.dataset(), seed: 5)
        let sweep = try stage.findLearningRate(LearningRateFinder(minimum: 1e-4, maximum: 1e-3, steps: 20), training: Self.training)
        #expect(sweep.rates.count == 20 && sweep.losses.allSatisfy(\.isFinite))
        #expect(throws: MakemoreError.self) {
            try Stage(.bigram(), dataset: Self.dataset(), seed: 5).findLearningRate(LearningRateFinder(steps: 2), training: Self.training)
        }
    }

    /// What `lr-find` prints comes from the library: the sweep's training from the finder, its
    /// JSON and its text (an empty sweep, whose first loss was not a number, reports no rows).
    @Test func theLearningRateSweepReportsItself() throws {
        let finder = try LearningRateFinder(minimum: 1e-3, maximum: 1, steps: 30)
        let training = finder.training(optimizer: .adam, batchSize: 8)
        #expect(training.steps == 30 && training.learningRate == 1e-3 && training.optimizer.kind == .adam && training.batchSize == 8)
        let sweep = try Stage(.mlp(MLPConfiguration()), dataset: Self.dataset(), seed: 5).findLearningRate(finder, training: training)
        let json = sweep.json(stage: .mlp, finder: finder)
        #expect(json["stage"]?.stringValue == "mlp" && json["steps"]?.intValue == sweep.rates.count && json["suggested_lr"]?.doubleValue == sweep.suggestion)
        #expect(json["lr"]?.arrayValue?.count == sweep.rates.count && json["rule"]?.stringValue == LearningRateSweep.rule)
        let lines = sweep.text(finder: finder, training: training).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("swept \(sweep.rates.count) steps, lr 0.001 → 1 (batch 8, adam)") == true)
        #expect(lines.count == 2 + Set((0..<20).map { $0 * max(1, sweep.rates.count / 20) } + [sweep.rates.count - 1]).count + 2)
        #expect(lines.last?.hasPrefix("suggested learning rate: ") == true)
        let empty = try LearningRateSweep(rates: [], losses: []).text(finder: finder, training: training)
        #expect(empty == "swept 0 steps, lr 0.001 → 1 (batch 8, adam) — stopped early: the loss diverged\n       lr   smoothed loss")
    }

    @Test func configurationsTheDataRulesOutAreErrors() throws {
        let dataset = try Self.dataset()
        #expect(throws: MakemoreError.self) { try Stage(.transformer(TransformerConfiguration(blockSize: 3)), dataset: dataset, seed: 1) }
        #expect(throws: MakemoreError.self) { try Stage(.transformer(TransformerConfiguration(heads: 3)), dataset: dataset, seed: 1) }
        var wavenet = WaveNetConfiguration()
        wavenet.contextLength = 6
        #expect(throws: MakemoreError.self) { try Stage(.wavenet(wavenet), dataset: dataset, seed: 1) }
    }

    /// Configurations round-trip through JSON (snake_case keys), as a program would store them.
    @Test func configurationsAreCodable() throws {
        for configuration in Self.configurations {
            #expect(try JSONDecoder().decode(StageConfiguration.self, from: JSONEncoder().encode(configuration)) == configuration)
        }
        let training = StageKind.transformer.defaultTraining
        let json = String(decoding: try JSONEncoder().encode(training), as: UTF8.self)
        #expect(json.contains("\"learning_rate\"") && json.contains("\"weight_decay\""))
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8)) == training)
    }
}
