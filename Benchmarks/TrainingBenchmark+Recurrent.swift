import MakemoreKit

extension TrainingBenchmark {
    /// makemore.py's RNN, GRU and bag-of-words at their defaults (n_embd 64, n_embd2 64): one
    /// AdamW step on 32 words (block 16), as `makemore rnn|gru|bow` take it, and sampling.
    static func recurrent(_ report: inout BenchmarkReport, dataset: Dataset) throws {
        let blockSize = dataset.longestWord + 1
        let v = dataset.vocabulary.size
        var generator = RandomGenerator(seed: 42)
        let recurrent = SequenceModelConfiguration(vocabularySize: v, blockSize: blockSize)
        let rnn = try RNN(configuration: recurrent, using: &generator)
        wholeWords(&report, "rnn", rnn, dataset: dataset)
        let gru = try GRU(configuration: recurrent, using: &generator)
        wholeWords(&report, "gru", gru, dataset: dataset)
        let bow = try BagOfWords(configuration: SequenceModelConfiguration(vocabularySize: v, blockSize: blockSize), using: &generator)
        wholeWords(&report, "bow", bow, dataset: dataset)
    }

    /// One training step of a whole-word model on a sampled batch of 32 words, then sampling.
    static func wholeWords<M: Module & PackedSequenceModel>(_ report: inout BenchmarkReport, _ name: String, _ model: M, dataset: Dataset) {
        guard let examples = try? SequenceExamples(words: dataset.train, blockSize: dataset.longestWord + 1) else { return }
        parallelStep(&report, "\(name) defaults", shape: "32 words, block \(examples.blockSize), \(model.parameterCount) params",
                     models: [model], optimizer: Optimizer(parameters: model.parameters, configuration: makemoreAdamW), learningRate: 5e-4,
                     examples: examples, words: 32)
        sample(&report, name, model, dataset: dataset)
    }
}
