import MakemoreKit

/// The options and configuration of makemore.py's `RNN`, shared by `rnn` and `gru`.
enum RecurrentStage {
    /// makemore.py's AdamW (wd 0.01, batch 32 words) with a higher, cosine-decayed rate: on
    /// names.txt lr 3e-3 cosine beat makemore.py's 5e-4 constant at 20 000 steps for every stage
    /// (val 2.064 vs 2.080 RNN, 2.013 vs 2.036 GRU, 2.162 vs 2.185 BoW; see the README). `steps`
    /// is where the val loss stopped improving.
    static func defaults(steps: Int) -> TrainingDefaults {
        TrainingDefaults(steps: steps, learningRate: 3e-3, optimizer: .adamw, schedule: "cosine", batchSize: "32",
                         weightDecay: 0.01, warmup: 200)
    }

    static func options(steps: Int) -> [Option] {
        SequenceStage.options(defaults(steps: steps), sizes: [
            Option("embedding", value: "N", default: "64", "channels of the token embedding (n_embd)"),
            Option("hidden", value: "N", default: "64", "channels of the hidden state (n_embd2)"),
        ])
    }

    static func run<Cell: RecurrentCell>(_ cell: Cell.Type, _ arguments: ParsedArguments) throws {
        try SequenceStage.run(RecurrentLanguageModel<Cell>.self, arguments, blockSize: \.blockSize) { dataset, blockSize in
            SequenceModelConfiguration(vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
                                   embedding: try arguments.int("embedding", in: 1...4096)!, hidden: try arguments.int("hidden", in: 1...4096)!)
        }
    }
}

/// `makemore rnn`: makemore.py's Elman RNN.
enum RNNCommand: Subcommand {
    static let name = "rnn"
    static let summary = "Elman RNN, h = tanh(W·[x, h] + b) from a learned start state"
    static let options = RecurrentStage.options(steps: 50_000)
    static func run(_ arguments: ParsedArguments) throws { try RecurrentStage.run(RNNCell.self, arguments) }
}

/// `makemore gru`: makemore.py's GRU.
enum GRUCommand: Subcommand {
    static let name = "gru"
    static let summary = "GRU (reset and update gates) from a learned start state"
    /// Overfits past ~20 000 steps at this rate (val 2.017 after 50 000).
    static let options = RecurrentStage.options(steps: 20_000)
    static func run(_ arguments: ParsedArguments) throws { try RecurrentStage.run(GRUCell.self, arguments) }
}

/// `makemore bow`: makemore.py's causal bag of words.
enum BoWCommand: Subcommand {
    static let name = "bow"
    static let summary = "causal bag of words (running average of the prefix, tanh MLP)"
    static let options = SequenceStage.options(RecurrentStage.defaults(steps: 50_000), sizes: [
        Option("embedding", value: "N", default: "64", "channels of the embeddings and residual stream (n_embd)"),
        Option("hidden", value: "N", default: "64", "channels of the block's MLP (n_embd2)"),
    ])

    static func run(_ arguments: ParsedArguments) throws {
        try SequenceStage.run(BagOfWords.self, arguments, blockSize: \.blockSize) { dataset, blockSize in
            SequenceModelConfiguration(vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
                                    embedding: try arguments.int("embedding", in: 1...4096)!, hidden: try arguments.int("hidden", in: 1...4096)!)
        }
    }
}
