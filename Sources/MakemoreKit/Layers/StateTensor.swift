/// One entry of a state dict as plain values: what a checkpoint stores for a parameter or buffer,
/// independent of any file format. `values` are row-major and `values.count` is the product of
/// `shape`.
public struct StateTensor: Equatable, Sendable {
    /// The state-dict key, e.g. `transformer.wte.weight`.
    public var name: String
    /// Dimension sizes, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements, row-major.
    public var values: [Float]

    /// A tensor named `name`.
    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}
