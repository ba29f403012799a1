/// makemore.py's `BoWBlock`: each position adds the average of the positions up to itself
/// (`cbow`), then a tanh MLP with a residual (`mlp.c_fc`, `mlp.c_proj`):
///
///     x = x + cbow(x)
///     x = x + c_proj(tanh(c_fc(x)))
public final class BoWBlock: Module {
    /// `mlp.c_fc`: C → C2.
    public let expand: Linear
    /// `mlp.c_proj`: C2 → C.
    public let project: Linear
    /// makemore.py's `cbow.bias` buffer, (1, T, T) lower-triangular ones: the causal mask PyTorch
    /// keeps in the state dict. Written so `load_state_dict` (strict) accepts our files; the
    /// running mean is causal by construction and never reads it.
    let causalMask: Tensor

    /// A block over `channels` with an MLP of `hidden` channels, for sequences up to `blockSize`.
    public init(channels: Int, hidden: Int, blockSize: Int, using generator: inout RandomGenerator) {
        expand = Linear(inputCount: channels, outputCount: hidden, using: &generator)
        project = Linear(inputCount: hidden, outputCount: channels, using: &generator)
        let t = blockSize
        causalMask = Tensor(shape: [1, t, t], values: (0..<(t * t)).map { $0 % t <= $0 / t ? 1 : 0 })
    }

    /// x (N, C) packed, sequences delimited by `sequenceStarts` → (N, C)
    public func callAsFunction(_ x: Tensor, sequenceStarts: [Int]) -> Tensor {
        feedForward(causalBagOfWords(x, sequenceStarts: sequenceStarts))
    }

    /// The residual MLP alone: x + c_proj(tanh(c_fc(x))), (N, C) → (N, C).
    public func feedForward(_ x: Tensor) -> Tensor {
        x + project(expand(x).tanh())
    }

    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        prefixed("mlp.c_fc", expand.namedParameters()) + prefixed("mlp.c_proj", project.namedParameters())
    }

    public func namedBuffers() -> [(name: String, tensor: Tensor)] { [("cbow.bias", causalMask)] }
}
