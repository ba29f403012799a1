import Foundation

/// The stages of the ladder, and makemore.py's MLP, by the names the command line and checkpoints use.
public enum StageKind: String, CaseIterable, Codable, Sendable {
    case bigram
    case neuralBigram = "neural-bigram"
    case mlp, wavenet, bow, rnn, gru, transformer
    /// makemore.py's MLP (`MakemoreMLP`), not the lectures' `mlp`.
    case makemoreMLP = "makemore-mlp"

    /// The model each stage builds by default (the sizes of the lectures and makemore.py; the MLP
    /// with 15-dimensional embeddings).
    public var defaultConfiguration: StageConfiguration {
        switch self {
        case .bigram: .bigram(smoothing: 1)
        case .neuralBigram: .neuralBigram(l2: 0.01)
        case .mlp: .mlp(MLPConfiguration(embeddingDimensions: 15))
        case .wavenet: .wavenet(WaveNetConfiguration())
        case .bow: .bow(SequenceModelConfiguration())
        case .rnn: .rnn(SequenceModelConfiguration())
        case .gru: .gru(SequenceModelConfiguration())
        case .transformer: .transformer(TransformerConfiguration())
        case .makemoreMLP: .makemoreMLP(SequenceModelConfiguration())
        }
    }

    /// How each stage trains by default, tuned on names.txt (see the README and docs/).
    ///
    /// The MLP keeps the lecture's SGD at lr 0.1 on batches of 32 for 200 000 steps, but decays
    /// the rate at step 150 000 (not half-way) and evaluates a moving average of the weights
    /// (decay 0.9999): with 15-dimensional embeddings, val 2.0948 / 2.0866 / 2.0922 under seeds
    /// 42 / 7 / 8 where the lecture's setup (`lectureMLP`) gives 2.1161 at seed 42.
    ///
    /// The whole-word stages use makemore.py's AdamW betas (0.9, 0.99) and weight decay on
    /// batches of words: rnn, gru and bow at lr 3e-3 cosine, which beat makemore.py's 5e-4
    /// constant at 20 000 steps for every one of them (val 2.064 vs 2.080 RNN, 2.013 vs 2.036
    /// GRU, 2.162 vs 2.185 BoW), each run to where its val loss stopped improving (the GRU
    /// overfits past ~20 000). The transformer trains for about a minute and a half on two
    /// cores, without dropout but with decoupled weight decay 0.3 on its matrices, AdamW lr 4e-3
    /// cosine, batches of 48 words pass by pass and a moving average of the weights (val 1.9120
    /// / 1.9037 / 1.9134 under seeds 42 / 7 / 8; dropout 0.1, decay 0.1 and lr 3e-3 gave a mean
    /// of 1.9127 in about 10 % more time). `threads` is one per core where a second core
    /// measurably helps (the transformer; gru 0.535 → 0.408 ms/step; rnn and bow gain nothing).
    /// makemore.py's MLP trains as makemore.py trains it: AdamW lr 5e-4 constant, betas (0.9,
    /// 0.99), weight decay 0.01, batches of 32 words drawn with replacement.
    public var defaultTraining: TrainingConfiguration {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var adamW = OptimizerConfiguration(kind: .adamw, weightDecay: 0.01)
        adamW.beta2 = 0.99
        switch self {
        case .bigram:
            return TrainingConfiguration(steps: 0, learningRate: 0, batchSize: nil)
        case .neuralBigram:
            return TrainingConfiguration(steps: 300, learningRate: 50, batchSize: nil)
        case .mlp:
            return TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step, decayAt: 150_000, ema: 0.9999)
        case .wavenet:
            return TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step, decayAt: 150_000, evaluateEvery: 10_000,
                                         calibratesBatchNorm: true)
        case .bow, .rnn, .gru:
            return TrainingConfiguration(steps: self == .gru ? 20_000 : 50_000, learningRate: 3e-3, optimizer: adamW, schedule: .cosine,
                                         warmup: 200, batchSize: 32, threads: self == .gru ? cores : 1)
        case .makemoreMLP:
            return TrainingConfiguration(steps: 50_000, learningRate: 5e-4, optimizer: adamW, batchSize: 32)
        case .transformer:
            adamW.weightDecay = 0.3
            adamW.decaysMatricesOnly = true
            return TrainingConfiguration(steps: 22_000, learningRate: 4e-3, optimizer: adamW, schedule: .cosine, warmup: 500,
                                         batchSize: 48, sampling: .epochs, ema: 0.999, threads: cores)
        }
    }

    /// Whether the stage's words are whole sequences (block size, threads, sampling options).
    public var isSequenceModel: Bool { [.bow, .rnn, .gru, .transformer, .makemoreMLP].contains(self) }

    /// Lecture 3's exact MLP and its training (embedding 10, SGD lr 0.1 decayed ×0.1 half-way,
    /// no moving average): `makemore mlp --preset lecture`, the configuration the speed
    /// benchmark and the PyTorch comparison use.
    public static var lectureMLP: (configuration: StageConfiguration, training: TrainingConfiguration) {
        (.mlp(MLPConfiguration()), TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step))
    }
}
