import Foundation

// The ladder: each built-in stage declared once, as one `StageDefinition` — its model, defaults,
// presets, training, compare budget and, for the stages a PyTorch state dict can be imported as,
// how such a file is recognised and read (its `StateDictFormat`, beside its entry). The formats
// are declared here, with the stages, because they join a model to a file layout: the models
// name no file type (Models sit below Files and IO), and a program declares its own model's
// format the same way, in its `StageRegistry.register` call.

extension StageRegistry {
    /// The ladder, tuned on names.txt (see the README and docs/). Decay steps and warm-ups are
    /// fractions of the run, so `steps` alone shortens a run without changing its shape; at the
    /// default lengths they land on the steps named below.
    static let builtIn: [StageDefinition] = [countBigram, neuralBigram, mlp, waveNet, bagOfWords, rnn, gru, lstm, transformer, makemoreMLP]

    /// Stage 1: counts, fitted in closed form when built; a checkpoint holds the counts.
    static let countBigram = StageDefinition(
        kind: CountBigram.kind, summary: "stage 1: count-based bigram (closed-form maximum likelihood with smoothing)", isSequenceModel: false,
        defaultConfiguration: CountBigram.Configuration(smoothing: 1), training: { TrainingConfiguration(steps: 0, learningRate: 0, batchSize: nil) },
        compareBudget: nil, inComparison: true, trains: false, decodeSettings: { try CountBigram.Configuration(from: $0) },
        checkSettings: { configuration, _ in
            try CountBigram.Configuration.smoothingLimit.check(try StageDefinition.settings(configuration, CountBigram.Configuration.self).smoothing)
        },
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
        checkSettings: { configuration, _ in try StageConfiguration.l2Limit.check(try StageDefinition.settings(configuration, NeuralBigramSettings.self).l2) },
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
        // makemore.py's bigram as a bare state dict: the single key `logits`, (V, V).
        stateDict: StateDictFormat<NeuralBigram>.recognised(when: { $0.tensors.count == 1 && $0.tensor(named: "logits") != nil }) { reader in
            NeuralBigram.Configuration(vocabularySize: try reader.shape("logits", rank: 2)[0])
        }.erased)

