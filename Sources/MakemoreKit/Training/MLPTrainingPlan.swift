import MakemoreKernels

/// The MLP's training pass (forward, loss, backward) run straight through its kernels on buffers
/// kept from step to step, instead of recording a graph of fresh tensors every step: the MLP's
/// step is a few small products, and allocating, recording, ordering and freeing a dozen graph
/// nodes cost a tenth of it. The plan calls the kernels the graph's ops call, in the order its
/// backward pass calls them, each gradient written or accumulated as that op would (the
/// parameters' through `gradForWriting` / `gradData`), so the loss, the gradients and the
/// running statistics are the same bits as `model.loss(contexts:targets:)` then `backward()`.
///
/// It covers an embedding followed by a chain of `Linear`, `BatchNorm1d` (in training mode) and
/// `Tanh` layers whose parameters all require a gradient: every MLP configuration. A step for
/// which `applies` is false — BatchNorm in evaluation mode, or the layers' outputs recorded for
/// diagnostics — goes through the graph.
package final class MLPTrainingPlan {
    private enum PlannedLayer {
        case linear(Linear)
        case batchNorm(BatchNorm1d, mean: Tensor, variance: Tensor, rstd: Tensor)
        case tanh
    }

    private let model: MLP
    private let stages: [PlannedLayer]
    /// Width of each stage's output, the last one the vocabulary.
    private let widths: [Int]
    /// The rows the buffers hold, and the buffers: the embedded windows, each stage's output,
    /// the softmax, and a gradient buffer of each activation's size.
    private var rows = 0
    private var activations: [Tensor] = []
    private var gradients: [Tensor] = []
    private var probabilities = Tensor(uninitializedShape: [0])

    /// A plan for `model`, or nil when one of its layers is not a `Linear`, `BatchNorm1d` or
    /// `Tanh`, or one of its parameters does not require a gradient.
    package init?(model: MLP) {
        guard model.parameters.allSatisfy(\.requiresGrad) else { return nil }
        var stages: [PlannedLayer] = [], widths: [Int] = []
        var width = model.contextLength * model.configuration.embeddingDimensions
        for layer in model.layers.layers {
            switch layer {
            case let linear as Linear:
                guard linear.weight.shape == [linear.weight.shape[0], width] else { return nil }
                width = linear.weight.shape[0]
                stages.append(.linear(linear))
            case let norm as BatchNorm1d:
                guard norm.weight.count == width else { return nil }
                stages.append(.batchNorm(norm, mean: Tensor(uninitializedShape: [width]), variance: Tensor(uninitializedShape: [width]),
                                         rstd: Tensor(uninitializedShape: [width])))
            case is Tanh:
                stages.append(.tanh)
            default:
                return nil
            }
            widths.append(width)
        }
        guard width == model.vocabularySize else { return nil }
        self.model = model
        self.stages = stages
        self.widths = widths
    }

    /// Whether this step can run through the plan (see the type's description).
    package var applies: Bool {
        !model.layers.recordsOutputs && stages.allSatisfy {
            if case .batchNorm(let norm, _, _, _) = $0 { return norm.isTraining }
            return true
        }
    }

    /// The mean cross-entropy of `targets` after `contexts` (as `model.loss`); when it is finite,
    /// the parameters' gradients of it are added as `backward()` adds them.
    package func lossAndGradients(contexts: [Int32], targets: [Int32]) -> Float {
        let n = targets.count
        precondition(contexts.count == n * model.contextLength, "\(contexts.count) context tokens for \(n) targets")
        if n != rows { allocate(rows: n) }
        let table = model.embedding.weight, dimensions = model.configuration.embeddingDimensions
        embeddingForward(activations[0].data, table.data, contexts, table.shape[0], dimensions)
        var inputWidth = model.contextLength * dimensions
        for (index, stage) in stages.enumerated() {
            let x = activations[index].data, out = activations[index + 1].data, width = widths[index]
            switch stage {
            case .linear(let layer):
                linearForward(out, x, layer.weight.data, layer.bias?.data, n, inputWidth, width)
            case .batchNorm(let norm, let mean, let variance, let rstd):
                batchNormForward(out, mean.data, variance.data, rstd.data, x, norm.weight.data, norm.bias.data, n, width, eps: norm.eps)
                norm.runningMean.moveAverage(toward: mean, momentum: norm.momentum)
                norm.runningVar.moveAverage(toward: variance, momentum: norm.momentum, scale: Float(n) / Float(n - 1))
            case .tanh:
                tanhForward(out, x, n * width)
            }
            inputWidth = width
        }
        let vocabulary = model.vocabularySize, logits = stages.count
        let (lossSum, valid) = crossEntropyForward(probabilities.data, activations[logits].data, targets, n, vocabulary, ignoreIndex: -1)
        let loss = valid > 0 ? Float(lossSum / Double(valid)) : 0
        guard loss.isFinite else { return loss }

        crossEntropyBackward(fresh(logits), probabilities.data, targets, 1, n, vocabulary, ignoreIndex: -1, validCount: valid)
        for index in stages.indices.reversed() {
            let x = activations[index].data, out = activations[index + 1].data, dout = gradients[index + 1].data
            let width = widths[index], inputWidth = index == 0 ? model.contextLength * dimensions : widths[index - 1]
            switch stages[index] {
            case .linear(let layer):
                linearBackwardInput(fresh(index), dout, layer.weight.data, n, inputWidth, width)
                linearBackwardWeight(layer.weight.gradForWriting, dout, x, n, inputWidth, width)
                if let bias = layer.bias { linearBackwardBias(bias.gradForWriting, dout, n, width) }
            case .batchNorm(let norm, let mean, _, let rstd):
                batchNormBackward(fresh(index), norm.weight.gradData, norm.bias.gradData, dout, x, norm.weight.data, mean.data, rstd.data, n, width)
            case .tanh:
                tanhBackward(fresh(index), out, dout, n * width)
            }
        }
        embeddingBackward(table.gradData, gradients[0].data, contexts, dimensions)
        return loss
    }

    /// Activation `index`'s gradient buffer as a gradient's first contribution (the graph's
    /// nodes are new every step, so each op writes its input's gradient rather than adds to it).
    private func fresh(_ index: Int) -> GradientTarget {
        GradientTarget(pointer: gradients[index].data, accumulate: false)
    }

    private func allocate(rows n: Int) {
        let widths = [model.contextLength * model.configuration.embeddingDimensions] + widths
        activations = widths.map { Tensor(uninitializedShape: [n, $0]) }
        gradients = widths.map { Tensor(uninitializedShape: [n, $0]) }
        probabilities = Tensor(uninitializedShape: [n, model.vocabularySize])
        rows = n
    }
}
