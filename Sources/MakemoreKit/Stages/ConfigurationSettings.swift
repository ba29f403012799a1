import Foundation

// Each configuration's settings, declared once over its `Limits`: the command line's options,
// their `--help` rows and their parsing derive from these (a stage's command is built from its
// definition's settings; see `StageDefinition.settings`).

/// A stage configuration whose values a front end may set, one `Setting` each.
package protocol DeclaresSettings: StageSettings {
    /// The settings, in the order a command's help lists them.
    static var settings: [Setting<Self>] { get }
}

extension MLPConfiguration: DeclaresSettings {
    package static let settings: [Setting<MLPConfiguration>] = [
        Setting("context", \.contextLength, value: "K", limit: Limits.contextLength, "previous characters seen per prediction"),
        Setting("embedding", \.embeddingDimensions, value: "D", limit: Limits.embeddingDimensions, "dimensions of each character's embedding"),
        Setting("hidden", \.hiddenSize, value: "H", limit: Limits.hiddenSize, "width of every hidden layer"),
        Setting("layers", \.hiddenLayers, value: "L", limit: Limits.hiddenLayers, "hidden blocks (Linear → BatchNorm → tanh)"),
        Setting(flag: "no-batchnorm", \.batchNorm, sets: false, "hidden blocks are Linear with bias → tanh"),
        Setting("bn-momentum", \.batchNormMomentum, value: "M", limit: Limits.batchNormMomentum,
                "how far BatchNorm's running statistics move per batch (the lecture's own: 0.001)"),
        Setting("init", \.initialization, value: "NAME", Initialization.allCases.map(\.rawValue).joined(separator: " | ")
                    + " (kaiming: gain 5/3, output ×0.1, or ×0.01 without BatchNorm)"),
    ]
}

extension WaveNetConfiguration: DeclaresSettings {
    package static let settings: [Setting<WaveNetConfiguration>] = [
        Setting("context", \.contextLength, value: "K", limit: Limits.contextLength, "previous characters seen per prediction: a power of two (log2 K levels)"),
        Setting("embedding", \.embeddingDimensions, value: "D", limit: Limits.embeddingDimensions, "dimensions of each character's embedding"),
        Setting("hidden", \.hiddenSize, value: "H", limit: Limits.hiddenSize, "width of every level"),
        Setting(flag: "no-batchnorm", \.batchNorm, sets: false, "levels are Linear with bias → tanh"),
        Setting("bn-momentum", \.batchNormMomentum, value: "M", limit: Limits.batchNormMomentum, "how far BatchNorm's running statistics move per batch"),
    ]
}

extension TransformerConfiguration: DeclaresSettings {
    package static let settings: [Setting<TransformerConfiguration>] = [
        Setting("layers", \.layers, value: "N", limit: Limits.layers, "transformer blocks"),
        Setting("heads", \.heads, value: "N", limit: Limits.heads, "attention heads per block"),
        Setting("embedding", \.embedding, value: "N", limit: Limits.embedding, "channels of the residual stream (divisible by --heads)"),
        Setting("dropout", \.dropout, value: "P", limit: Limits.dropout, "dropout while training, as nanoGPT's: on the embeddings, the attention probabilities and the residual branches"),
        Setting("positions", \.positions, value: "KIND", "position encoding: learned (makemore.py's wpe table) | sinusoidal (fixed sin/cos, no parameters)"),
        Setting("activation", \.activation, value: "NAME", "non-linearity of each block's MLP: gelu (makemore.py's, tanh approximation) | relu"),
        blockSizeSetting(Limits.blockSize),
    ]
}

extension SequenceModelConfiguration: DeclaresSettings {
    /// makemore.py's `ModelConfig` sizes, which its RNN, GRU, BoW and MLP (and the LSTM) take.
    package static let settings: [Setting<SequenceModelConfiguration>] = [
        Setting("embedding", \.embedding, value: "N", limit: Limits.embedding, "channels of the embeddings (n_embd)"),
        Setting("hidden", \.hidden, value: "N", limit: Limits.hidden, "channels of the hidden state, or of the hidden layer (n_embd2)"),
        blockSizeSetting(Limits.blockSize),
    ]
}

extension BlockSizedConfiguration {
    /// Positions per sequence within `limit`; not given, the block size stays 0: the longest
    /// word + 1, which the data sets (so a preset leaving it 0 does not fix it).
    static func blockSizeSetting(_ limit: Limit<Int>) -> Setting<Self> {
        Setting("block-size", placeholder: "N", limit: limit, default: { _ in nil }, spelling: { $0.blockSize == 0 ? nil : String($0.blockSize) },
                "positions per sequence, the longest word sampled + 1 (default: longest word + 1)") { values, c in
            if let given = try values.int("block-size") { c.blockSize = given }
        }
    }
}

