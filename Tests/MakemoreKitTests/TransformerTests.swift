import Foundation
import Testing
@testable import MakemoreKit

@Suite struct TransformerTests {
    static func tinyModel(seed: UInt64 = 1, dropout: Double = 0, layers: Int = 2) -> Transformer {
        var g = RandomGenerator(seed: seed)
        let configuration = TransformerConfiguration(vocabularySize: 5, blockSize: 8, layers: layers, heads: 2, embedding: 8, dropout: dropout)
        return Transformer(configuration: configuration, using: &g)
    }

    @Test func presetHasMakemoresParametersAndKeys() throws {
        var g = RandomGenerator(seed: 1)
        let model = Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 16), using: &g)
        #expect(model.parameterCount == 204_544)
        let block = ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
                     "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
                     "mlp.c_proj.weight", "mlp.c_proj.bias"]
        let keys = ["transformer.wte.weight", "transformer.wpe.weight"]
            + (0..<4).flatMap { i in block.map { "transformer.h.\(i).\($0)" } }
            + ["transformer.ln_f.weight", "transformer.ln_f.bias", "lm_head.weight"]
        #expect(model.namedParameters().map(\.name) == keys)
        let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor.shape) })
        #expect(shapes["transformer.wpe.weight"] == [16, 64] && shapes["transformer.h.3.attn.c_attn.weight"] == [192, 64])
        #expect(shapes["transformer.h.0.mlp.c_proj.weight"] == [64, 256] && shapes["lm_head.weight"] == [27, 64])
        // PyTorch default init: LayerNorm 1 / 0, Linear U(±1/√fan_in).
        #expect(model.finalNorm.weight.values.allSatisfy { $0 == 1 } && model.finalNorm.bias.values.allSatisfy { $0 == 0 })
        #expect(model.blocks[0].mlp.projection.weight.values.allSatisfy { abs($0) <= 1 / 16 })
    }

    @Test func configurationUsesSnakeCaseKeys() throws {
        let configuration = TransformerConfiguration(vocabularySize: 27, blockSize: 16, dropout: 0.1)
        let json = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        for key in ["vocab_size", "block_size", "n_layer", "n_head", "n_embd", "dropout"] { #expect(json.contains("\"\(key)\"")) }
        #expect(try JSONDecoder().decode(TransformerConfiguration.self, from: Data(json.utf8)) == configuration)
    }

    @Test func futureTokensNeverChangeEarlierLogits() {
        ModelTesting.expectCausal(Self.tinyModel())
    }

    @Test func packingMatchesScoringEachWordAlone() {
        let model = Self.tinyModel()
        let words: [[Int32]] = [[1, 2], [], [3, 3, 3, 4, 2, 1, 4], [2]]
        let together = model.nextTokenLogProbabilities(words: words)
        expectClose(together, words.flatMap { model.nextTokenLogProbabilities(words: [$0]) })
    }

    @Test func keyValueCacheMatchesTheFullForwardAtEveryStep() {
        let model = Self.tinyModel(layers: 3)
        let word: [Int32] = [4, 1, 1, 3, 2, 4, 2]
        let full = model.nextTokenLogProbabilities(words: [word])
        for other in [[], [2, 2]] as [[Int32]] {  // a different word in between resets the cache
            for t in 0...word.count {
                let cached = model.nextTokenLogProbabilities(after: Array(word.prefix(t)))
                let reference = Array(full[(t * 5)..<((t + 1) * 5)])
                #expect(zip(cached, reference).allSatisfy { abs($0 - $1) <= 1e-5 }, "step \(t): \(cached) vs \(reference)")
            }
            _ = model.nextTokenLogProbabilities(after: other)
        }
        // Asking again after the parameters changed recomputes instead of reusing stale keys.
        let prefix = Array(word.prefix(3))
        _ = model.nextTokenLogProbabilities(after: prefix)
        model.positionEmbedding.weight.copy(from: model.positionEmbedding.weight.values.map { $0 * 2 })
        let recomputed = Array(model.nextTokenLogProbabilities(words: [word])[15..<20])
        let cached = model.nextTokenLogProbabilities(after: prefix)
        #expect(zip(cached, recomputed).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    @Test func batchDecoderMatchesTheFullForwardForEverySlot() {
        let model = Self.tinyModel(layers: 3)
        let words: [[Int32]] = [[4, 1, 1, 3, 2, 4, 2], [2], [3, 3, 1], [1, 4, 4, 2]]
        let full = words.map { model.nextTokenLogProbabilities(words: [$0]) }
        let decoder = model.makeBatchDecoder(capacity: 3)
        // Slot s grows word s; when word 1 ends, its slot is reset and grows word 3. The slots
        // therefore sit at different positions at every step, as in batched sampling.
        var wordInSlot = [0, 1, 2], fed = [0, 0, 0]
        while true {
            let slots = (0..<3).filter { fed[$0] <= words[wordInSlot[$0]].count }.reversed().map { $0 }
            if slots.isEmpty { break }
            let tokens = slots.map { slot in fed[slot] == 0 ? Vocabulary.boundary : words[wordInSlot[slot]][fed[slot] - 1] }
            let rows = decoder.append(tokens, to: slots)
            for (row, slot) in slots.enumerated() {
                let w = wordInSlot[slot], t = fed[slot]
                expectClose(Array(rows[(row * 5)..<((row + 1) * 5)]), Array(full[w][(t * 5)..<((t + 1) * 5)]))
                fed[slot] += 1
                if w == 1 && fed[slot] > words[1].count {
                    decoder.reset(slot: slot)
                    (wordInSlot[slot], fed[slot]) = (3, 0)
                }
            }
        }
    }

    /// The transformer seen only as a `LanguageModel`: sampled one word at a time.
    struct OneWordAtATime: LanguageModel {
        let model: Transformer
        var vocabularySize: Int { model.vocabularySize }
        var maximumWordLength: Int? { model.maximumWordLength }
        func nextTokenLogProbabilities(words: [[Int32]]) -> [Float] { model.nextTokenLogProbabilities(words: words) }
        func nextTokenLogProbabilities(after prefix: [Int32]) -> [Float] { model.nextTokenLogProbabilities(after: prefix) }
    }

    @Test func batchedSamplingKeepsEachWordsSemantics() throws {
        let model = Self.tinyModel(layers: 2)
        for options in [SamplingOptions(), SamplingOptions(temperature: 0.7, topK: 3, prefix: [2, 3])] {
            // A batch of one draws in the one-word-at-a-time order: the very same words.
            var single = options
            single.batchSize = 1
            var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
            let reference = try Sampler.generate(OneWordAtATime(model: model), count: 40, options: options, using: &a)
            #expect(try Sampler.generate(model, count: 40, options: single, using: &b) == reference)
            // Larger batches: reproducible, prefixed, within the block size.
            var batched = options
            batched.batchSize = 16
            var c = RandomGenerator(seed: 7), d = RandomGenerator(seed: 7)
            let words = try Sampler.generate(model, count: 40, options: batched, using: &c)
            #expect(try words == Sampler.generate(model, count: 40, options: batched, using: &d))
            #expect(words.count == 40 && words.allSatisfy { $0.starts(with: options.prefix) && $0.count <= 7 })
            #expect(words.contains { $0.count == 7 } && !words.allSatisfy { $0 == words[0] })
        }
    }

    @Test func wholeModelGradients() {
        let model = Self.tinyModel(layers: 1)
        let batch = PackedSequences(words: [[1, 2, 3], [4]])
        GradientCheck().expectCorrect(model.parameters) { _ in model.loss(batch) }
    }

    @Test func paddedBatchesPackWithoutTheirPadding() throws {
        let words: [[Int32]] = [[1, 2], [3], [2, 2, 2]]
        let examples = try SequenceExamples(words: words, blockSize: 5)
        let packed = PackedSequences(paddedInputs: examples.inputs, paddedTargets: examples.targets, blockSize: 5)
        #expect(packed == PackedSequences(words: words))
        #expect(packed.starts == [0, 3, 5, 9] && packed.positions == [0, 1, 2, 0, 1, 0, 1, 2, 3])
        #expect(packed.split(into: 2).map(\.count) == [2, 1] && packed.split(into: 2).map(\.rows) == [5, 4])
    }

    @Test func dataParallelGradientsEqualOnePass() {
        let single = Self.tinyModel(seed: 3)
        let batch = PackedSequences(words: [[1, 2, 3], [4], [2, 2, 1, 1], [3, 1]])
        single.loss(batch).backward()
        let primary = Self.tinyModel(seed: 3)
        let parallel = DataParallel(models: [primary, Self.tinyModel(seed: 9)])
        let shares = batch.split(into: 2)
        let loss = parallel.gradients(counts: shares.map(\.rows)) { model, share in model.loss(shares[share]) }
        expectClose([loss], [Tensor.withoutGradient { single.loss(batch).item }])
        for (a, b) in zip(single.parameters, primary.parameters) { expectClose(a.gradValues!, b.gradValues!) }
    }

    @Test func learnsARepeatingPatternToNearZeroLoss() throws {
        var g = RandomGenerator(seed: 5)
        let model = Transformer(configuration: TransformerConfiguration(vocabularySize: 4, blockSize: 10, layers: 1, heads: 2, embedding: 16), using: &g)
        let batch = PackedSequences(words: Array(repeating: [1, 2, 3, 1, 2, 3, 1, 2, 3], count: 4))
        var configuration = OptimizerConfiguration(kind: .adamw)
        configuration.beta2 = 0.99
        let history = try TrainingLoop(steps: 150, learningRate: 1e-2).run(
            optimizer: Optimizer(parameters: model.parameters, configuration: configuration), loss: { _ in model.loss(batch) })
        #expect(history.losses.last! < 0.02, "final loss \(history.losses.last!)")
    }

    @Test func trainingIsDeterministicUnderASeed() throws {
        func train() throws -> [Float] {
            let model = Self.tinyModel(seed: 11, dropout: 0.2)
            let batch = PackedSequences(words: [[1, 2, 3], [4, 4], [2, 1]])
            _ = try TrainingLoop(steps: 5, learningRate: 1e-2).run(
                optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .adamw)),
                loss: { _ in model.loss(batch) })
            return model.parameters.flatMap(\.values)
        }
        #expect(try train() == train())
    }
}
