/// A lookup table of `count` vectors of `dimensions` numbers (PyTorch init: N(0, 1)).
public final class Embedding: Module {
    /// (count, dimensions)
    public let weight: Tensor

    /// A table drawn from N(0, 1).
    public init(count: Int, dimensions: Int, using generator: inout RandomGenerator) {
        weight = .normal(shape: [count, dimensions], std: 1, requiresGrad: true, using: &generator)
    }

    /// indices with shape `shape` → (shape…, dimensions)
    public func callAsFunction(_ indices: [Int32], shape: [Int]) -> Tensor {
        embedding(weight, indices: indices, shape: shape)
    }

    public var children: ModuleChildren { [] }
    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }
}
