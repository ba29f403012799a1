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
    package func foldingBatchNorm() -> Sequential {
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

extension Sequential {
    /// Replaces every BatchNorm1d's running statistics with the exact statistics of its input
    /// over a whole data set (lecture 3's "calibrate the batch norm at the end of training"),
    /// instead of the exponential average of the last few batches. `input(i)` is chunk `i` of
    /// `chunks` of the data as this network's input. Layers run in evaluation mode, one
    /// BatchNorm at a time in order, so each sees the output of the already calibrated ones
    /// before it; statistics are summed in Double and `running_var` is unbiased as in training.
    /// Leaves the network in evaluation mode.
    package func calibrateBatchNorm(chunks: Int, input: (Int) -> Tensor) {
        setTraining(false)
        for (index, layer) in layers.enumerated() {
            guard let norm = layer as? BatchNorm1d else { continue }
            let channels = norm.runningMean.count
            var sum = [Double](repeating: 0, count: channels), squares = sum
            var rows = 0
            for chunk in 0..<chunks {
                let x = Tensor.withoutGradient { layers[..<index].reduce(input(chunk)) { h, layer in layer(h) } }.values
                for row in stride(from: 0, to: x.count, by: channels) {
                    for j in 0..<channels {
                        let value = Double(x[row + j])
                        sum[j] += value
                        squares[j] += value * value
                    }
                }
                rows += x.count / channels
            }
            guard rows >= 2 else { continue }
            let n = Double(rows)
            let mean = sum.map { $0 / n }
            norm.runningMean.copy(from: mean.map { Float($0) })
            norm.runningVar.copy(from: (0..<channels).map { Float(max(0, squares[$0] - n * mean[$0] * mean[$0]) / (n - 1)) })
        }
    }
}
