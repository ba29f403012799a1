/// A window model built as an embedding table followed by a `Sequential` (the MLP, WaveNet):
/// everything but the layers' input is shared here — the logits, the loss, evaluation-mode
/// scoring, BatchNorm calibration, the state-dict names (`embedding.…`, `layers.…`) and the
/// train / eval switch.
package protocol WindowNetwork: Module, WindowLanguageModel {
    associatedtype Configuration: WindowNetworkConfiguration
    /// The hyperparameters.
    var configuration: Configuration { get }
    /// The token embedding table C, (V, d).
    var embedding: Embedding { get }
    /// The hidden blocks and the output layer.
    var layers: Sequential { get }
    /// What `layers` receives for `contexts` (N·k, row-major (N, k)): the embedded windows,
    /// shaped as the first layer expects.
    func input(contexts: [Int32]) -> Tensor
    /// A model from existing parts (the folded copy).
    init(configuration: Configuration, embedding: Embedding, layers: Sequential)
}

/// What the shared window-network code reads of a configuration.
package protocol WindowNetworkConfiguration {
    /// Tokens of context per prediction.
    var contextLength: Int { get }
    /// Whether the hidden blocks normalise with BatchNorm.
    var batchNorm: Bool { get set }
    /// Tokens in the vocabulary, boundary included.
    var vocabularySize: Int { get }
    /// Width of each hidden block.
    var hiddenSize: Int { get }
    /// BatchNorm's running-statistics momentum.
    var batchNormMomentum: Float { get }
}

extension WindowNetworkConfiguration {
    /// One hidden block of the lectures' networks: Linear `inputCount` → `hiddenSize` (without
    /// bias when BatchNorm, which has its own β, follows), BatchNorm1d if enabled, tanh.
    func hiddenBlock(inputCount: Int, initialization: WeightInitialization, using generator: inout RandomGenerator) -> [any Layer] {
        let linear = Linear(inputCount: inputCount, outputCount: hiddenSize, bias: !batchNorm, initialization: initialization, using: &generator)
        return [linear] + (batchNorm ? [BatchNorm1d(featureCount: hiddenSize, momentum: batchNormMomentum)] : []) + [Tanh()]
    }

    /// The output Linear `inputCount` → `vocabularySize`; `scaledDown` multiplies its weights by
    /// 0.1 with BatchNorm, 0.01 without, so the initial logits are near-uniform (loss ≈ ln V).
    func outputLayer(inputCount: Int, initialization: WeightInitialization, scaledDown: Bool,
                     using generator: inout RandomGenerator) -> Linear {
        let last = Linear(inputCount: inputCount, outputCount: vocabularySize, initialization: initialization, using: &generator)
        if scaledDown && !Tensor.shapesOnly {
            let factor: Float = batchNorm ? 0.1 : 0.01
            last.weight.copy(from: last.weight.values.map { $0 * factor })
        }
        return last
    }
}

extension MLPConfiguration: WindowNetworkConfiguration {}
extension WaveNetConfiguration: WindowNetworkConfiguration {}

extension WindowNetwork {
    /// Whether BatchNorm uses batch statistics (set by `setTraining`); false without BatchNorm.
    package var isTraining: Bool { modeDependentModules.contains { $0.isTraining } }

    /// contexts (N·k, row-major (N, k)) → logits (N, V)
    package func logits(contexts: [Int32]) -> Tensor { layers(input(contexts: contexts)) }

    /// Sets each BatchNorm's running statistics to the exact mean and variance over all of
    /// `contexts` (row-major (N, k), e.g. every training window), a few thousand rows at a
    /// time (`Sequential.calibrateBatchNorm`). Leaves the model in evaluation mode.
    package func calibrateBatchNorm(contexts: [Int32], rowsPerChunk: Int = 4096) {
        let k = contextLength, n = contexts.count / k
        setTraining(false)
        layers.calibrateBatchNorm(chunks: (n + rowsPerChunk - 1) / rowsPerChunk) { chunk in
            let rows = (chunk * rowsPerChunk)..<min(n, (chunk + 1) * rowsPerChunk)
            return input(contexts: Array(contexts[(rows.lowerBound * k)..<(rows.upperBound * k)]))
        }
    }

    /// The mean loss over `examples` as training sees it (batch statistics), taken in even
    /// chunks of at most `rowsPerChunk` windows (all at once would hold several large
    /// activations), leaving the running statistics as they were.
    package func trainingLoss(over examples: WindowExamples, rowsPerChunk: Int = 4096) -> Float {
        let buffers = namedBuffers().map { ($0.tensor, $0.tensor.values) }
        defer { for (tensor, values) in buffers { tensor.copy(from: values) } }
        let k = examples.contextLength, n = examples.count
        let chunks = (n + rowsPerChunk - 1) / rowsPerChunk
        var total = 0.0
        for chunk in 0..<chunks {
            let rows = (chunk * n / chunks)..<((chunk + 1) * n / chunks)
            let loss = Tensor.withoutGradient {
                self.loss(contexts: Array(examples.contexts[(rows.lowerBound * k)..<(rows.upperBound * k)]), targets: Array(examples.targets[rows])).item
            }
            total += Double(loss) * Double(rows.count)
        }
        return Float(total / Double(max(1, n)))
    }

    /// The inference model: each BatchNorm folded into the Linear before it, using the running
    /// statistics (`Sequential.foldingBatchNorm()`), so evaluation costs one affine map per
    /// block. Its logits equal the eval-mode logits of `self` up to rounding. It has fresh hidden
    /// weights but shares the embedding and the output layer: fold once training is over.
    package func foldingBatchNorm() -> Self {
        guard configuration.batchNorm else { return self }
        var folded = configuration
        folded.batchNorm = false
        let model = Self(configuration: folded, embedding: embedding, layers: layers.foldingBatchNorm())
        model.setTraining(false)
        return model
    }

    /// Mean cross-entropy of `targets` after `contexts`.
    package func loss(contexts: [Int32], targets: [Int32]) -> Tensor {
        crossEntropy(logits: logits(contexts: contexts), targets: targets)
    }

    /// Scores in evaluation mode (running BatchNorm statistics), without a graph; the mode is
    /// restored afterwards, so periodic evaluation during training is safe.
    package func logProbabilities(contexts: [Int32]) -> [Float] {
        evaluating { logits(contexts: contexts).logSoftmax().values }
    }

    /// A `WindowDecoder` that finds the mode-dependent modules once, not at every step.
    package func makeBatchDecoder(capacity: Int) -> any BatchDecoder {
        let modules = modeDependentModules
        return WindowDecoder(contextLength: contextLength, capacity: capacity) { [self] contexts in
            MakemoreKit.evaluating(modules) { logits(contexts: contexts).logSoftmax().values }
        }
    }

    package var children: ModuleChildren { [("embedding", embedding), ("layers", layers)] }
}
