import Foundation

/// Every stage by name: the ladder's definitions, the one place each built-in stage is
/// declared, then whatever a program registers. `makemore --help` lists the stages in this
/// order and `compare` runs them in it.
public enum StageRegistry {
    /// The registered definitions, the built-in ones first.
    public static var definitions: [StageDefinition] { registry.definitions }

    /// The definition of the stage named `name`, or nil.
    public static func definition(named name: String) -> StageDefinition? { registry.definitions.first { $0.kind.rawValue == name } }

    /// Adds `definition` after the others; throws when its name is already taken.
    public static func register(_ definition: StageDefinition) throws { try registry.add(definition) }

    /// The model `checkpoint` (read from `source`, named in errors) holds, rebuilt and loaded.
    package static func restoreModel(_ checkpoint: Checkpoint, source: String) throws -> any CheckpointableModel {
        try definition(checkpoint: checkpoint, path: source).restoreModel(checkpoint, source)
    }

    /// The definition of the stage `checkpoint` holds; an unregistered kind is an error naming `path`.
    static func definition(checkpoint: Checkpoint, path: String) throws -> StageDefinition {
        guard let definition = definition(named: checkpoint.kind) else {
            throw MakemoreError.file(path: path, reason: "unknown model kind '\(checkpoint.kind)' (known: \(definitions.map(\.kind.rawValue).joined(separator: ", ")))")
        }
        return definition
    }

    private static let registry = Registry(builtIn)

    /// Lecture 3's exact MLP and its training (embedding 10, SGD lr 0.1 decayed ×0.1 half-way,
    /// no moving average): the MLP's preset `lecture`, the configuration the speed benchmark
    /// and the PyTorch comparison use.
    package static var lectureMLP: (configuration: StageConfiguration, training: TrainingConfiguration) {
        (lecturePreset.configuration, lecturePreset.training)
    }

