import Foundation
import Testing
@testable import MakemoreKit

@Suite struct TransformerTests {
    static func tinyModel(seed: UInt64 = 1, dropout: Double = 0, layers: Int = 2) throws -> Transformer {
        var g = RandomGenerator(seed: seed)
        let configuration = TransformerConfiguration(vocabularySize: 5, blockSize: 8, layers: layers, heads: 2, embedding: 8, dropout: dropout)
        return try Transformer(configuration: configuration, using: &g)
    }

    @Test func presetHasMakemoresParametersAndKeys() throws {
        var g = RandomGenerator(seed: 1)
        let model = try Transformer(configuration: TransformerConfiguration(vocabularySize: 27, blockSize: 16), using: &g)
        #expect(model.parameterCount == 204_544)
        let block = ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
                     "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
                     "mlp.c_proj.weight", "mlp.c_proj.bias"]
        let keys = ["transformer.wte.weight", "transformer.wpe.weight"]
            + (0..<4).flatMap { i in block.map { "transformer.h.\(i).\($0)" } }
            + ["transformer.ln_f.weight", "transformer.ln_f.bias", "lm_head.weight"]
        #expect(model.namedParameters().map(\.name) == keys)
        #expect(model.parameters.map(ObjectIdentifier.init) == model.namedParameters().map { ObjectIdentifier($0.tensor) })
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

    @Test func futureTokensNeverChangeEarlierLogits() throws {
        ModelTesting.expectCausal(try Self.tinyModel())
    }

    @Test func packingMatchesScoringEachWordAlone() throws {
        let model = try Self.tinyModel()
        let words: [[Int32]] = [[1, 2], [], [3, 3, 3, 4, 2, 1, 4], [2]]
        let together = model.nextTokenLogProbabilities(words: words)
        expectClose(together, words.flatMap { model.nextTokenLogProbabilities(words: [$0]) })
    }

    @Test func keyValueCacheMatchesTheFullForwardAtEveryStep() throws {
        let model = try Self.tinyModel(layers: 3)
        ModelTesting.expectIncrementalDecodingMatchesTheFullForward(model)
        // A decoder made after the parameters changed sees the new ones.
        let word: [Int32] = [4, 1, 1]
        guard case .learned(let positions) = model.positionEncoding else { Issue.record("learned positions expected"); return }
        positions.weight.copy(from: positions.weight.values.map { $0 * 2 })
        let recomputed = Array(model.nextTokenLogProbabilities(words: [word])[15..<20])
        let decoder = model.makeBatchDecoder(capacity: 1)
        let cached = ([Vocabulary.boundary] + word).map { decoder.append([$0], to: [0]) }.last!
        expectClose(cached, recomputed)
    }

    @Test func batchDecoderMatchesTheFullForwardForEverySlot() throws {
        ModelTesting.expectBatchDecoderMatchesTheFullForward(try Self.tinyModel(layers: 3))
    }

    @Test func batchedSamplingKeepsEachWordsSemantics() throws {
        try ModelTesting.expectBatchedSamplingKeepsEachWordsSemantics(Self.tinyModel(layers: 2))
    }

    @Test func samplesInBatchesByDefaultAndDecodesInEvaluationMode() throws {
        let model = try Self.tinyModel(dropout: 0.5)
        #expect(model.defaultSamplingBatchSize == 256)
        let word: [Int32] = [2, 3]
        let decoder = model.makeBatchDecoder(capacity: 1)
        let decoded = ([Vocabulary.boundary] + word).map { decoder.append([$0], to: [0]) }.last!
        #expect(model.modeDependentModules.allSatisfy { $0.isTraining })  // decoding left the mode alone
        expectClose(decoded, Array(model.nextTokenLogProbabilities(words: [word]).suffix(5)))
    }

    @Test func setTrainingReachesEveryDropoutAndEvaluatingRestoresIt() throws {
        let model = try Self.tinyModel(dropout: 0.2, layers: 2)
        let dropouts = model.modeDependentModules
        #expect(dropouts.count == 1 + 3 * 2 && dropouts.allSatisfy { $0 is Dropout })  // drop; attn, resid, mlp per block
        model.setTraining(false)
        #expect(dropouts.allSatisfy { !$0.isTraining })
        model.setTraining(true)
        let inside = model.evaluating { dropouts.map(\.isTraining) }
        #expect(inside.allSatisfy { !$0 } && dropouts.allSatisfy { $0.isTraining })
        let batch = PackedSequences(words: [[1, 2, 3], [4, 4]])
        #expect(model.evaluating { model.logits(batch).values } == model.evaluating { model.logits(batch).values })
        #expect(Tensor.withoutGradient { model.logits(batch).values } != Tensor.withoutGradient { model.logits(batch).values })
    }

    @Test func wholeModelGradients() throws {
        let model = try Self.tinyModel(layers: 1)
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

    @Test func dataParallelGradientsEqualOnePass() throws {
        let single = try Self.tinyModel(seed: 3)
        let batch = PackedSequences(words: [[1, 2, 3], [4], [2, 2, 1, 1], [3, 1]])
        single.loss(batch).backward()
        let primary = try Self.tinyModel(seed: 3)
        let parallel = DataParallel(models: [primary, try Self.tinyModel(seed: 9)])
        let shares = batch.split(into: 2)
        let loss = parallel.gradients(counts: shares.map(\.rows)) { model, share in model.loss(shares[share]) }
        expectClose([loss], [Tensor.withoutGradient { single.loss(batch).item }])
        for (a, b) in zip(single.parameters, primary.parameters) { expectClose(a.gradValues!, b.gradValues!) }
    }

    /// The replicas read the primary's parameter values, with no copy per step: an update of the
    /// primary (the optimizer's) is what every replica computes with next.
    @Test func replicasShareThePrimarysValues() throws {
        let primary = try Self.tinyModel(seed: 3), replica = try Self.tinyModel(seed: 9)
        _ = DataParallel(models: [primary, replica])
        #expect(zip(primary.parameters, replica.parameters).allSatisfy { $0.values == $1.values })
        let weight = primary.parameters[0]
        weight.copy(from: weight.values.map { $0 + 1 })
        #expect(replica.parameters[0].values == weight.values)
    }

    @Test func learnsARepeatingPatternToNearZeroLoss() throws {
        var g = RandomGenerator(seed: 5)
        let model = try Transformer(configuration: TransformerConfiguration(vocabularySize: 4, blockSize: 10, layers: 1, heads: 2, embedding: 16), using: &g)
        let batch = PackedSequences(words: Array(repeating: [1, 2, 3, 1, 2, 3, 1, 2, 3], count: 4))
        var configuration = OptimizerConfiguration(kind: .adamw)
        configuration.beta2 = 0.99
        let history = try TrainingLoop(steps: 150, learningRate: 1e-2).run(
            optimizer: Optimizer(parameters: model.parameters, configuration: configuration), loss: { _ in model.loss(batch) })
        #expect(history.losses.last! < 0.02, "final loss \(history.losses.last!)")
    }

    @Test func trainingIsDeterministicUnderASeed() throws {
        func train() throws -> [Float] {
            let model = try Self.tinyModel(seed: 11, dropout: 0.2)
            let batch = PackedSequences(words: [[1, 2, 3], [4, 4], [2, 1]])
            _ = try TrainingLoop(steps: 5, learningRate: 1e-2).run(
                optimizer: Optimizer(parameters: model.parameters, configuration: OptimizerConfiguration(kind: .adamw)),
                loss: { _ in model.loss(batch) })
            return model.parameters.flatMap(\.values)
        }
        #expect(try train() == train())
    }
}
