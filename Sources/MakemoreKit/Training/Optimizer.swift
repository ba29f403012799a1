import MakemoreKernels

/// The update rules, selected on the CLI by name.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, momentum, adagrad, rmsprop, adam, adamw
}

/// An optimizer's hyperparameters (PyTorch's defaults unless set).
public struct OptimizerConfiguration: Codable, Equatable, Sendable {
    public var kind: OptimizerKind
    /// λ: an L2 term added to the gradient, or for AdamW the decoupled decay.
    public var weightDecay: Float = 0
    /// Whether the decay spares parameters of fewer than two dimensions (biases, LayerNorm and
    /// BatchNorm gains), as nanoGPT does; weights and embeddings are decayed either way.
    public var decaysMatricesOnly = false
    /// μ for `momentum`.
    public var momentum: Float = 0.9
    /// β₁, β₂ for Adam and AdamW.
    public var beta1: Float = 0.9, beta2: Float = 0.999
    /// α, the squared-gradient average's decay, for RMSprop.
    public var alpha: Float = 0.99
    /// ε in the denominators (AdaGrad's PyTorch default is 1e-10, the others' 1e-8).
    public var eps: Float

    /// The defaults of `kind`.
    public init(kind: OptimizerKind, weightDecay: Float = 0) {
        self.kind = kind
        self.weightDecay = weightDecay
        eps = kind == .adagrad ? 1e-10 : 1e-8
    }

    enum CodingKeys: String, CodingKey {
        case kind, weightDecay = "weight_decay", decaysMatricesOnly = "decays_matrices_only", momentum
        case beta1, beta2, alpha, eps
    }
}

/// Updates a fixed list of parameters from their gradients, keeping per-parameter state
/// (momentum buffers, moment estimates) of the same size as each parameter.
package final class Optimizer {
    /// The tensors updated in place.
    package let parameters: [Tensor]
    /// The update rule and its hyperparameters.
    package let configuration: OptimizerConfiguration
    /// Steps taken (Adam's t).
    package private(set) var stepCount = 0
    private let first: [Tensor?]
    private let second: [Tensor?]

    /// An optimizer over `parameters`.
    package init(parameters: [Tensor], configuration: OptimizerConfiguration) {
        self.parameters = parameters
        self.configuration = configuration
        let needsFirst: Set<OptimizerKind> = [.momentum, .adagrad, .rmsprop, .adam, .adamw]
        let needsSecond: Set<OptimizerKind> = [.adam, .adamw]
        first = parameters.map { needsFirst.contains(configuration.kind) ? Tensor.zeros(shape: [$0.count]) : nil }
        second = parameters.map { needsSecond.contains(configuration.kind) ? Tensor.zeros(shape: [$0.count]) : nil }
    }

    /// The per-parameter state: the first buffer (momentum, squared-gradient sum or average,
    /// Adam's m) and Adam's v, of each parameter that has them.
    var moments: (first: [[Float]?], second: [[Float]?]) { (first.map { $0?.values }, second.map { $0?.values }) }

    /// Continues from `stepCount` steps with `moments` (as `moments` gives them); false, with
    /// nothing changed, when they are not this optimizer's shapes.
    func restore(stepCount: Int, moments: (first: [[Float]?], second: [[Float]?])) -> Bool {
        func fits(_ saved: [[Float]?], _ buffers: [Tensor?]) -> Bool {
            saved.count == buffers.count && zip(saved, buffers).allSatisfy { $0?.count == $1?.count }
        }
        guard stepCount >= 0, fits(moments.first, first), fits(moments.second, second) else { return false }
        self.stepCount = stepCount
        for (saved, buffer) in zip(moments.first + moments.second, first + second) {
            if let saved, let buffer { buffer.copy(from: saved) }
        }
        return true
    }

    /// Sets every parameter's gradient to zero.
    package func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    /// One update with learning rate `learningRate`; parameters without a gradient are skipped.
    /// Every rule is element-wise, so large parameter sets are updated in spans across the
    /// cores, with the same result as one pass.
    package func step(learningRate: Double) {
        stepCount += 1
        let c = configuration, lr = Float(learningRate), t = stepCount
        let updated = parameters.indices.filter { parameters[$0].gradStorage != nil }
        let buffers = updated.map { i in
            UpdateBuffers(w: parameters[i].data, g: UnsafePointer(parameters[i].gradData), m: first[i]?.data, v: second[i]?.data,
                          decay: c.decaysMatricesOnly && parameters[i].shape.count < 2 ? 0 : c.weightDecay)
        }
        Parallel.forEachSpan(counts: updated.map { parameters[$0].count }) { item, range in
            let b = buffers[item], o = range.lowerBound, n = range.count
            let w = b.w + o, g = b.g + o
            switch c.kind {
            case .sgd: OptimizerKernels.sgd(w, g, n: n, lr: lr, weightDecay: b.decay)
            case .momentum: OptimizerKernels.momentum(w, g, b.m! + o, n: n, lr: lr, momentum: c.momentum, weightDecay: b.decay)
            case .adagrad: OptimizerKernels.adagrad(w, g, b.m! + o, n: n, lr: lr, eps: c.eps, weightDecay: b.decay)
            case .rmsprop: OptimizerKernels.rmsprop(w, g, b.m! + o, n: n, lr: lr, alpha: c.alpha, eps: c.eps, weightDecay: b.decay)
            case .adam, .adamw:
                OptimizerKernels.adam(w, g, b.m! + o, b.v! + o, n: n, step: t, lr: lr, beta1: c.beta1,
                                      beta2: c.beta2, eps: c.eps, weightDecay: b.decay, decoupled: c.kind == .adamw)
            }
        }
    }
}

/// One parameter's buffers as the spans of `Optimizer.step` see them: each span reads and
/// writes `w`, `m` and `v` only in its own range (`forEachSpan` gives every element to exactly
/// one span) and only reads `g`, so no element is touched by two threads.
private struct UpdateBuffers: @unchecked Sendable {
    let w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>?, v: UnsafeMutablePointer<Float>?
    let decay: Float
}
