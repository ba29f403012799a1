import MakemoreKit

extension TrainingBenchmark {
    /// makemore.py's RNN, GRU and bag-of-words at their defaults (n_embd 64, n_embd2 64): one
    /// AdamW step on 32 words (block 16), as `makemore rnn|gru|bow` take it, and sampling.
    static func recurrent(_ report: inout BenchmarkReport, dataset: Dataset) {
        let blockSize = dataset.longestWord + 1
        let v = dataset.vocabulary.size
        var generator = RandomGenerator(seed: 42)
        let recurrent = SequenceModelConfiguration(vocabularySize: v, blockSize: blockSize)
        let rnn = RNN(configuration: recurrent, using: &generator)
        wholeWords(&report, "rnn", rnn, rnn.loss, dataset: dataset)
        let gru = GRU(configuration: recurrent, using: &generator)
        wholeWords(&report, "gru", gru, gru.loss, dataset: dataset)
        let bow = BagOfWords(configuration: SequenceModelConfiguration(vocabularySize: v, blockSize: blockSize), using: &generator)
        wholeWords(&report, "bow", bow, bow.loss, dataset: dataset)
    }

    /// One training step of a whole-word model on a sampled batch of 32 words, then sampling.
    static func wholeWords<M: Module & LanguageModel>(
        _ report: inout BenchmarkReport, _ name: String, _ model: M, _ loss: (PackedSequences) -> Tensor, dataset: Dataset
    ) {
        let blockSize = dataset.longestWord + 1
        guard let examples = try? SequenceExamples(words: dataset.train, blockSize: blockSize) else { return }
        var generator = RandomGenerator(seed: 42)
        var adamW = OptimizerConfiguration(kind: .adamw, weightDecay: 0.01)
        adamW.beta2 = 0.99
        let optimizer = Optimizer(parameters: model.parameters, configuration: adamW)
        var inputs: [Int32] = [], targets: [Int32] = []
        var sampler = BatchSampler(count: examples.count)
        step(&report, "\(name) defaults", shape: "32 words, block \(blockSize), \(model.parameterCount) params") {
            examples.sampleBatch(size: 32, from: &sampler, using: &generator, inputs: &inputs, targets: &targets)
            optimizer.zeroGrad()
            loss(PackedSequences(paddedInputs: inputs, paddedTargets: targets, blockSize: blockSize)).backward()
            optimizer.step(learningRate: 5e-4)
        }
        sample(&report, name, model, dataset: dataset)
    }
}
