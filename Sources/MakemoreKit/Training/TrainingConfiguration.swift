/// How a stage is trained: the budget, the optimizer and its learning-rate schedule, the
/// minibatches, periodic evaluation, the moving average of the weights and data parallelism.
/// Encoded with snake_case keys; `StageKind.defaultTraining` holds each stage's tuned values.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// Optimisation steps.
    public var steps: Int
    /// The base learning rate the schedule scales.
    public var learningRate: Double
    /// The update rule and its hyperparameters.
    public var optimizer: OptimizerConfiguration
    /// How the rate changes over the run.
    public var schedule: LearningRateSchedule.Kind
    /// Where the step schedule multiplies the rate by 0.1 (nil: half-way).
    public var decayAt: Int?
    /// Warm-up steps of the cosine schedule.
    public var warmup: Int
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
                schedule: LearningRateSchedule.Kind = .constant, decayAt: Int? = nil, warmup: Int = 0, batchSize: Int? = 32,
                sampling: BatchOrder = .replacement, evaluateEvery: Int? = nil, ema: Double? = nil, threads: Int = 1,
                calibratesBatchNorm: Bool = false, diagnosticsEvery: Int? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.schedule = schedule
        self.decayAt = decayAt
        self.warmup = warmup
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
        try requireValue(steps, in: 0...100_000_000, key: "steps", flag: "steps")
        try requireValue(learningRate, in: 0...1e6, key: "learning_rate", flag: "lr")
        try requireValue(optimizer.weightDecay, in: 0...1e6, key: "weight_decay", flag: "weight-decay")
        try requireValue(optimizer.momentum, in: 0...0.999_999, key: "momentum", flag: "optimizer")
        try requireValue(optimizer.beta1, in: 0...0.999_999, key: "beta1", flag: "optimizer")
        try requireValue(optimizer.beta2, in: 0...0.999_999, key: "beta2", flag: "optimizer")
        try requireValue(optimizer.alpha, in: 0...0.999_999, key: "alpha", flag: "optimizer")
        try requireValue(optimizer.eps, in: Float.leastNormalMagnitude...1, key: "eps", flag: "optimizer")
        try requireValue(decayAt ?? 0, in: 0...Int.max, key: "decay_at", flag: "decay-at")
        try requireValue(warmup, in: 0...Int.max, key: "warmup", flag: "warmup")
        try requireValue(batchSize ?? 1, in: 1...10_000_000, key: "batch_size", flag: "batch-size")
        try requireValue(evaluateEvery ?? 1, in: 1...Int.max, key: "evaluate_every", flag: "eval-every")
        try requireValue(ema ?? 0, in: 0...0.999_999_999, key: "ema", flag: "ema")
        try requireValue(threads, in: 1...256, key: "threads", flag: "threads")
        try requireValue(diagnosticsEvery ?? 1, in: 1...Int.max, key: "diagnostics_every", flag: "diagnose-every")
    }

    /// The rate at every step of this run.
    public var learningRateSchedule: LearningRateSchedule {
        LearningRateSchedule(schedule, steps: steps, decayAt: decayAt, warmup: warmup)
    }

    enum CodingKeys: String, CodingKey {
        case steps, learningRate = "learning_rate", optimizer, schedule, decayAt = "decay_at", warmup
        case batchSize = "batch_size", sampling, evaluateEvery = "evaluate_every", ema, threads
        case calibratesBatchNorm = "calibrates_batch_norm", diagnosticsEvery = "diagnostics_every"
    }
}

extension BatchOrder: Codable {}
