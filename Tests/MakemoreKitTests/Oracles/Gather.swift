@testable import MakemoreKit

/// A tensor of `shape` whose element e is element `sources[e].index` of `tensors[sources[e].tensor]`:
/// every view and copy of the oracles (slices, permutations, concatenation) is one of these.
/// Backward: each input element receives the sum of ∂out over the elements copied from it.
func gathered(from tensors: [Tensor], _ sources: [(tensor: Int, index: Int)], shape: [Int]) -> Tensor {
    let values = tensors.map(\.values)
    let out = Tensor(shape: shape, values: sources.map { values[$0.tensor][$0.index] })
    out.record(inputs: tensors) { out in
        let g = out.gradValues!
        var gradients = tensors.map { [Float](repeating: 0, count: $0.count) }
        for (e, source) in sources.enumerated() { gradients[source.tensor][source.index] += g[e] }
        for (tensor, gradient) in zip(tensors, gradients) where tensor.requiresGrad { tensor.accumulateGrad(gradient) }
    }
    return out
}
