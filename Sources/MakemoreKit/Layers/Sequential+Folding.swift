extension Sequential {
    /// The inference copy: every BatchNorm1d folded into the Linear just before it, using the
    /// running statistics, so evaluation costs one affine map per block. Per output row j, with
    /// sⱼ = γⱼ/√(running_varⱼ + eps):
    ///
    ///     W'ⱼ = Wⱼ·sⱼ        b'ⱼ = βⱼ + sⱼ·(bⱼ − running_meanⱼ)   (b = 0 without a bias)
    ///
    /// Both act on the last axis, so this holds for (N, C) and (B, T, C) inputs alike. The
    /// result's outputs equal the eval-mode outputs of `self` up to rounding; it has fresh
    /// folded Linears and shares every other layer with `self`.
    public func foldingBatchNorm() -> Sequential {
        var folded: [any Layer] = []
        var source = layers[...]
        while let layer = source.popFirst() {
            guard let linear = layer as? Linear, let norm = source.first as? BatchNorm1d else {
                folded.append(layer)
                continue
            }
            source.removeFirst()
            let (scale, shift) = norm.inferenceAffine()
            let inputs = linear.weight.shape[1]
            let weight = linear.weight.values.enumerated().map { $0.element * scale[$0.offset / inputs] }
            let bias = linear.bias?.values ?? [Float](repeating: 0, count: scale.count)
            folded.append(Linear(weight: Tensor(shape: linear.weight.shape, values: weight),
                                 bias: Tensor(shape: [scale.count], values: scale.indices.map { shift[$0] + scale[$0] * bias[$0] })))
        }
        return Sequential(folded)
    }
}
