import Foundation
import MakemoreKit

/// `makemore neural-bigram`: stage 2, one weight matrix trained by gradient descent.
enum NeuralBigramCommand: Subcommand {
    static let name = "neural-bigram"
    static let summary = "stage 2: neural bigram (one V×V weight matrix, softmax, gradient descent)"
    static let options = StageOptions.common
        + TrainingOptions.options(TrainingDefaults(steps: 300, learningRate: 50, optimizer: .sgd, schedule: "constant", batchSize: "full"))
        + [Option("l2", value: "L", default: "0.01", "penalty l2·mean(W²) on the weights (0 turns it off)")]

    static func run(_ arguments: ParsedArguments) throws {
        let clock = ContinuousClock.now
        let training = try TrainingOptions(arguments)
        let l2 = Float(try arguments.double("l2", in: 0...1e6)!)
        let checkpoint = try StageOptions.checkpoint(arguments)
        let dataset = try StageOptions.dataset(arguments, checkpoint: checkpoint)
        var generator = RandomGenerator(seed: try arguments.seed("seed")!)
        let v = dataset.vocabulary.size
        let model = try checkpoint?.restore(NeuralBigram.self, source: arguments.string("load")!)
            ?? NeuralBigram(vocabularySize: v, using: &generator)
        let examples = WindowExamples(words: dataset.train, contextLength: 1)
        let initialLoss = Tensor.withoutGradient { model.loss(contexts: examples.contexts, targets: examples.targets, l2: 0).item }
        let optimizer = Optimizer(parameters: model.parameters, configuration: training.optimizer)
        var contexts: [Int32] = [], targets: [Int32] = []
        var sampler = BatchSampler(count: examples.count, order: training.sampling)
        let loop = checkpoint == nil ? training.loop(keepingBest: model, optimizer: optimizer) : TrainingLoop(steps: 0, learningRate: 0)
        let history = try loop.run(optimizer: optimizer, loss: { _ in
            guard let size = training.batchSize else {
                return model.loss(contexts: examples.contexts, targets: examples.targets, l2: l2)
            }
            examples.sampleBatch(size: size, from: &sampler, using: &generator, contexts: &contexts, targets: &targets)
            return model.loss(contexts: contexts, targets: targets, l2: l2)
        }, evaluate: { Evaluator.evaluate(model, words: dataset.val)?.nll })
        try training.writeOutputs(history, model: name)
        try StageOptions.save(model, dataset, arguments, checkpoint: checkpoint, step: (checkpoint?.step ?? 0) + (history.best?.step ?? history.steps),
                              valLoss: Evaluator.evaluate(model, words: dataset.val)?.nll)

        let counts = CountBigram(words: dataset.train, vocabularySize: v, smoothing: 1)
        let countVal = Evaluator.evaluate(counts, words: dataset.val)?.nll
        var report = StageReport(model: name, parameters: model.parameterCount, dataset: dataset,
                                 losses: StageOptions.losses(model, dataset),
                                 samples: try StageOptions.samples(model, dataset, arguments, generator: &generator))
        training.record(history, in: &report)
        let ideal = log(Double(v))
        var valGap: Double?
        if let neuralVal = report.losses[.val] ?? nil, let countVal { valGap = neuralVal.nll - countVal }
        report.extra = [("initial_loss", .number(Double(initialLoss))), ("uniform_loss", .number(ideal)),
                        ("count_bigram_val_loss", .number(countVal)), ("val_gap_to_count_bigram", .number(valGap)),
                        ("l2", .number(Double(l2)))]
        report.seconds = (ContinuousClock.now - clock).seconds
        var details = [String(format: "initial loss %.4f (uniform ln V = %.4f; N(0,1) logits add ≈ 0.5)", initialLoss, ideal)]
        if let countVal, let valGap {
            details.append(String(format: "count bigram (smoothing 1) val NLL %.4f; gap %+.4f nats", countVal, valGap))
        }
        StageOptions.emit(report, arguments, details: details)
    }
}