extension CountBigram.Configuration: DeclaresSettings {
    package static let settings: [Setting<CountBigram.Configuration>] = [
        Setting("smoothing", placeholder: "S", limit: smoothingLimit, default: { String(format: "%g", $0.smoothing) },
                "pseudo-count added to every pair (0: unseen pairs get probability 0)") { values, c in
            if let given = try values.double("smoothing") { c.smoothing = given }
        },
    ]
}

extension NeuralBigramSettings: DeclaresSettings {
    package static let settings: [Setting<NeuralBigramSettings>] = [
        Setting("l2", \.l2, value: "L", limit: StageConfiguration.l2Limit, "penalty l2·mean(W²) on the weights (0 turns it off)"),
    ]
}

extension TrainingConfiguration {
    /// A default that follows `steps`: "150000 (75 % of --steps)".
    package static func fractionOfSteps(_ fraction: Double, _ steps: Int) -> String {
        "\(steps) (" + String(format: "%.3g", 100 * fraction) + " % of --steps)"
    }

    /// The settings every trained stage shares; `wholeWords` for the stages whose examples are
    /// whole words (batches of words, evaluated every tenth of the run).
    package static func settings(wholeWords: Bool = false) -> [Setting<TrainingConfiguration>] {
        typealias L = Limits
        let unit = wholeWords ? "words" : "examples (a character and its context)"
        return [
            Setting("steps", \.steps, value: "N", limit: L.steps, "optimisation steps"),
            Setting("lr", \.learningRate, value: "RATE", limit: L.learningRate, "base learning rate"),
            // A changed optimizer takes its own defaults but keeps the run's betas and weight decay;
            // the value is the whole optimizer configuration, not only the kind its name spells.
            Setting("optimizer", placeholder: "NAME", default: { $0.optimizer.kind.rawValue }, sameValue: { $0.optimizer == $1.optimizer }, OptimizerKind.allCases.map(\.rawValue).joined(separator: " | ")) { values, c in
                guard let name = try values.choice("optimizer", OptimizerKind.allCases.map(\.rawValue)), let kind = OptimizerKind(rawValue: name),
                      kind != c.optimizer.kind else { return }
                var optimizer = OptimizerConfiguration(kind: kind, weightDecay: c.optimizer.weightDecay)
                (optimizer.beta1, optimizer.beta2, optimizer.decaysMatricesOnly) = (c.optimizer.beta1, c.optimizer.beta2, c.optimizer.decaysMatricesOnly)
                c.optimizer = optimizer
            },
            Setting("schedule", \.schedule, value: "NAME", "learning-rate schedule: constant | step (×0.1 half-way, or at --decay-at) | cosine"),
            Setting("decay-at", \.decayAt, value: "STEP", limit: L.decayAt, default: { $0.decayAt.map(String.init) ?? fractionOfSteps($0.decayFraction ?? 0.5, $0.decayStep) },
                    "step at which the step schedule multiplies the rate by 0.1"),
            Setting("warmup", \.warmup, value: "N", limit: L.warmup, default: { d in d.warmup.map(String.init) ?? d.warmupFraction.map { fractionOfSteps($0, d.warmupSteps) } ?? "0" },
                    "warm-up steps of the cosine schedule"),
            Setting("weight-decay", \.optimizer.weightDecay, value: "L", limit: L.weightDecay, "weight decay (AdamW: decoupled; others: L2 added to the gradient)"),
            Setting("weight-decay-on", placeholder: "WHAT", default: { $0.optimizer.decaysMatricesOnly ? "matrices" : "all" },
                    "what --weight-decay applies to: all (every parameter) | matrices (weights and embeddings, not biases or norm gains)") { values, c in
                if let what = try values.choice("weight-decay-on", ["all", "matrices"]) { c.optimizer.decaysMatricesOnly = what == "matrices" }
            },
            Setting("batch-size", placeholder: "N", limit: L.batchSize, default: { $0.batchSize.map(String.init) ?? "full" },
                    "\(unit) per step (full: the whole training set)") { values, c in
                if let batch = values.string("batch-size") { c.batchSize = batch == "full" ? nil : try values.int("batch-size") }
            },
            Setting("sampling", \.sampling, value: "ORDER", "how batches draw examples: replacement (independent draws, makemore.py) | epochs (each example once per shuffled pass)"),
            Setting("eval-every", \.evaluateEvery, value: "N", limit: L.evaluateEvery, default: { $0.evaluateEvery.map(String.init) ?? (wholeWords ? "a tenth of --steps, at most 500" : nil) },
                    "evaluate the val loss every N steps and keep the best state"),
            Setting("ema", placeholder: "DECAY|off", limit: L.ema, default: { $0.ema.map { String($0) } }, spelling: { $0.ema.map { String($0) } ?? "off" },
                    "evaluate and keep an exponential moving average of the weights, updated every step (e.g. 0.999)") { values, c in
                guard let text = values.string("ema") else { return }
                guard text != "off" else { c.ema = nil; return }
                guard let decay = Double(text) else { throw values.unreadable("ema", expected: "a decay in [0, 1) or 'off'") }
                c.ema = try L.ema.check(decay)
            },
        ]
    }

