import Foundation
import Testing
@testable import MakemoreKit

/// The LSTM: its fused recurrence against finite differences and against PyTorch's
/// `nn.LSTMCell` formula written with primitive ops (gates i, f, g, o as row blocks of
/// `weight_ih` / `weight_hh`), its state-dict keys and shapes, decoding, learning, checkpoints.
@Suite struct LSTMTests {
    static let layout = RecurrentCellTests.layout
    static let (e, h) = (3, 4)

    /// inputs, weight_ih, weight_hh, bias_ih, bias_hh, start.
    static func inputs() -> [Tensor] {
        [randomTensor([layout.rows, e], seed: 1), randomTensor([4 * h, e], std: 0.5, seed: 2), randomTensor([4 * h, h], std: 0.5, seed: 3),
         randomTensor([4 * h], std: 0.5, seed: 4), randomTensor([4 * h], std: 0.5, seed: 5), randomTensor([1, h], std: 0.5, seed: 6)]
    }

    static func fused(_ t: [Tensor], startCell: Tensor? = nil) -> Tensor {
        lstmRecurrence(t[0], weightIH: t[1], weightHH: t[2], biasIH: t[3], biasHH: t[4], start: t[5], startCell: startCell, layout: layout).hidden
    }

    /// PyTorch's documented `nn.LSTMCell`, step by step for each sequence.
    static func reference(_ t: [Tensor], startCell: Tensor? = nil) -> Tensor {
        var cell = startCell ?? .zeros(shape: [1, h])
        return RecurrentCellTests.reference(t[0], start: t[5]) { x, hidden in
            func gate(_ k: Int) -> Tensor {
                let rows = (k * h)..<((k + 1) * h)
                return linear(x, weight: t[1].rows(rows), bias: t[3].rows(rows)) + linear(hidden, weight: t[2].rows(rows), bias: t[4].rows(rows))
            }
            let (i, f, g, o) = (gate(0).sigmoid(), gate(1).sigmoid(), gate(2).tanh(), gate(3).sigmoid())
            if hidden === t[5] { cell = startCell ?? .zeros(shape: [1, h]) }  // a new sequence starts from (start, startCell)
            cell = f * cell + i * g
            return o * cell.tanh()
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        GradientCheck().expectCorrect(Self.inputs()) { Self.fused($0) }
    }

    @Test func matchesPyTorchsCellFormula() {
        RecurrentCellTests().expectSameValuesAndGradients(Self.inputs(), { Self.fused($0) }, { Self.reference($0) })
        let startCell = randomTensor([1, Self.h], seed: 7, requiresGrad: false)
        let t = Self.inputs()
        expectClose(Self.fused(t, startCell: startCell).values, Self.reference(t, startCell: startCell).values)
    }

    static func model(seed: UInt64 = 1) throws -> LSTM {
        var g = RandomGenerator(seed: seed)
        return try LSTM(configuration: SequenceModelConfiguration(vocabularySize: 5, blockSize: 10, embedding: 3, hidden: 4), using: &g)
    }

    @Test func keysAndShapesAreNNLSTMCells() throws {
        var g = RandomGenerator(seed: 1)
        let model = try LSTM(configuration: SequenceModelConfiguration(vocabularySize: 27, blockSize: 16), using: &g)
        let shapes = model.namedParameters().map { "\($0.name) \($0.tensor.shape)" }
        #expect(shapes == ["start [1, 64]", "wte.weight [27, 64]", "cell.weight_ih [256, 64]", "cell.weight_hh [256, 64]",
                           "cell.bias_ih [256]", "cell.bias_hh [256]", "lm_head.weight [27, 64]", "lm_head.bias [27]"])
        #expect(model.parameterCount == 36_827)
        #expect(Double(model.parameterCount) == LSTM.stateElementCount(configuration: model.configuration, vocabularySize: 27))
        #expect(model.cell.parameters.allSatisfy { $0.values.allSatisfy { abs($0) <= 0.125 } })  // U(−1/√64, 1/√64)
    }

    @Test func wholeModelGradients() throws {
        let model = try Self.model(), batch = PackedSequences(words: [[1, 2, 3], [4], [2, 1]])
        GradientCheck().expectCorrect(model.parameters) { _ in model.loss(batch) }
    }

    @Test func isCausalAndDecodesLikeTheFullForward() throws {
        let model = try Self.model()
        ModelTesting.expectCausal(model)
        ModelTesting.expectIncrementalDecodingMatchesTheFullForward(model)
        ModelTesting.expectBatchDecoderMatchesTheFullForward(model)
        try ModelTesting.expectBatchedSamplingKeepsEachWordsSemantics(model)
        let words: [[Int32]] = [[1, 2], [], [3, 3, 3, 4, 2, 1, 4], [2], [4, 4]]
        expectClose(model.nextTokenLogProbabilities(words: words), words.flatMap { model.nextTokenLogProbabilities(words: [$0]) })
    }

    @Test func learnsAToyLanguage() throws {
        var g = RandomGenerator(seed: 5)
        let model = try LSTM(configuration: SequenceModelConfiguration(vocabularySize: 4, blockSize: 10, embedding: 8, hidden: 16), using: &g)
        #expect(try RecurrentModelTests.finalLoss(model, model.loss) < 0.05)  // ln 4 = 1.386 at chance
    }

    @Test func checkpointRoundTripsWithIdenticalLogits() throws {
        let model = try Self.model(seed: 3), words: [[Int32]] = [[1, 2, 3], [3, 1], []]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lstm-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let record = SplitRecord(input: "/data/w.txt", directory: nil, seed: 7, valFraction: 0.1, testFraction: 0.2)
        try Checkpoint(model: model, vocabulary: Vocabulary(words: ["abcd"]), split: record, step: 2, valLoss: nil).write(to: path)
        let restored = try Checkpoint.read(path: path).restore(LSTM.self, source: path)
        #expect(restored.nextTokenLogProbabilities(words: words) == model.nextTokenLogProbabilities(words: words))
    }
}
