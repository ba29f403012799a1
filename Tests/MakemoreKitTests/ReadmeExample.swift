import MakemoreKit

/// The README's library example ("Using MakemoreKit from Swift"), compiled: the lines between
/// the markers are the README block after its `let path = …, steps = …` line, indented by four
/// spaces (`ReadmeExampleTests` checks the text), so the test can run it on a toy word list.
func readmeExample(path: String, steps: Int) throws {
    // README BEGIN

    // The words, shuffled and cut 80 / 10 / 10, and their vocabulary.
    let words = try WordList.load(path: path)
    let dataset = try Dataset(split: DatasetSplit(shuffling: words, seed: 42, valFraction: 0.1, testFraction: 0.1))

    // Lecture 3's MLP (3 characters of context, BatchNorm), trained by SGD on batches of 32.
    let stage = try Stage(.mlp(MLPConfiguration()), dataset: dataset, seed: 42)
    let training = TrainingConfiguration(steps: steps, learningRate: 0.1, schedule: .step, batchSize: 32, evaluateEvery: steps / 5)
    try stage.train(training) { event in
        if case .evaluation(let step, let loss) = event { print("step \(step): val loss \(loss)") }
    }

    if let val = stage.evaluate(.val) { print("val NLL \(val.nll), perplexity \(val.perplexity)") }
    print("samples:", try stage.sample(count: 5).joined(separator: ", "))
    // README END
}
