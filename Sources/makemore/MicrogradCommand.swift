import Foundation
import CommandLineOptions
import MakemoreKit

/// `makemore micrograd`: the library's `Micrograd.WalkThrough` (the notes' Part I with real
/// numbers), printed as text or JSON, the tanh neuron's graph drawn on request.
enum MicrogradCommand: Subcommand {
    typealias Limits = Micrograd.WalkThrough.Limits

    static let name = "micrograd"
    static let summary = "micrograd's scalar autograd: the notes' worked derivatives, a tanh neuron, a tiny MLP trained"
    /// What the walk-through computes, read once from the command line.
    struct Options {
        var x = 3.0
        var h = 0.0001
        var steps = 20
        var learningRate = 0.05
        var seed: UInt64 = 42
        var plotGraph: String?
        var quiet = false
        var json = false
    }

    static let options: [Option] = {
        let d = Options()
        return [
            Option("x", value: "X", default: n(d.x), "point at which to differentiate f(x) = 3x² − 4x + 5"),
            Option("h", value: "H", default: n(d.h), "step of the numeric derivatives (rise over run)"),
            Option("steps", value: "N", default: String(d.steps), "gradient-descent steps of the MLP"),
            Option("lr", value: "RATE", default: n(d.learningRate), "learning rate of the MLP"),
            Option("seed", value: "N", default: String(d.seed), "seed of the MLP's initial weights"),
            Option("plot-graph", value: "FILE.svg", "draw the tanh neuron's expression graph (op, data and grad of every node)"),
            Option(flag: "quiet", "print only the first and last loss of training, not every step"),
            Option(flag: "json", "print one JSON object with every number instead of text"),
        ]
    }()

    static func parse(_ arguments: ParsedArguments) throws -> Options {
        var o = Options()
        o.x = try arguments.double("x", in: Limits.x.range) ?? o.x
        o.h = try arguments.double("h", in: Limits.h.range) ?? o.h
        o.steps = try arguments.int("steps", in: Limits.steps.range) ?? o.steps
        o.learningRate = try arguments.double("lr", in: Limits.learningRate.range) ?? o.learningRate
        o.seed = try arguments.seed("seed") ?? o.seed
        o.plotGraph = arguments.string("plot-graph")
        o.quiet = arguments.flag("quiet")
        o.json = arguments.flag("json")
        return o
    }

    static func run(_ options: Options) throws {
        try OutputPath.validate([("plot-graph", options.plotGraph)], inputs: [])
        let walk = try Micrograd.WalkThrough(x: options.x, h: options.h, steps: options.steps, learningRate: options.learningRate,
                                             seed: options.seed, quiet: options.quiet)
        if let path = options.plotGraph {
            try AtomicFile.write(walk.neuronGraph.svg(), to: path)
        }
        print(options.json ? walk.json.serialized : walk.lines.joined(separator: "\n"))
    }

    static func n(_ x: Double) -> String { Micrograd.WalkThrough.shown(x) }
}
