import Testing
@testable import MakemoreKit

/// `MLPTrainingPlan` runs the MLP's step without a graph: its losses, gradients, parameters and
/// running statistics must be the graph's bits, step after step.
@Suite struct MLPTrainingPlanTests {
    static let words: [[Int32]] = [[1, 2, 3, 4], [2, 5, 1], [3, 3, 6, 2, 1], [4, 1], [5, 6, 2, 3]]

    static func model(_ configure: (inout MLPConfiguration) -> Void) throws -> MLP {
        var configuration = MLPConfiguration(vocabularySize: 7)
        configuration.embeddingDimensions = 4
        configuration.hiddenSize = 37
        configure(&configuration)
        var generator = RandomGenerator(seed: 21)
        return try MLP(configuration: configuration, using: &generator)
    }

    @Test(arguments: [0, 1, 2, 3])
    func stepsEqualTheGraphsBitForBit(_ variant: Int) throws {
        let configure: (inout MLPConfiguration) -> Void = { c in
            switch variant {
            case 1: c.batchNorm = false
            case 2: c.hiddenLayers = 3; c.contextLength = 2
            case 3: c.hiddenLayers = 2; c.batchNorm = false; c.initialization = .default
            default: break
            }
        }
        let planned = try Self.model(configure), graphed = try Self.model(configure)
        #expect(MLPTrainingPlan(model: planned) != nil)
        let examples = WindowExamples(words: Self.words, contextLength: planned.contextLength)
        let optimizer = OptimizerConfiguration(kind: .sgd)
        let withPlan = TrainingStep(optimizer: Optimizer(parameters: planned.parameters, configuration: optimizer),
                                    windows: examples, batchSize: 9, network: planned)
        let withGraph = TrainingStep(optimizer: Optimizer(parameters: graphed.parameters, configuration: optimizer),
                                     windows: examples, batchSize: 9) { graphed.loss(contexts: $0, targets: $1) }
        var g1 = RandomGenerator(seed: 4), g2 = RandomGenerator(seed: 4)
        for _ in 0..<6 {
            let a = withPlan(learningRate: 0.1, using: &g1), b = withGraph(learningRate: 0.1, using: &g2)
            #expect(a.bitPattern == b.bitPattern)
            for (p, q) in zip(planned.parameters, graphed.parameters) {
                #expect(p.values == q.values)
                #expect(p.gradValues == q.gradValues)
            }
            #expect(planned.namedBuffers().map(\.tensor.values) == graphed.namedBuffers().map(\.tensor.values))
        }
    }

    @Test func theGraphTakesTheStepsThePlanDoesNotCover() throws {
        let model = try Self.model { _ in }
        let plan = try #require(MLPTrainingPlan(model: model))
        #expect(plan.applies)
        model.setTraining(false)
        #expect(!plan.applies)
        model.setTraining(true)
        model.layers.recordsOutputs = true
        #expect(!plan.applies)
        model.layers.recordsOutputs = false
        model.embedding.weight.requiresGrad = false
        #expect(MLPTrainingPlan(model: model) == nil)
    }
}
