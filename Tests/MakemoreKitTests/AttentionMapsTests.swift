import Testing
@testable import MakemoreKit

/// `Transformer.attentionMaps(for:)` against the attention recomputed from each layer's weights
/// with the test oracles, and `causalAttentionProbabilities` against the fused op it explains.
@Suite struct AttentionMapsTests {
    /// Each block's attention probabilities recomputed by hand: the block input of the
    /// evaluation-mode forward (embeddings, then the earlier blocks), `ln_1`, then q, k from
    /// `c_attn`'s weight and bias with the oracle matmul, q·kᵀ/√hs, the causal mask and the
    /// oracle softmax. maps[layer][head][query][key].
    static func recomputedMaps(_ model: Transformer, word: [Int32]) -> [[[[Float]]]] {
        let tokens = [Vocabulary.boundary] + word, t = tokens.count, c = model.configuration.embedding
        let heads = model.configuration.heads, hs = c / heads
        let wte = model.tokenEmbedding.weight.values
        let wpe = switch model.positionEncoding {
        case .learned(let table): table.weight.values
        case .sinusoidal(let table): table.values
        }
        var x = Tensor(shape: [t, c], values: tokens.enumerated().flatMap { position, token in
            (0..<c).map { wte[Int(token) * c + $0] + wpe[position * c + $0] }
        })
        var maps: [[[[Float]]]] = []
        model.evaluating {
            for block in model.blocks {
                let h = block.attentionNorm(x)  // (T, C)
                let linear = block.attention.attention, bias = linear.bias!.values
                let projected = matmul(h, linear.weight, transposeB: true).values  // (T, 3C)
                let qkv = Tensor(shape: [t, 3 * c], values: projected.enumerated().map { $0.element + bias[$0.offset % (3 * c)] })
                func split(_ i: Int) -> Tensor {  // (nh, T, hs)
                    qkv.sliced(axis: 1, i * c..<(i + 1) * c).reshaped([t, heads, hs]).permuted([1, 0, 2])
                }
                let p = matmul(split(0), split(1), transposeB: true).scaled(by: 1 / Float(hs).squareRoot())
                    .softmax(causal: true).values  // (nh, T, T)
                maps.append((0..<heads).map { head in (0..<t).map { q in Array(p[(head * t + q) * t..<(head * t + q + 1) * t]) } })
                x = block(x, .packed(sequenceStarts: [0, t]))
            }
        }
        return maps
    }

    /// Rows are distributions over the past, the future exactly 0, and the values equal the
    /// recomputation.
    static func check(_ model: Transformer, word: [Int32]) {
        let maps = model.attentionMaps(for: word), t = word.count + 1
        #expect(maps.count == model.configuration.layers && maps.allSatisfy { $0.count == model.configuration.heads })
        for map in maps.joined() {
            #expect(map.count == t && map.allSatisfy { $0.count == t })
            for (query, row) in map.enumerated() {
                #expect(abs(row[0...query].reduce(0, +) - 1) < 1e-5)
                #expect(row[(query + 1)...].allSatisfy { $0 == 0 })
                #expect(row[0...query].allSatisfy { $0 > 0 })
            }
        }
        let expected = recomputedMaps(model, word: word)
        expectClose(maps.joined().joined().flatMap { $0 }, expected.joined().joined().flatMap { $0 })
    }

    @Test func sinusoidalReLUTransformerMapsEqualTheRecomputation() throws {
        var g = RandomGenerator(seed: 8)
        let configuration = TransformerConfiguration(vocabularySize: 5, blockSize: 8, layers: 2, heads: 2, embedding: 8,
                                                     positions: .sinusoidal, activation: .relu)
        Self.check(try Transformer(configuration: configuration, using: &g), word: [4, 2, 2, 1])
    }

    @Test func toyTransformerMapsEqualTheRecomputation() throws {
        var g = RandomGenerator(seed: 7)
        let configuration = TransformerConfiguration(vocabularySize: 5, blockSize: 8, layers: 2, heads: 2, embedding: 8, dropout: 0.2)
        let model = try Transformer(configuration: configuration, using: &g)
        model.setTraining(true)
        Self.check(model, word: [1, 2, 3, 3, 4, 1])
        #expect(model.blocks[0].attention.attentionDropout.isTraining, "the maps run in evaluation mode and restore the mode")
        let single = model.attentionMaps(for: [])
        #expect(single.joined().allSatisfy { $0 == [[1]] }, "the start boundary can only attend to itself")
    }

    /// makemore.py's transformer (2 layers, 2 heads) from its `model.pt`.
    @Test func makemoreTransformerMapsEqualTheRecomputation() throws {
        let model = try #require(try GoldenFixture.model("transformer", "model.pt").model as? Transformer)
        let vocabulary = Vocabulary(characters: Array("abcdefghijklmnopqrstuvwxyz"))
        Self.check(model, word: try vocabulary.encode("isabella"))
    }

    /// The probabilities are the ones the fused op weighs v by: P·v equals its output.
    @Test func probabilitiesTimesValuesGiveTheFusedOutput() {
        let heads = 2, t = 5, c = 6
        let qkv = randomTensor([t, 3 * c], seed: 11, requiresGrad: false)
        let p = causalAttentionProbabilities(qkv: qkv, heads: heads)  // (nh, T, T)
        #expect(p.shape == [heads, t, t])
        let v = qkv.sliced(axis: 1, 2 * c..<3 * c).reshaped([t, heads, c / heads]).permuted([1, 0, 2])  // (nh, T, hs)
        let composed = matmul(p, v).permuted([1, 0, 2]).reshaped([t, c])
        expectClose(composed.values, causalSelfAttention(qkv: qkv, heads: heads, sequenceStarts: [0, t]).values)
    }
}
