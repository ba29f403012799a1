import Foundation

// How much memory a model of a configuration takes (`CheckpointableModel`'s size
// requirements), computed from the configuration alone so that what cannot fit is refused
// before anything is allocated: the exact number of values in its state dict (checked against a
// checkpoint's tensors before the model is built), and an estimate of the activations one row of
// a batch keeps for the backward pass. Counts are `Double`s: a hostile configuration (hidden
// size 10¹², say) must give a huge number, never an overflow trap.

/// Values of a Linear `inputs` → `outputs` (weight, plus bias).
private func linear(_ inputs: Double, _ outputs: Double, bias: Bool = true) -> Double {
    inputs * outputs + (bias ? outputs : 0)
}

extension Int {
    /// The value as a `Double`, for size arithmetic that must not overflow.
    fileprivate var real: Double { Double(self) }
}

extension CountBigram {
    public static func stateElementCount(configuration: Configuration, vocabularySize v: Int) -> Double { Double(v) * Double(v) }
    public static func activationElementsPerRow(configuration: Configuration, vocabularySize v: Int) -> Double { Double(v) }
}

extension NeuralBigram {
    public static func stateElementCount(configuration: Configuration, vocabularySize v: Int) -> Double { Double(v) * Double(v) }
    public static func activationElementsPerRow(configuration: Configuration, vocabularySize v: Int) -> Double { 4 * Double(v) }
}

extension MLP {
    public static func stateElementCount(configuration c: MLPConfiguration, vocabularySize v: Int) -> Double {
        let first = linear(c.contextLength.real * c.embeddingDimensions.real, c.hiddenSize.real, bias: !c.batchNorm)
        let next = linear(c.hiddenSize.real, c.hiddenSize.real, bias: !c.batchNorm)
        let norms = c.batchNorm ? 4 * c.hiddenSize.real : 0
        let layers = max(c.hiddenLayers.real, 0)
        let last = layers > 0 ? c.hiddenSize.real : c.contextLength.real * c.embeddingDimensions.real
        return v.real * c.embeddingDimensions.real + (layers > 0 ? first + (layers - 1) * next + layers * norms : 0) + linear(last, v.real)
    }

    public static func activationElementsPerRow(configuration c: MLPConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.contextLength) * Double(c.embeddingDimensions) + 3 * Double(c.hiddenLayers) * Double(c.hiddenSize) + 2 * Double(v))
    }
}

extension WaveNet {
    public static func stateElementCount(configuration c: WaveNetConfiguration, vocabularySize v: Int) -> Double {
        var total = v.real * c.embeddingDimensions.real
        var width = c.embeddingDimensions.real
        for _ in 0..<c.levels {
            total += linear(2 * width, c.hiddenSize.real, bias: !c.batchNorm) + (c.batchNorm ? 4 * c.hiddenSize.real : 0)
            width = c.hiddenSize.real
        }
        return total + linear(width, v.real)
    }

    public static func activationElementsPerRow(configuration c: WaveNetConfiguration, vocabularySize v: Int) -> Double {
        // Level ℓ holds k/2^(ℓ+1) positions of H channels per row: at most k·H over all levels.
        3 * (Double(c.contextLength) * Double(c.embeddingDimensions) + 4 * Double(c.contextLength) * Double(c.hiddenSize) + 2 * Double(v))
    }
}

extension RecurrentLanguageModel {
    public static func stateElementCount(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        let gates = Double(Cell.self == GRUCell.self ? 3 : 1)
        return Double(c.hidden) + Double(v) * Double(c.embedding) + gates * linear(c.embedding.real + c.hidden.real, c.hidden.real) + linear(c.hidden.real, v.real)
    }

    public static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.embedding) + 8 * (c.embedding.real + c.hidden.real) + 2 * Double(v))
    }
}

extension BagOfWords {
    public static func stateElementCount(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        let t = Double(c.blockSize)
        return (v.real + t) * c.embedding.real + linear(c.embedding.real, c.hidden.real) + linear(c.hidden.real, c.embedding.real) + t * t
            + linear(c.embedding.real, v.real)
    }

    public static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (6 * Double(c.embedding) + 3 * Double(c.hidden) + 2 * Double(v))
    }
}

extension MakemoreMLP {
    public static func stateElementCount(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        (v.real + 1) * c.embedding.real + linear(c.blockSize.real * c.embedding.real, c.hidden.real) + linear(c.hidden.real, v.real)
    }

    public static func activationElementsPerRow(configuration c: SequenceModelConfiguration, vocabularySize v: Int) -> Double {
        3 * (Double(c.blockSize) * Double(c.embedding) + 3 * Double(c.hidden) + 2 * Double(v))
    }
}

extension Transformer {
    public static func stateElementCount(configuration c: TransformerConfiguration, vocabularySize v: Int) -> Double {
        let channels = c.embedding.real, t = c.blockSize.real
        let block = 4 * channels + linear(channels, 3 * channels) + linear(channels, channels)
            + linear(channels, 4 * channels) + linear(4 * channels, channels) + t * t
        let positions = c.positions == .learned ? t : 0  // the sinusoidal table is no state
        return (v.real + positions) * channels + c.layers.real * block + 2 * channels + linear(channels, v.real, bias: false)
    }

    public static func activationElementsPerRow(configuration c: TransformerConfiguration, vocabularySize v: Int) -> Double {
        // Per block: norms, q/k/v, attention output, residuals and the 4C expansion (about 16C),
        // plus one attention row of up to T keys per head.
        let perBlock = 16 * Double(c.embedding) + Double(c.blockSize) * Double(c.heads)
        return 3 * (Double(c.layers) * perBlock + 4 * Double(c.embedding) + 2 * Double(v))
    }
}
