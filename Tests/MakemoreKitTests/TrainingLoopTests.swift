import Foundation
import Testing
@testable import MakemoreKit

@Suite struct TrainingLoopTests {
    @Test func aStopRequestEndsTheRunAfterTheCurrentStepAndEvaluatesOnce() throws {
        let monitor = InterruptMonitor()
        let w = Tensor(shape: [1], values: [3], requiresGrad: true)
        var loop = TrainingLoop(steps: 100, learningRate: 0.1, evaluateEvery: 50)
        loop.shouldStop = { monitor.isRequested }
        let history = try loop.run(optimizer: Optimizer(parameters: [w], configuration: OptimizerConfiguration(kind: .sgd)), loss: { step in
            if step == 5 { monitor.request() }
            return (w * w).sum()
        }, evaluate: { Double(w.item) })
        #expect(history.interrupted && history.steps == 6)
        #expect(history.evaluations.map(\.step) == [6])
    }

    /// w² descends from 3 towards 0; the "validation loss" |w − 1.5| is lowest part-way, so that
    /// state is what the run ends with.
    @Test func keepBestRestoresTheStateOfTheBestEvaluation() throws {
        let model = Linear(weight: Tensor(shape: [1, 1], values: [3], requiresGrad: true), bias: nil)
        var loop = TrainingLoop(steps: 40, learningRate: 0.05, evaluateEvery: 1)
        loop.keepBest = model
        var trajectory: [Float] = []
        let history = try loop.run(optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .sgd)),
                                   loss: { _ in (model.weight * model.weight).sum() },
                                   evaluate: { trajectory.append(model.weight.item); return Double(abs(model.weight.item - 1.5)) })
        let best = try #require(history.best)
        #expect(best.step > 1 && best.step < 40)
        #expect(model.weight.item == trajectory[best.step - 1])
        #expect(abs(Double(model.weight.item) - 1.5) == best.loss)
    }

    @Test func jsonLinesHaveOneObjectPerStepWithTheScheduledRate() throws {
        var history = TrainingHistory()
        history.losses = [3, 2.5, 2]
        history.evaluations = [(step: 2, loss: 2.75)]
        let lines = history.jsonLines(schedule: .step(at: 2, factor: 0.1), learningRate: 0.1).split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Double]) }
        #expect(objects[1] == ["step": 2, "loss": 2.5, "lr": 0.1, "val_loss": 2.75])
        #expect(abs(objects[2]["lr"]! - 0.01) < 1e-12 && objects[2]["val_loss"] == nil)
    }
}

@Suite struct InterruptCLITests {
    @Test func ctrlCStopsTrainingPrintsLossesSavesAndExits130() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data((0..<100).map { ["ann", "bob", "cy"][$0 % 3] }.joined(separator: "\n").utf8).write(to: directory.appendingPathComponent("toy.txt"))
        let process = Process()
        process.executableURL = CLI.binary
        // The first validation note on stderr ("step 1: val loss …") comes from the training
        // loop, so the Ctrl-C handler is installed by then: the signal is sent only after it.
        process.arguments = ["mlp", "--input", "toy.txt", "--steps", "100000000", "--eval-every", "1", "--save", "m.safetensors", "--samples", "1"]
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var stderr = Data()
        while !String(decoding: stderr, as: UTF8.self).contains("val loss") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stderr.append(chunk)
        }
        #expect(String(decoding: stderr, as: UTF8.self).contains("step 1: val loss"))
        process.interrupt()
        let drain = Thread { _ = err.fileHandleForReading.readDataToEndOfFile() }
        drain.start()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(stdout.contains("val   NLL"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.safetensors").path))
    }
}
