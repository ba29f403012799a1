import Testing
@testable import MakemoreKit

/// The fused recurrences against finite differences and against makemore.py's per-step loop
/// written with primitive ops, over ragged batches of several time steps.
@Suite struct RecurrentCellTests {
    /// Sequences of 4, 1, 3 and 2 rows: four time steps, running counts 4, 3, 2, 1.
    static let batch = PackedSequences(words: [[1, 2, 3], [], [2, 2], [4]])
    static let layout = TimeMajorLayout(batch)
    static let (e, h) = (3, 4)

    @Test func timeMajorLayoutSortsByLengthAndSkipsPadding() {
        let layout = Self.layout
        #expect(layout.batchSizes == [4, 3, 2, 1] && layout.offsets == [0, 4, 7, 9, 10])
        // Step 0 holds every sequence's first row, longest first (ties keep the batch order).
        #expect(layout.order == [0, 5, 8, 4, 1, 6, 9, 2, 7, 3])
        #expect(layout.order.indices.allSatisfy { layout.inverse[Int(layout.order[$0])] == Int32($0) })
    }

    /// makemore.py's loop: for every sequence, h = start, then h = cell(x_t, h) per row.
    static func reference(_ inputs: Tensor, start: Tensor, cell: (Tensor, Tensor) -> Tensor) -> Tensor {
        var outputs = [Tensor?](repeating: nil, count: layout.rows)
        for s in 0..<batch.count {
            var hidden = start
            for row in batch.starts[s]..<batch.starts[s + 1] {
                let r = Int(layout.inverse[row])
                hidden = cell(inputs.rows(r..<(r + 1)), hidden)
                outputs[r] = hidden
            }
        }
        return concatenated(outputs.map { $0! }, axis: 0)
    }

    static func elmanInputs() -> [Tensor] {
        [randomTensor([layout.rows, e], seed: 1), randomTensor([h, e + h], std: 0.5, seed: 2),
         randomTensor([h], std: 0.5, seed: 3), randomTensor([1, h], std: 0.5, seed: 4)]
    }

    static func gatedInputs() -> [Tensor] {
        [randomTensor([layout.rows, e], seed: 1)] + (0..<3).flatMap { gate in
            [randomTensor([h, e + h], std: 0.5, seed: 10 + UInt64(gate)), randomTensor([h], std: 0.5, seed: 20 + UInt64(gate))]
        } + [randomTensor([1, h], std: 0.5, seed: 4)]
    }

    static func elman(_ t: [Tensor]) -> Tensor { elmanRecurrence(t[0], weight: t[1], bias: t[2], start: t[3], layout: layout) }

    static func elmanReference(_ t: [Tensor]) -> Tensor {
        reference(t[0], start: t[3]) { x, hidden in linear(concatenated([x, hidden], axis: 1), weight: t[1], bias: t[2]).tanh() }
    }

    static func gated(_ t: [Tensor]) -> Tensor {
        gatedRecurrence(t[0], updateWeight: t[1], updateBias: t[2], resetWeight: t[3], resetBias: t[4],
                        candidateWeight: t[5], candidateBias: t[6], start: t[7], layout: layout)
    }

    static func gatedReference(_ t: [Tensor]) -> Tensor {
        reference(t[0], start: t[7]) { x, hidden in
            let xh = concatenated([x, hidden], axis: 1)
            let r = linear(xh, weight: t[3], bias: t[4]).sigmoid()
            let candidate = linear(concatenated([x, r * hidden], axis: 1), weight: t[5], bias: t[6]).tanh()
            let z = linear(xh, weight: t[1], bias: t[2]).sigmoid()
            return (1 - z) * hidden + z * candidate
        }
    }

    @Test func elmanGradientsMatchFiniteDifferences() {
        GradientCheck().expectCorrect(Self.elmanInputs(), Self.elman)
    }

    @Test func gatedGradientsMatchFiniteDifferences() {
        GradientCheck().expectCorrect(Self.gatedInputs(), Self.gated)
    }

    @Test func elmanMatchesThePrimitiveComposition() {
        expectSameValuesAndGradients(Self.elmanInputs(), Self.elman, Self.elmanReference)
    }

    @Test func gatedMatchesThePrimitiveComposition() {
        expectSameValuesAndGradients(Self.gatedInputs(), Self.gated, Self.gatedReference)
    }

    /// Same outputs, and the same gradient for every input under one random output gradient.
    func expectSameValuesAndGradients(_ inputs: [Tensor], _ fused: ([Tensor]) -> Tensor, _ reference: ([Tensor]) -> Tensor,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        var g = RandomGenerator(seed: 99)
        let seed = (0..<(Self.layout.rows * Self.h)).map { _ in Float(g.normal()) }
        func run(_ function: ([Tensor]) -> Tensor) -> (values: [Float], gradients: [[Float]]) {
            inputs.forEach { $0.releaseGrad() }
            let out = function(inputs)
            out.backward(seed: seed)
            return (out.values, inputs.map { $0.gradValues! })
        }
        let (a, b) = (run(fused), run(reference))
        expectClose(a.values, b.values, sourceLocation: sourceLocation)
        for (x, y) in zip(a.gradients, b.gradients) { expectClose(x, y, tolerance: 1e-5, sourceLocation: sourceLocation) }
    }

    @Test func bagOfWordsGradientsMatchFiniteDifferences() {
        let starts = [0, 3, 4, 8]
        GradientCheck().expectCorrect([randomTensor([8, 3], seed: 5)]) { causalBagOfWords($0[0], sequenceStarts: starts) }
    }

    @Test func bagOfWordsAveragesThePrefixOfItsOwnSequence() {
        let x = Tensor(shape: [4, 1], values: [2, 4, 9, 10])
        // Sequences [2, 4, 9] and [10]: x_t + mean(x_0…x_t).
        #expect(causalBagOfWords(x, sequenceStarts: [0, 3, 4]).values == [4, 7, 14, 20])
    }
}
