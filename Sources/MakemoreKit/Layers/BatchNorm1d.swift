/// Batch normalisation over the last axis (channels), PyTorch's conventions.
///
/// Training: each channel is normalised with the mean and the *biased* variance of the batch
/// (over every axis but the last, so (N, C) and (B, T, C) inputs both work), then scaled by γ
/// (`weight`) and shifted by β (`bias`); the running statistics move towards the batch's with
/// `momentum`: `running = (1 − momentum)·running + momentum·batch`, storing the *unbiased*
/// variance. Evaluation: `y = (x − running_mean)/√(running_var + eps)·γ + β`.
package final class BatchNorm1d: Layer, ModeDependent {
    /// γ, (C), initially 1.
    package let weight: Tensor
    /// β, (C), initially 0.
    package let bias: Tensor
    /// (C), initially 0.
    package let runningMean: Tensor
    /// (C), initially 1.
    package let runningVar: Tensor
    package let eps: Float
    package let momentum: Float
    /// Whether the batch statistics are used (and the running ones updated).
    package var isTraining = true

    /// A layer for `featureCount` channels.
    package init(featureCount: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        weight = .ones(shape: [featureCount], requiresGrad: true)
        bias = .zeros(shape: [featureCount], requiresGrad: true)
        runningMean = .zeros(shape: [featureCount])
        runningVar = .ones(shape: [featureCount])
        self.eps = eps
        self.momentum = momentum
    }

    /// x: (…, C) → (…, C)
    package func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining else {
            let (scale, shift) = inferenceAffine()
            return x * Tensor(shape: [scale.count], values: scale) + Tensor(shape: [shift.count], values: shift)
        }
        let result = batchNorm(x, gamma: weight, beta: bias, eps: eps)
        runningMean.moveAverage(toward: result.mean, momentum: momentum)
        runningVar.moveAverage(toward: result.variance, momentum: momentum, scale: result.besselCorrection)
        return result.output
    }

    /// The evaluation-mode transform as `y = x·scale + shift` per channel:
    /// `scale = γ/√(running_var + eps)`, `shift = β − running_mean·scale`.
    package func inferenceAffine() -> (scale: [Float], shift: [Float]) {
        let gamma = weight.values, beta = bias.values, mean = runningMean.values, variance = runningVar.values
        let scale = gamma.indices.map { gamma[$0] / (variance[$0] + eps).squareRoot() }
        let shift = beta.indices.map { beta[$0] - mean[$0] * scale[$0] }
        return (scale, shift)
    }

    package var children: ModuleChildren { [] }
    package var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
    package var ownBuffers: [(name: String, tensor: Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }
}
