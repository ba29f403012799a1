/// makemore.py's `BoWBlock`: each position adds the average of the positions up to itself
/// (`cbow`), then a tanh MLP with a residual (`mlp.c_fc`, `mlp.c_proj`):
///
///     x = x + cbow(x)
///     x = x + c_proj(tanh(c_fc(x)))
package final class BoWBlock: Module {
    /// `mlp.c_fc`: C → C2.
    package let expand: Linear
    /// `mlp.c_proj`: C2 → C.
    package let project: Linear
    /// makemore.py's `cbow.bias` buffer, (1, T, T) lower-triangular ones: the causal mask PyTorch
    /// keeps in the state dict. Written so `load_state_dict` (strict) accepts our files; the
    /// running mean is causal by construction and never reads it.
    let causalMask: Tensor

    /// A block over `channels` with an MLP of `hidden` channels, for sequences up to `blockSize`.
    package init(channels: Int, hidden: Int, blockSize: Int, using generator: inout RandomGenerator) {
        expand = Linear(inputCount: channels, outputCount: hidden, using: &generator)
        project = Linear(inputCount: hidden, outputCount: channels, using: &generator)
        let t = blockSize
        causalMask = .computed(shape: [1, t, t]) { (0..<(t * t)).map { $0 % t <= $0 / t ? 1 : 0 } }
    }

    /// x (N, C) → (N, C), its rows arranged as `rows` says: whole packed sequences, or the next
    /// position of sequences whose earlier rows are summed in `RunningSums`.
    package func callAsFunction(_ x: Tensor, _ rows: BagOfWordsRows) -> Tensor {
        let mixed: Tensor  // x + cbow(x), (N, C)
        switch rows {
        case .packed(let sequenceStarts): mixed = causalBagOfWords(x, sequenceStarts: sequenceStarts)
        case .running(let sums, let slots, let positions): mixed = sums.adding(x, slots: slots, positions: positions)
        }
        return mixed + project(expand(mixed).tanh())
    }

    package var children: ModuleChildren { [("mlp.c_fc", expand), ("mlp.c_proj", project)] }

    package var ownBuffers: [(name: String, tensor: Tensor)] { [("cbow.bias", causalMask)] }
}

/// How the rows of a bag-of-words block's input are arranged.
package enum BagOfWordsRows {
    /// Whole sequences packed back to back, sequence i being rows `sequenceStarts[i] ..<
    /// sequenceStarts[i + 1]`: training and scoring.
    case packed(sequenceStarts: [Int])
    /// Row i is position `positions[i]` of the sequence in slot `slots[i]` (distinct slots),
    /// whose earlier rows are summed in the running sums: incremental decoding, no graph.
    case running(RunningSums, slots: [Int], positions: [Int])
}
