/// How a stage is trained: the budget, the optimizer and its learning-rate schedule, the
/// minibatches, periodic evaluation, the moving average of the weights and data parallelism.
/// Encoded with snake_case keys; each stage's `StageDefinition` holds its tuned values (`StageRegistry`).
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// Optimisation steps.
    public var steps: Int
    /// The base learning rate the schedule scales.
    public var learningRate: Double
    /// The update rule and its hyperparameters.
    public var optimizer: OptimizerConfiguration
    /// How the rate changes over the run.
    public var schedule: LearningRateSchedule.Kind
    /// The step at which the step schedule multiplies the rate by 0.1 (nil: at `decayFraction`
    /// of the run).
    public var decayAt: Int?
    /// Where the step schedule decays when `decayAt` is nil, as a fraction of `steps` (nil:
    /// half-way), so a shortened run keeps the shape of the full one.
    public var decayFraction: Double?
    /// Warm-up steps of the cosine schedule (nil: `warmupFraction` of the run).
    public var warmup: Int?
    /// The cosine schedule's warm-up when `warmup` is nil, as a fraction of `steps` (nil: none).
    public var warmupFraction: Double?
    /// Examples per step (words, for the whole-word stages); nil: the whole training set.
    public var batchSize: Int?
    /// How minibatches draw training examples.
    public var sampling: BatchOrder
    /// Evaluate the val loss every this many steps and keep the best state (nil: never; the
    /// whole-word stages then evaluate every tenth of the run, at most every 500 steps).
    public var evaluateEvery: Int?
    /// The decay of an exponential moving average of the weights that is evaluated and kept
    /// instead of the last step's (nil: none).
    public var ema: Double?
    /// Model copies each step's batch is split across (whole-word stages; one per core helps
    /// when steps are large).
    public var threads: Int
    /// Whether BatchNorm's running statistics are recomputed over the whole training set after
    /// training (window networks; always done when `ema` is set, since averaged weights need
    /// statistics of their own).
    public var calibratesBatchNorm: Bool
    /// Take training diagnostics after the first step, every this many steps and after the
    /// last (window networks; nil: none).
    public var diagnosticsEvery: Int?

    /// A configuration; the defaults are plain SGD at a constant rate on batches of 32.
    public init(steps: Int, learningRate: Double, optimizer: OptimizerConfiguration = OptimizerConfiguration(kind: .sgd),
                schedule: LearningRateSchedule.Kind = .constant, decayAt: Int? = nil, decayFraction: Double? = nil,
                warmup: Int? = nil, warmupFraction: Double? = nil, batchSize: Int? = 32,
                sampling: BatchOrder = .replacement, evaluateEvery: Int? = nil, ema: Double? = nil, threads: Int = 1,
                calibratesBatchNorm: Bool = false, diagnosticsEvery: Int? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.schedule = schedule
        self.decayAt = decayAt
        self.decayFraction = decayFraction
        self.warmup = warmup
        self.warmupFraction = warmupFraction
        self.batchSize = batchSize
        self.sampling = sampling
        self.evaluateEvery = evaluateEvery
        self.ema = ema
        self.threads = threads
        self.calibratesBatchNorm = calibratesBatchNorm
        self.diagnosticsEvery = diagnosticsEvery
    }

    /// Throws, naming the key and its flag, for a value the CLI's flags would refuse (a
    /// configuration read from a file is checked like one given on the command line).
    public func validate() throws {
        try Limits.steps.check(steps)
        try Limits.learningRate.check(learningRate)
        try Limits.weightDecay.check(optimizer.weightDecay)
        try Limits.momentum.check(optimizer.momentum)
        try Limits.beta1.check(optimizer.beta1)
        try Limits.beta2.check(optimizer.beta2)
        try Limits.alpha.check(optimizer.alpha)
        try Limits.eps.check(optimizer.eps)
        if let decayAt { try Limits.decayAt.check(decayAt) }
        if let decayFraction { try Limits.decayFraction.check(decayFraction) }
        if let warmup { try Limits.warmup.check(warmup) }
        if let warmupFraction { try Limits.warmupFraction.check(warmupFraction) }
        if let batchSize { try Limits.batchSize.check(batchSize) }
        if let evaluateEvery { try Limits.evaluateEvery.check(evaluateEvery) }
        if let ema { try Limits.ema.check(ema) }
        try Limits.threads.check(threads)
        if let diagnosticsEvery { try Limits.diagnosticsEvery.check(diagnosticsEvery) }
    }

    /// The range of each value, by key; `validate` and the flags check against them.
    package enum Limits {
        package static let steps = Limit("steps", 0...100_000_000)
        package static let learningRate = Limit<Double>("learning_rate", 0...1e6)
        package static let weightDecay = Limit<Float>("weight_decay", 0...1e6)
        package static let momentum = Limit<Float>("momentum", 0...0.999_999)
        package static let beta1 = Limit<Float>("beta1", 0...0.999_999)
        package static let beta2 = Limit<Float>("beta2", 0...0.999_999)
        package static let alpha = Limit<Float>("alpha", 0...0.999_999)
        package static let eps = Limit<Float>("eps", Float.leastNormalMagnitude...1)
        package static let decayAt = Limit("decay_at", 0...Int.max)
        package static let warmup = Limit("warmup", 0...Int.max)
        package static let batchSize = Limit("batch_size", 1...10_000_000)
        package static let evaluateEvery = Limit("evaluate_every", 1...Int.max)
        package static let ema = Limit<Double>("ema", 0...0.999_999_999)
        package static let threads = Limit("threads", 1...256)
        package static let diagnosticsEvery = Limit("diagnostics_every", 1...Int.max)
        package static let decayFraction = Limit<Double>("decay_fraction", 0...1)
        package static let warmupFraction = Limit<Double>("warmup_fraction", 0...1)
        /// Where a run stops early (`stopAt`).
        package static let stopAt = Limit("stop_at", 1...100_000_000)
    }

    /// The step at which the step schedule decays in this run of `steps` steps.
    package var decayStep: Int { decayAt ?? Self.fraction(decayFraction ?? 0.5, of: steps) }

    /// The cosine schedule's warm-up steps in this run of `steps` steps.
    package var warmupSteps: Int { warmup ?? Self.fraction(warmupFraction ?? 0, of: steps) }

    /// `fraction` of `steps`, rounded down (a half of an odd count as `steps / 2`).
    static func fraction(_ fraction: Double, of steps: Int) -> Int { Int((fraction * Double(steps) + 1e-9).rounded(.down)) }

    /// The rate at every step of this run.
    package var learningRateSchedule: LearningRateSchedule {
        LearningRateSchedule(schedule, steps: steps, decayAt: decayStep, warmup: warmupSteps)
    }

    enum CodingKeys: String, CodingKey {
        case steps, learningRate = "learning_rate", optimizer, schedule, decayAt = "decay_at", decayFraction = "decay_fraction", warmup
        case warmupFraction = "warmup_fraction"
        case batchSize = "batch_size", sampling, evaluateEvery = "evaluate_every", ema, threads
        case calibratesBatchNorm = "calibrates_batch_norm", diagnosticsEvery = "diagnostics_every"
    }
}

extension BatchOrder: Codable {}