    /// The MLP's `lecture` preset: lecture 3's model and training.
    static let lecturePreset = StagePreset(
        name: "lecture", summary: "lecture 3's exact MLP and training (embedding 10, decay half-way, no moving average)",
        configuration: .mlp(MLPConfiguration()), training: { TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step) })

    /// makemore.py's MLP trained as makemore.py trains it: AdamW lr 5e-4 constant, batches of 32
    /// words drawn with replacement. The stage `makemore-mlp`'s defaults, and the MLP's preset
    /// `makemore`.
    static func makemoreMLPTraining() -> TrainingConfiguration {
        TrainingConfiguration(steps: 50_000, learningRate: 5e-4, optimizer: makemoreAdamW, batchSize: 32)
    }

    /// The transformer's default training (see `builtIn`).
    static func transformerTraining() -> TrainingConfiguration {
        var adamW = makemoreAdamW
        adamW.weightDecay = 0.3
        adamW.decaysMatricesOnly = true
        return TrainingConfiguration(steps: 22_000, learningRate: 4e-3, optimizer: adamW, schedule: .cosine, warmupFraction: 1.0 / 44,
                                     batchSize: 48, sampling: .epochs, ema: 0.999, threads: cores)
    }

    /// The transformer's `makemore` preset: makemore.py's sizes (the stage's default model) and
    /// its training over the stage's run length and threads: AdamW lr 5e-4 constant, weight
    /// decay 0.01 on every parameter, batches of 32 drawn with replacement, no moving average.
    static let makemoreTransformer = StagePreset(
        name: "makemore",
        summary: "makemore.py's defaults exactly (4 layers, 4 heads, n_embd 64, AdamW lr 5e-4 constant, wd 0.01 on every parameter, batch 32, batches drawn with replacement, no dropout, no moving average)",
        configuration: .transformer(TransformerConfiguration()),
        training: {
            var training = transformerTraining()
            training.optimizer = makemoreAdamW
            training.learningRate = 5e-4
            training.schedule = .constant
            training.warmup = 0
            training.ema = nil
            training.batchSize = 32
            training.sampling = .replacement
            return training
        })

    /// makemore.py's optimizer: AdamW, betas (0.9, 0.99), weight decay 0.01 on every parameter.
    static var makemoreAdamW: OptimizerConfiguration {
        var adamW = OptimizerConfiguration(kind: .adamw, weightDecay: 0.01)
        adamW.beta2 = 0.99
        return adamW
    }

    /// The whole-word recurrent and bag-of-words stages' training: makemore.py's AdamW at lr
    /// 3e-3 cosine, which beat its 5e-4 constant at 20 000 steps for every one of them (val 2.064
    /// vs 2.080 RNN, 2.013 vs 2.036 GRU, 2.162 vs 2.185 BoW), for `steps` (each run to where its
    /// val loss stopped improving: the GRU overfits past ~20 000), on `threads` model copies,
    /// warming up over 200 of the `steps` (as a fraction, so a shorter run keeps the shape).
    static func recurrentTraining(steps: Int, threads: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(steps: steps, learningRate: 3e-3, optimizer: makemoreAdamW, schedule: .cosine, warmupFraction: 200 / Double(steps),
                              batchSize: 32, threads: threads)
    }

    /// One model copy per core, for the stages a second core measurably helps (the transformer;
    /// gru 0.535 → 0.408 ms/step; rnn and bow gain nothing): the machine's cores, unless
    /// `withCores` fixes the count.
    static var cores: Int { assumedCores ?? ProcessInfo.processInfo.activeProcessorCount }

    @TaskLocal private static var assumedCores: Int?

    /// `body` with the defaults of one model copy per core made for `cores` cores (nil: the
    /// machine's), so those stages' numbers do not depend on the machine (`compare --threads`).
    package static func withCores<T>(_ cores: Int?, _ body: () throws -> T) rethrows -> T {
        try $assumedCores.withValue(cores ?? assumedCores, operation: body)
    }

    /// The ladder, tuned on names.txt (see the README and docs/). Decay steps and warm-ups are
    /// fractions of the run, so `steps` alone shortens a run without changing its shape; at the
    /// default lengths they land on the steps named below.
    static let builtIn: [StageDefinition] = [
        countBigram,
        neuralBigram,
        // SGD lr 0.1 on batches of 32 for 200 000 steps as in the lecture, but the rate decayed at
        // three quarters of the run (step 150 000, not half-way) and a moving average of the weights evaluated (decay
        // 0.9999): with 15-dimensional embeddings, val 2.0948 / 2.0866 / 2.0922 under seeds 42 / 7
        // / 8 where the lecture's setup (`lectureMLP`) gives 2.1161 at seed 42.
        .window(MLP.self, summary: "stage 3: MLP over the previous --context characters (embedding, tanh blocks with BatchNorm)",
                defaults: MLPConfiguration(embeddingDimensions: 15),
                training: { TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step, decayFraction: 0.75, ema: 0.9999) },
                presets: [lecturePreset,
                          StagePreset(name: "makemore", summary: "makemore.py's MLP instead", configuration: .makemoreMLP(SequenceModelConfiguration()),
                                      training: makemoreMLPTraining)]),
        .window(WaveNet.self, summary: "hierarchical MLP (WaveNet-style tree over --context characters, BatchNorm over batch and time)",
                defaults: WaveNetConfiguration(),
                training: {
                    TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step, decayFraction: 0.75, evaluateEvery: 10_000,
                                          calibratesBatchNorm: true)
                },
                compareBudget: { $0.steps = 20_000 }),
        .sequence(BagOfWords.self, summary: "causal bag of words (running average of the prefix, tanh MLP)",
                  defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 50_000) },
                  compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: .bagOfWords),
        .sequence(RNN.self, summary: "Elman RNN, h = tanh(W·[x, h] + b) from a learned start state",
                  defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 50_000) },
                  compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: .recurrent(RNN.self)),
        .sequence(GRU.self, summary: "GRU (reset and update gates) from a learned start state",
                  defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 20_000, threads: cores) },
                  compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: .recurrent(GRU.self)),
        .sequence(LSTM.self, summary: "LSTM (input, forget and output gates over a cell state; PyTorch's nn.LSTMCell) from a learned start state",
                  defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 20_000, threads: cores) },
                  compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: .recurrent(LSTM.self)),
        // About a minute and a half on two cores, without dropout but with decoupled weight decay
        // 0.3 on the matrices, AdamW lr 4e-3 cosine, batches of 48 words pass by pass and a moving
        // average of the weights (val 1.9120 / 1.9037 / 1.9134 under seeds 42 / 7 / 8; dropout
        // 0.1, decay 0.1 and lr 3e-3 gave a mean of 1.9127 in about 10 % more time); warm-up over
        // 1/44 of the run, 500 of 22 000 steps.
        .sequence(Transformer.self, summary: "stage 4: GPT-style transformer (causal self-attention, KV-cache sampling)",
                  defaults: TransformerConfiguration(),
                  training: transformerTraining, compareBudget: { $0.steps = 8_000; $0.warmup = 300 }, presets: [makemoreTransformer],
                  reportsPreset: true, stateDict: .transformer),
        .sequence(MakemoreMLP.self, summary: "makemore.py's MLP: the block of tokens before each position (<BLANK>-padded), tanh layer",
                  defaults: SequenceModelConfiguration(), training: makemoreMLPTraining, inComparison: false,
                  stateDict: .makemoreMLP),
    ]

    /// Stage 1: counts, fitted in closed form when built; a checkpoint holds the counts.
    static let countBigram = StageDefinition(
        kind: CountBigram.kind, summary: "stage 1: count-based bigram (closed-form maximum likelihood with smoothing)", isSequenceModel: false,
        defaultConfiguration: CountBigram.Configuration(smoothing: 1), training: { TrainingConfiguration(steps: 0, learningRate: 0, batchSize: nil) },
        compareBudget: nil, inComparison: true, trains: false, decodeSettings: { try CountBigram.Configuration(from: $0) },
        build: { configuration, dataset, _ in
            let c = try StageDefinition.settings(configuration, CountBigram.Configuration.self)
            try CountBigram.Configuration.smoothingLimit.check(c.smoothing)
            try MemoryEstimate(CountBigram.self, configuration: c, vocabularySize: dataset.vocabulary.size, rowsPerStep: 0).check()
            return CountBigramEngine(smoothing: c.smoothing, dataset: dataset)
        },
        restore: { checkpoint, path, _, _ in CountBigramEngine(model: try checkpoint.restore(CountBigram.self, source: path)) },
        restoreModel: { try $0.restore(CountBigram.self, source: $1) }, adopt: { _, _ in nil })

    /// Stage 2: one V×V matrix trained on the whole training set for 300 steps at lr 50; a
    /// checkpoint stores no l2 penalty (the settings given apply, else the default).
    static let neuralBigram = StageDefinition(
        kind: NeuralBigram.kind, summary: "stage 2: neural bigram (one V×V weight matrix, softmax, gradient descent)", isSequenceModel: false,
        defaultConfiguration: NeuralBigramSettings(), training: { TrainingConfiguration(steps: 300, learningRate: 50, batchSize: nil) },
        compareBudget: { $0.steps = 100 }, inComparison: true, decodeSettings: { try NeuralBigramSettings(from: $0) },
        build: { configuration, dataset, generator in
            let l2 = try StageDefinition.settings(configuration, NeuralBigramSettings.self).l2
            try StageConfiguration.l2Limit.check(l2)
            let v = dataset.vocabulary.size
            try StageDefinition.checkBuildable(NeuralBigram.self, NeuralBigram.Configuration(vocabularySize: v), vocabularySize: v)
            return NeuralBigramEngine(model: try NeuralBigram(vocabularySize: v, using: &generator), l2: l2, dataset: dataset)
        },
        restore: { checkpoint, path, dataset, settings in
            let l2 = settings?.settings(as: NeuralBigramSettings.self)?.l2 ?? NeuralBigramSettings().l2
            return NeuralBigramEngine(model: try checkpoint.restore(NeuralBigram.self, source: path), l2: l2, dataset: dataset)
        },
        restoreModel: { try $0.restore(NeuralBigram.self, source: $1) },
        adopt: { model, dataset in (model as? NeuralBigram).map { NeuralBigramEngine(model: $0, l2: NeuralBigramSettings().l2, dataset: dataset) } },
        stateDict: .neuralBigram)
}

/// The registered definitions behind a lock: a program may register from any thread.
private final class Registry: @unchecked Sendable {
    private let lock = NSLock()
    /// Read and written only while `lock` is held.
    private var stored: [StageDefinition]

    init(_ definitions: [StageDefinition]) { stored = definitions }

    var definitions: [StageDefinition] { lock.withLock { stored } }

    func add(_ definition: StageDefinition) throws {
        try lock.withLock {
            let name = definition.kind.rawValue
            guard !name.isEmpty, !stored.contains(where: { $0.kind.rawValue == name }) else {
                throw MakemoreError.invalidValue(name: "stage name", rule: "not empty and not yet registered", value: "'\(name)'")
            }
            stored.append(definition)
        }
    }
}
