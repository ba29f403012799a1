/// Random tensors for initialising parameters, drawn from the one seeded generator so that the
/// same seed gives the same weights everywhere.
extension Tensor {
    /// Independent draws from N(0, std²).
    public static func normal(
        shape: [Int], std: Float = 1, requiresGrad: Bool = false, using generator: inout RandomGenerator
    ) -> Tensor {
        if shapesOnly { return shapeOnly(shape, requiresGrad: requiresGrad) }
        let values = (0..<elementCount(shape)).map { _ in Float(generator.normal()) * std }
        return Tensor(shape: shape, values: values, requiresGrad: requiresGrad)
    }

    /// Independent draws from U(−bound, bound).
    public static func uniform(
        shape: [Int], bound: Float, requiresGrad: Bool = false, using generator: inout RandomGenerator
    ) -> Tensor {
        if shapesOnly { return shapeOnly(shape, requiresGrad: requiresGrad) }
        let values = (0..<elementCount(shape)).map { _ in Float(2 * generator.uniform() - 1) * bound }
        return Tensor(shape: shape, values: values, requiresGrad: requiresGrad)
    }
}
