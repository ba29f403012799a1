import Testing
@testable import MakemoreKit

/// Checks shared by the tests of several models.
enum ModelTesting {
    /// Random words over 26 letters, the shape of names.txt.
    static func words(count: Int, seed: UInt64) -> [[Int32]] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { _ in (0..<(2 + generator.integer(below: 6))).map { _ in Int32(1 + generator.integer(below: 26)) } }
    }

    /// A window network (MLP, WaveNet) of `configuration` trained `steps` SGD steps (lr 0.1,
    /// batches of 32) on `words`, everything seeded by `seed`.
    static func train<M: WindowNetwork & TrainableModel>(
        _ configuration: M.Configuration, words: [[Int32]], seed: UInt64, steps: Int
    ) throws -> (M, TrainingHistory) {
        var generator = RandomGenerator(seed: seed)
        let model = M(configuration: configuration, using: &generator)
        let examples = WindowExamples(words: words, contextLength: configuration.contextLength)
        var contexts: [Int32] = [], targets: [Int32] = []
        var sampler = BatchSampler(count: examples.count)
        let history = try TrainingLoop(steps: steps, learningRate: 0.1).run(
            optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .sgd)),
            loss: { _ in
                examples.sampleBatch(size: 32, from: &sampler, using: &generator, contexts: &contexts, targets: &targets)
                return model.loss(contexts: contexts, targets: targets)
            })
        return (model, history)
    }

    /// 150 steps on a four-word toy language lower the loss by 40 % and more; the same seed
    /// gives the same run, another seed another one.
    static func expectShortRunLearnsDeterministically<M: WindowNetwork & TrainableModel>(_ configuration: M.Configuration, as _: M.Type) throws {
        let words = [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 1, 2, 2]].map { $0.map(Int32.init) }
        let (a, historyA): (M, TrainingHistory) = try train(configuration, words: words, seed: 7, steps: 150)
        let (b, historyB): (M, TrainingHistory) = try train(configuration, words: words, seed: 7, steps: 150)
        let (other, _): (M, TrainingHistory) = try train(configuration, words: words, seed: 8, steps: 150)
        #expect(historyA.losses == historyB.losses)
        #expect(a.stateDict().map(\.tensor.values) == b.stateDict().map(\.tensor.values))
        #expect(a.stateDict().map(\.tensor.values) != other.stateDict().map(\.tensor.values))
        let initial = historyA.losses.prefix(10).reduce(0, +) / 10, final = historyA.losses.suffix(10).reduce(0, +) / 10
        #expect(final < initial * 0.6)
        #expect(try #require(Evaluator.evaluate(a, words: words)).nll < Double(initial))
    }

    /// Moves every BatchNorm's γ, β and running statistics well away from 1, 0, 0, 1, so that
    /// every term of a fold matters.
    static func perturbBatchNorms(of network: Sequential, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        for norm in network.layers.compactMap({ $0 as? BatchNorm1d }) {
            norm.weight.copy(from: norm.weight.values.map { $0 + Float(generator.normal()) * 0.3 })
            norm.bias.copy(from: norm.bias.values.map { $0 + Float(generator.normal()) * 0.3 })
            norm.runningMean.copy(from: norm.runningMean.values.map { $0 + Float(generator.normal()) })
            norm.runningVar.copy(from: norm.runningVar.values.map { $0 * Float(0.2 + 2 * generator.uniform()) })
        }
    }

    /// Changing a token of a word changes the predictions after it and none before it (the
    /// vocabulary must have at least 5 tokens).
    static func expectCausal(_ model: some LanguageModel) {
        let word: [Int32] = [1, 2, 3, 4, 1, 2]
        let before = model.nextTokenLogProbabilities(words: [word])
        for changed in word.indices {
            var other = word
            other[changed] = other[changed] % 4 + 1
            let after = model.nextTokenLogProbabilities(words: [other])
            let unaffected = (changed + 1) * model.vocabularySize  // row i has seen tokens 0..<i of the word
            #expect(Array(after.prefix(unaffected)) == Array(before.prefix(unaffected)))
            #expect(Array(after.dropFirst(unaffected)) != Array(before.dropFirst(unaffected)))
        }
    }
}
