import Foundation
import Testing
@testable import MakemoreKit

/// `makemore micrograd` through the binary: the notes' numbers, the training run, the graph.
@Suite struct MicrogradCLITests {
    @Test func workedExamplesPrintTheNotesNumbers() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["micrograd", "--json", "--steps", "30", "--plot-graph", "neuron.svg"], in: directory)
        #expect(result.status == 0 && result.stderr.isEmpty)
        let json = try JSONParser.parse(result.stdout)
        let derivative = try #require(json["derivative"])
        #expect(abs(derivative["numeric"]!.doubleValue! - 14.0003) < 1e-6)  // rise over run, h = 0.0001
        #expect(derivative["analytic"]!.doubleValue! == 14 && derivative["backward"]!.doubleValue! == 14)
        let partials = try #require(json["partials"]?["gradient"]?.arrayValue)
        #expect(partials.compactMap { $0.doubleValue } == [-3, 2, 1])
        let expression = try #require(json["expression"])
        #expect(expression["L"]!.doubleValue! == -8)
        let gradient = try #require(expression["gradient"])
        #expect([gradient["w1"], gradient["w2"], gradient["w3"], gradient["w6"]].map { $0?.doubleValue } == [6, -4, -2, 4])
        let neuron = try #require(json["neuron"])
        #expect(abs(neuron["o"]!.doubleValue! - 0.5.squareRoot()) < 1e-9)
        #expect(abs(neuron["exp_form_o"]!.doubleValue! - 0.5.squareRoot()) < 1e-9)
        let neuronGradient = try #require(neuron["gradient"])
        for (name, expected) in [("x1", -1.5), ("w1", 1.0), ("x2", 0.5), ("w2", 0.0), ("b", 0.5)] {
            #expect(abs(neuronGradient[name]!.doubleValue! - expected) < 1e-9, "\(name)")
        }
        let losses = try #require(json["training"]?["losses"]?.arrayValue).compactMap { $0.doubleValue }
        #expect(losses.count == 30 && losses.last! < losses.first! / 4)
        #expect(json["training"]?["parameters"]?.intValue == 41)
        let svg = try String(contentsOf: directory.appendingPathComponent("neuron.svg"), encoding: .utf8)
        #expect(svg.contains(">grad -1.5000</text>") && svg.contains(">data 0.7071</text>") && svg.contains(">tanh</text>"))
    }

    @Test func trainingIsSeededAndQuietKeepsFirstAndLastLoss() throws {
        let a = try CLI.run(["micrograd", "--steps", "5", "--seed", "3"])
        let b = try CLI.run(["micrograd", "--steps", "5", "--seed", "3"])
        let other = try CLI.run(["micrograd", "--steps", "5", "--seed", "4"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout != other.stdout)
        #expect(a.stdout.contains("numeric (f(x + h) − f(x)) / h, h = 0.0001: 14.0003"))
        #expect(a.stdout.components(separatedBy: "  loss ").count - 1 == 5)
        let quiet = try CLI.run(["micrograd", "--steps", "5", "--seed", "3", "--quiet"])
        let stepLines = quiet.stdout.split(separator: "\n").filter { $0.contains("  loss ") }
        #expect(stepLines.count == 2 && stepLines[0].contains("step   1") && stepLines[1].contains("step   5"))
    }

    @Test(arguments: [["micrograd", "--steps", "-1"], ["micrograd", "--x", "abc"], ["micrograd", "--h", "0"], ["micrograd", "word"]])
    func usageErrorsExit64(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64 && result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasSuffix("(see 'makemore micrograd --help')\n"))
    }

    /// Checked before any work, like every output (issue 22): a usage error, nothing printed.
    @Test func unwritableGraphIsAUsageErrorUpFront() throws {
        let result = try CLI.run(["micrograd", "--steps", "1", "--plot-graph", "/nonexistent-dir/graph.svg"])
        #expect(result.status == 64 && result.stderr.split(separator: "\n").count == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("/nonexistent-dir/graph.svg"))
    }
}
