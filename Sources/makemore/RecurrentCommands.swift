import Foundation
import MakemoreKit

/// The options and configuration of makemore.py's small whole-word models (`ModelConfig`'s
/// n_embd, n_embd2), shared by `rnn`, `gru` and `bow`.
enum SmallSequenceStage {
    /// makemore.py's AdamW (wd 0.01, batch 32 words) with a higher, cosine-decayed rate: on
    /// names.txt lr 3e-3 cosine beat makemore.py's 5e-4 constant at 20 000 steps for every stage
    /// (val 2.064 vs 2.080 RNN, 2.013 vs 2.036 GRU, 2.162 vs 2.185 BoW; see the README). `steps`
    /// is where the val loss stopped improving. `threads`: the `--threads` default, where a
    /// second core measurably helps (gru 0.535 → 0.408 ms/step; rnn and bow gain nothing).
    static func options(steps: Int, hidden: String, threads: String = "1") -> [Option] {
        SequenceStage.options(
            TrainingDefaults(steps: steps, learningRate: 3e-3, optimizer: .adamw, schedule: "cosine", batchSize: "32",
                             weightDecay: 0.01, warmup: 200),
            sizes: [
                Option("embedding", value: "N", default: "64", "channels of the embeddings (n_embd)"),
                Option("hidden", value: "N", default: "64", hidden + " (n_embd2)"),
            ], threads: threads)
    }

    static func run<M: PackedSequenceModel & TrainableModel>(_ type: M.Type, _ arguments: ParsedArguments) throws
    where M.Configuration == SequenceModelConfiguration {
        try SequenceStage.run(M.self, arguments, blockSize: \.blockSize) { dataset, blockSize in
            SequenceModelConfiguration(vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
                                       embedding: try arguments.int("embedding", in: 1...4096)!, hidden: try arguments.int("hidden", in: 1...4096)!)
        }
    }
}

/// `makemore rnn`: makemore.py's Elman RNN.
enum RNNCommand: Subcommand {
    static let name = "rnn"
    static let summary = "Elman RNN, h = tanh(W·[x, h] + b) from a learned start state"
    static let options = SmallSequenceStage.options(steps: 50_000, hidden: "channels of the hidden state")
    static func run(_ arguments: ParsedArguments) throws { try SmallSequenceStage.run(RecurrentLanguageModel<RNNCell>.self, arguments) }
}

/// `makemore gru`: makemore.py's GRU.
enum GRUCommand: Subcommand {
    static let name = "gru"
    static let summary = "GRU (reset and update gates) from a learned start state"
    /// Overfits past ~20 000 steps at this rate (val 2.017 after 50 000).
    static let options = SmallSequenceStage.options(steps: 20_000, hidden: "channels of the hidden state",
                                                    threads: String(ProcessInfo.processInfo.activeProcessorCount))
    static func run(_ arguments: ParsedArguments) throws { try SmallSequenceStage.run(RecurrentLanguageModel<GRUCell>.self, arguments) }
}

/// `makemore bow`: makemore.py's causal bag of words.
enum BoWCommand: Subcommand {
    static let name = "bow"
    static let summary = "causal bag of words (running average of the prefix, tanh MLP)"
    static let options = SmallSequenceStage.options(steps: 50_000, hidden: "channels of the block's MLP")
    static func run(_ arguments: ParsedArguments) throws { try SmallSequenceStage.run(BagOfWords.self, arguments) }
}