    // SGD lr 0.1 on batches of 32 for 200 000 steps as in the lecture, but the rate decayed at
    // three quarters of the run (step 150 000, not half-way) and a moving average of the weights evaluated (decay
    // 0.9999): with 15-dimensional embeddings, val 2.0948 / 2.0866 / 2.0922 under seeds 42 / 7
    // / 8 where the lecture's setup (`lectureMLP`) gives 2.1161 at seed 42.
    static let mlp = StageDefinition.window(
        MLP.self, summary: "stage 3: MLP over the previous --context characters (embedding, tanh blocks with BatchNorm)",
        defaults: MLPConfiguration(embeddingDimensions: 15),
        training: { TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step, decayFraction: 0.75, ema: 0.9999) },
        presets: [lecturePreset,
                  StagePreset(name: "makemore", summary: "makemore.py's MLP instead", configuration: .makemoreMLP(SequenceModelConfiguration()),
                              training: makemoreMLPTraining)])

    static let waveNet = StageDefinition.window(
        WaveNet.self, summary: "hierarchical MLP (WaveNet-style tree over --context characters, BatchNorm over batch and time)",
        defaults: WaveNetConfiguration(),
        training: {
            TrainingConfiguration(steps: 200_000, learningRate: 0.1, schedule: .step, decayFraction: 0.75, evaluateEvery: 10_000,
                                  calibratesBatchNorm: true)
        },
        compareBudget: { $0.steps = 20_000 })

    /// makemore.py's BoW; its bare state dict is recognised by `context_block.mlp.c_fc.weight`:
    /// the block size from `wpe`, the widths from `wte` and the MLP's expansion.
    static let bagOfWords = StageDefinition.sequence(
        BagOfWords.self, summary: "causal bag of words (running average of the prefix, tanh MLP)",
        defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 50_000) },
        compareBudget: { $0.steps = 10_000; $0.warmup = 200 },
        stateDict: .recognised(by: "context_block.mlp.c_fc.weight") { reader in
            let wte = try reader.shape("wte.weight", rank: 2), wpe = try reader.shape("wpe.weight", rank: 2)
            let expand = try reader.shape("context_block.mlp.c_fc.weight", rank: 2)
            return SequenceModelConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(wpe[0]), embedding: wte[1], hidden: expand[0])
        })

    static let rnn = StageDefinition.sequence(
        RNN.self, summary: "Elman RNN, h = tanh(W·[x, h] + b) from a learned start state",
        defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 50_000) },
        compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: recurrentStateDict())

    static let gru = StageDefinition.sequence(
        GRU.self, summary: "GRU (reset and update gates) from a learned start state",
        defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 20_000, threads: cores) },
        compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: recurrentStateDict())

    static let lstm = StageDefinition.sequence(
        LSTM.self, summary: "LSTM (input, forget and output gates over a cell state; PyTorch's nn.LSTMCell) from a learned start state",
        defaults: SequenceModelConfiguration(), training: { recurrentTraining(steps: 20_000, threads: cores) },
        compareBudget: { $0.steps = 10_000; $0.warmup = 200 }, stateDict: recurrentStateDict())

    /// A recurrent model's bare state dict (makemore.py's RNN or GRU, or a PyTorch model with
    /// `nn.LSTMCell` as its cell), recognised by its cell's first weight (`cell.xh_to_h.weight`,
    /// `cell.xh_to_z.weight`, `cell.weight_ih`) and checked to have that weight's shape on a cell
    /// built with shapes only from E and H (`wte`, `start`); the block size is the caller's (the
    /// words' longest + 1): a recurrence's weights fix none.
    static func recurrentStateDict<Cell: RecurrentCell>() -> StateDictFormat<RecurrentLanguageModel<Cell>> {
        var generator = RandomGenerator(seed: 0)
        let cellKey = "cell." + Tensor.withShapesOnly { Cell(inputCount: 1, hiddenCount: 1, using: &generator) }.namedParameters()[0].name
        return .recognised(by: cellKey) { reader in
            let wte = try reader.shape("wte.weight", rank: 2), start = try reader.shape("start", rank: 2)
            var generator = RandomGenerator(seed: 0)
            let cell = Tensor.withShapesOnly { Cell(inputCount: wte[1], hiddenCount: start[1], using: &generator) }
            try reader.expect(cellKey, shape: cell.namedParameters()[0].tensor.shape)
            return SequenceModelConfiguration(vocabularySize: wte[0], blockSize: try reader.givenBlockSize(), embedding: wte[1], hidden: start[1])
        }
    }

    // About a minute and a half on two cores, without dropout but with decoupled weight decay
    // 0.3 on the matrices, AdamW lr 4e-3 cosine, batches of 48 words pass by pass and a moving
    // average of the weights (val 1.9120 / 1.9037 / 1.9134 under seeds 42 / 7 / 8; dropout
    // 0.1, decay 0.1 and lr 3e-3 gave a mean of 1.9127 in about 10 % more time); warm-up over
    // 1/44 of the run, 500 of 22 000 steps.
    static let transformer = StageDefinition.sequence(
        Transformer.self, summary: "stage 4: GPT-style transformer (causal self-attention, KV-cache sampling)",
        defaults: TransformerConfiguration(),
        training: transformerTraining, compareBudget: { $0.steps = 8_000; $0.warmup = 300 }, presets: [makemoreTransformer],
        reportsPreset: true, stateDict: transformerStateDict)

    /// makemore.py's transformer as a bare state dict, recognised by `transformer.wte.weight`:
    /// layers counted by `transformer.h.N.ln_1.weight`, the block size from `wpe` (or, with
    /// sinusoidal positions, the causal masks or the caller's), the heads from the `n_head`
    /// metadata, the caller or makemore.py's default.
    static let transformerStateDict = StateDictFormat<Transformer>(recognises: { $0.tensor(named: "transformer.wte.weight") != nil }) { reader in
        let file = reader.file, source = reader.source
        let wte = try reader.shape("transformer.wte.weight", rank: 2)
        let positionCount: Int
        var sinusoidal = false
        if file.tensor(named: "transformer.wpe.weight") != nil {
            positionCount = try reader.shape("transformer.wpe.weight", rank: 2)[0]
        } else {
            if file.tensor(named: "transformer.h.0.attn.bias") != nil {
                positionCount = try reader.shape("transformer.h.0.attn.bias", rank: 4)[3]
            } else if let blockSize = reader.callerBlockSize {
                positionCount = blockSize
            } else {
                throw MakemoreError.file(path: source, reason: "a transformer state dict without 'transformer.wpe.weight' (sinusoidal positions) or causal masks does not record its block size: give the words it models")
            }
            sinusoidal = true
        }
        let layers = (0...).prefix { file.tensor(named: "transformer.h.\($0).ln_1.weight") != nil }.count
        let headCount: (count: Int, source: ImportedModel.HeadCountSource)
        if let text = file.metadata["n_head"] {
            guard let count = Int(text), count > 0 else { throw MakemoreError.file(path: source, reason: "metadata n_head '\(text)' is not a positive whole number") }
            headCount = (count, .metadata)
        } else if let heads = reader.givenHeads {
            headCount = (heads, .caller)
        } else {
            headCount = (ImportedModel.makemoreHeads, .makemoreDefault)
        }
        let count = headCount.count
        guard layers > 0, count > 0, wte[1] % count == 0 else {
            throw MakemoreError.file(path: source, reason: "cannot build a transformer of \(layers) layers, \(wte[1]) channels and \(count) heads")
        }
        for layer in 0..<layers { try reader.expect("transformer.h.\(layer).mlp.c_fc.weight", shape: [4 * wte[1], wte[1]]) }
        let configuration = TransformerConfiguration(vocabularySize: wte[0], blockSize: try reader.blockSize(positionCount),
                                                     layers: layers, heads: count, embedding: wte[1],
                                                     positions: sinusoidal ? .sinusoidal : .learned)
        return ImportedModel(model: try reader.build(Transformer.self, configuration), heads: headCount, sinusoidalPositions: sinusoidal)
    }

    static let makemoreMLP = StageDefinition.sequence(
        MakemoreMLP.self, summary: "makemore.py's MLP: the block of tokens before each position (<BLANK>-padded), tanh layer",
        defaults: SequenceModelConfiguration(), training: makemoreMLPTraining, inComparison: false,
        // Its bare state dict is recognised by `mlp.0.weight`: the block size is the hidden
        // layer's input over the embedding width; `wte` has the extra `<BLANK>` row.
        stateDict: .recognised(by: "mlp.0.weight") { reader in
            let wte = try reader.shape("wte.weight", rank: 2), hidden = try reader.shape("mlp.0.weight", rank: 2)
            let head = try reader.shape("mlp.2.weight", rank: 2)
            guard wte[1] > 0, hidden[1] % wte[1] == 0, wte[0] == head[0] + 1 else {
                throw MakemoreError.file(path: reader.source, reason: "'mlp.0.weight' \(hidden) and 'mlp.2.weight' \(head) do not fit 'wte.weight' \(wte) of makemore.py's MLP")
            }
            return SequenceModelConfiguration(vocabularySize: head[0], blockSize: try reader.blockSize(hidden[1] / wte[1]), embedding: wte[1], hidden: hidden[0])
        })

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
        name: "makemore", exact: true,
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
}