    /// The model copies a whole-word stage's steps are split across, a setting of those stages'
    /// own (a resumed run keeps it: the count fixes its random streams).
    package static let threadsSetting = Setting<TrainingConfiguration>("threads", \.threads, value: "N", limit: Limits.threads,
                                                                        "model copies a training step's batch is split across (cores: one per core)")

    /// The flag of the stages whose default training recalibrates BatchNorm (WaveNet).
    package static let calibrationSetting = Setting<TrainingConfiguration>(
        flag: "no-calibrate", \.calibratesBatchNorm, sets: false,
        "keep BatchNorm's running averages after training instead of recomputing them over the whole training set")

    /// The training diagnostics of the window networks: asked for by any of the three (the
    /// directory of the plots is the front end's output), taken every `diagnose-every` steps or
    /// every tenth of the run; read after `steps`.
    package static let diagnosticsSettings: [Setting<TrainingConfiguration>] = [
        Setting("diagnose", placeholder: nil, default: { _ in nil },
                "print per-layer activation, gradient and update:data statistics on stderr (and in --json)") { values, c in
            if values.flag("diagnose") { c.diagnosticsEvery = c.diagnosticsEvery ?? max(1, c.steps / 10) }
        },
        Setting("diagnose-every", \.diagnosticsEvery, value: "N", limit: Limits.diagnosticsEvery, default: { _ in nil },
                "diagnose after the first step, every N steps and after the last (default: steps/10)"),
        Setting("plot-diagnostics", placeholder: "DIR", keys: ["diagnostics_plots"], default: { _ in nil },
                "with the diagnostics, write SVG histograms per layer and the update:data ratio over time to DIR") { values, c in
            if values.given("plot-diagnostics") { c.diagnosticsEvery = c.diagnosticsEvery ?? max(1, c.steps / 10) }
        },
    ]
}

extension SplitRecord {
    /// The split a front end asks for when it gives none: `names.txt`, seed 42, a tenth each
    /// held out for validation and test.
    package static let defaults = SplitRecord(input: "names.txt", directory: nil, seed: 42, valFraction: 0.1, testFraction: 0.1)

    /// Where the words come from and how they are split.
    package static let settings: [Setting<SplitRecord>] = [
        Setting("input", placeholder: "FILE", default: { $0.input }, "word list, one word per line (a file, a pipe, or - for standard input)") { values, s in
            if let input = values.string("input") { s.input = input }
        },
        Setting("encoding", placeholder: "NAME", default: { ($0.encoding ?? .utf8).rawValue },
                TextEncoding.allCases.map(\.rawValue).joined(separator: " | ") + " (a UTF-16 byte-order mark is always recognised)") { values, s in
            if let encoding = try values.choice("encoding", TextEncoding.allCases.map(\.rawValue)).flatMap(TextEncoding.init(rawValue:)) {
                s.encoding = encoding == .utf8 ? nil : encoding
            }
        },
        Setting("dedupe", placeholder: nil, default: { _ in nil }, "remove repeated words before the split (the first of each stays; the count removed is said on stderr)") { values, s in
            if values.flag("dedupe") { s.dedupe = true }
        },
        // A split directory replaces the default word list, not one given beside it (which `validate` refuses).
        Setting("split-dir", placeholder: "DIR", keys: ["split_directory"], default: { _ in nil }, "use DIR/train.txt, val.txt, test.txt as the split instead of --input") { values, s in
            guard let directory = values.string("split-dir") else { return }
            s.directory = directory
            if !values.given("input") { s.input = nil }
        },
        Setting("seed", placeholder: "N", default: { String($0.seed) }, "seed for the split, initialisation, batches and sampling") { values, s in
            if let seed = try values.seed("seed") { s.seed = seed }
        },
        Setting("val-fraction", placeholder: "F", default: { String($0.valFraction) }, "share of words held out for validation") { values, s in
            if let fraction = try values.double("val-fraction", in: 0...1) { s.valFraction = fraction }
        },
        Setting("test-fraction", placeholder: "F", default: { String($0.testFraction) }, "share of words held out for test") { values, s in
            if let fraction = try values.double("test-fraction", in: 0...1) { s.testFraction = fraction }
        },
    ]
}
