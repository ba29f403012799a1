import MakemoreKit

/// The options and configuration of makemore.py's `RNN`, shared by `rnn` and `gru`.
enum RecurrentStage {
    static let defaults = TrainingDefaults(steps: 20_000, learningRate: 5e-4, optimizer: .adamw, schedule: "constant",
                                           batchSize: "32", weightDecay: 0.01)
    static let options = SequenceStage.options(defaults, sizes: [
        Option("embedding", value: "N", default: "64", "channels of the token embedding (n_embd)"),
        Option("hidden", value: "N", default: "64", "channels of the hidden state (n_embd2)"),
    ])

    static func run<Cell: RecurrentCell>(_ cell: Cell.Type, _ arguments: ParsedArguments) throws {
        try SequenceStage.run(RecurrentLanguageModel<Cell>.self, arguments, blockSize: \.blockSize) { dataset, blockSize in
            RecurrentConfiguration(vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
                                   embedding: try arguments.int("embedding", in: 1...4096)!, hidden: try arguments.int("hidden", in: 1...4096)!)
        }
    }
}

/// `makemore rnn`: makemore.py's Elman RNN.
enum RNNCommand: Subcommand {
    static let name = "rnn"
    static let summary = "stage 5: Elman RNN, h = tanh(W·[x, h] + b) from a learned start state"
    static let options = RecurrentStage.options
    static func run(_ arguments: ParsedArguments) throws { try RecurrentStage.run(RNNCell.self, arguments) }
}

/// `makemore gru`: makemore.py's GRU.
enum GRUCommand: Subcommand {
    static let name = "gru"
    static let summary = "stage 5: GRU (reset and update gates) from a learned start state"
    static let options = RecurrentStage.options
    static func run(_ arguments: ParsedArguments) throws { try RecurrentStage.run(GRUCell.self, arguments) }
}

/// `makemore bow`: makemore.py's causal bag of words.
enum BoWCommand: Subcommand {
    static let name = "bow"
    static let summary = "stage 5: causal bag of words (running average of the prefix, tanh MLP)"
    static let defaults = RecurrentStage.defaults
    static let options = SequenceStage.options(defaults, sizes: [
        Option("embedding", value: "N", default: "64", "channels of the embeddings and residual stream (n_embd)"),
        Option("hidden", value: "N", default: "64", "channels of the block's MLP (n_embd2)"),
    ])

    static func run(_ arguments: ParsedArguments) throws {
        try SequenceStage.run(BagOfWords.self, arguments, blockSize: \.blockSize) { dataset, blockSize in
            BagOfWordsConfiguration(vocabularySize: dataset.vocabulary.size, blockSize: blockSize,
                                    embedding: try arguments.int("embedding", in: 1...4096)!, hidden: try arguments.int("hidden", in: 1...4096)!)
        }
    }
}
