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
        let model = try M(configuration: configuration, using: &generator)
        let examples = WindowExamples(words: words, contextLength: configuration.contextLength)
        var rows: [Int] = [], contexts: [Int32] = [], targets: [Int32] = []
        var sampler = BatchSampler(count: examples.count)
        let history = try TrainingLoop(steps: steps, learningRate: 0.1).run(
            optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .sgd)),
            loss: { _ in
                examples.sampleBatch(size: 32, from: &sampler, using: &generator, rows: &rows, contexts: &contexts, targets: &targets)
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

    /// Decoding a word token by token through a one-slot decoder gives the whole-word
    /// log-probabilities at every step (within 1e-5); after a reset, and another word in between,
    /// the slot starts over. The vocabulary must have at least 5 tokens.
    static func expectIncrementalDecodingMatchesTheFullForward(_ model: some LanguageModel) {
        let word: [Int32] = [4, 1, 1, 3, 2, 4, 2]
        let v = model.vocabularySize
        let full = model.nextTokenLogProbabilities(words: [word])
        let decoder = model.makeBatchDecoder(capacity: 1)
        for other in [[], [2, 2]] as [[Int32]] {
            for (t, token) in ([Vocabulary.boundary] + word).enumerated() {
                expectClose(decoder.append([token], to: [0]), Array(full[(t * v)..<((t + 1) * v)]))
            }
            decoder.reset(slot: 0)
            for token in [Vocabulary.boundary] + other { _ = decoder.append([token], to: [0]) }
            decoder.reset(slot: 0)
        }
    }

    /// A decoder of 3 slots growing 4 words (slot s grows word s; when word 1 ends its slot is
    /// reset and grows word 3, so the slots sit at different positions at every step, as in
    /// batched sampling) gives each word's whole-word log-probabilities for every slot.
    static func expectBatchDecoderMatchesTheFullForward(_ model: some LanguageModel) {
        let words: [[Int32]] = [[4, 1, 1, 3, 2, 4, 2], [2], [3, 3, 1], [1, 4, 4, 2]]
        let v = model.vocabularySize
        let full = words.map { model.nextTokenLogProbabilities(words: [$0]) }
        let decoder = model.makeBatchDecoder(capacity: 3)
        var wordInSlot = [0, 1, 2], fed = [0, 0, 0]
        while true {
            let slots = (0..<3).filter { fed[$0] <= words[wordInSlot[$0]].count }.reversed().map { $0 }
            if slots.isEmpty { break }
            let tokens = slots.map { slot in fed[slot] == 0 ? Vocabulary.boundary : words[wordInSlot[slot]][fed[slot] - 1] }
            let rows = decoder.append(tokens, to: slots)
            for (row, slot) in slots.enumerated() {
                let w = wordInSlot[slot], t = fed[slot]
                expectClose(Array(rows[(row * v)..<((row + 1) * v)]), Array(full[w][(t * v)..<((t + 1) * v)]))
                fed[slot] += 1
                if w == 1 && fed[slot] > words[1].count {
                    decoder.reset(slot: slot)
                    (wordInSlot[slot], fed[slot]) = (3, 0)
                }
            }
        }
    }

    /// A model seen only as a `LanguageModel` scoring whole words: sampled through the
    /// rescoring decoder, one word at a time.
    struct Rescored<Model: LanguageModel>: LanguageModel {
        let model: Model
        var vocabularySize: Int { model.vocabularySize }
        var maximumWordLength: Int? { model.maximumWordLength }
        func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] { model.nextTokenLogProbabilities(words: words) }
    }

    /// Batched sampling keeps each word's semantics: a batch of one draws exactly the words of
    /// whole-word rescoring one word at a time; larger batches are reproducible, keep the
    /// prefix and the length limit, and reach it.
    static func expectBatchedSamplingKeepsEachWordsSemantics(_ model: some LanguageModel) throws {
        let limit = model.maximumWordLength ?? 64
        for options in [SamplingOptions(), SamplingOptions(temperature: 0.7, topK: 3, prefix: [2, 3])] {
            var single = options
            single.batchSize = 1
            var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
            let reference = try Sampler.generate(Rescored(model: model), count: 40, options: options, using: &a)
            #expect(try Sampler.generate(model, count: 40, options: single, using: &b) == reference)
            var batched = options
            batched.batchSize = 16
            var c = RandomGenerator(seed: 7), d = RandomGenerator(seed: 7)
            let words = try Sampler.generate(model, count: 40, options: batched, using: &c)
            #expect(try words == Sampler.generate(model, count: 40, options: batched, using: &d))
            #expect(words.count == 40 && words.allSatisfy { $0.starts(with: options.prefix) && $0.count <= limit })
            #expect(words.contains { $0.count == limit } && !words.allSatisfy { $0 == words[0] })
        }
    }
}
