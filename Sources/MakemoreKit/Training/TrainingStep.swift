import MakemoreKernels

/// One optimisation step, the only one in the project: zero the gradients, compute one
/// minibatch's loss and its gradients, update the parameters, fold them into the moving
/// average. The training loop, the learning-rate finder, the stages and the benchmark all take
/// their steps through it.
///
/// The minibatch comes from `gradients`, which fills the optimizer's parameter gradients and
/// returns the loss, drawing any randomness from the caller's generator. The constructors below
/// cover the project's two kinds of batches; each keeps its batch buffers across steps.
package final class TrainingStep {
    /// The optimizer the step updates.
    package let optimizer: Optimizer
    /// Updated after every step, if set.
    package let average: ExponentialMovingAverage?
    private let gradients: (inout RandomGenerator) -> Float
    /// The batch sampler's place, for the steps that draw minibatches.
    private var samplerCell: SamplerCell?

    /// The random streams (dropout) of the step's own model copies, beyond the trained model's.
    private(set) var replicaStreams: [RandomStream] = []

    /// Where the minibatches are in their order (nil: the step draws none).
    var sampler: BatchSampler? {
        get { samplerCell?.sampler }
        set { if let newValue { samplerCell?.sampler = newValue } }
    }

    /// A step whose gradients and loss come from `gradients`.
    package init(optimizer: Optimizer, average: ExponentialMovingAverage? = nil, gradients: @escaping (inout RandomGenerator) -> Float) {
        self.optimizer = optimizer
        self.average = average
        self.gradients = gradients
    }

    /// A step that backpropagates the scalar `loss` builds (skipped when it is not finite).
    package convenience init(optimizer: Optimizer, average: ExponentialMovingAverage? = nil, loss: @escaping (inout RandomGenerator) -> Tensor) {
        self.init(optimizer: optimizer, average: average) { generator in
            let value = loss(&generator)
            let scalar = value.item
            if scalar.isFinite { value.backward() }
            return scalar
        }
    }

    /// A step on windows of `examples`: `batchSize` rows drawn in `order` (nil: all of them),
    /// scored by `loss(contexts, targets)`.
    package convenience init(optimizer: Optimizer, average: ExponentialMovingAverage? = nil, windows examples: WindowExamples,
                            batchSize: Int?, order: BatchOrder = .replacement, loss: @escaping ([Int32], [Int32]) -> Tensor) {
        self.init(optimizer: optimizer, average: average, windows: examples, batchSize: batchSize, order: order) { contexts, targets in
            let value = loss(contexts, targets)
            let scalar = value.item
            if scalar.isFinite { value.backward() }
            return scalar
        }
    }

    /// A step on windows of `examples` training `network` on its loss: an MLP through its
    /// `MLPTrainingPlan` (the same bits, without a graph) on every step the plan applies to,
    /// anything else through the graph of `network.loss(contexts:targets:)`.
    package convenience init<Network: WindowNetwork>(optimizer: Optimizer, average: ExponentialMovingAverage? = nil, windows examples: WindowExamples,
                                                      batchSize: Int?, order: BatchOrder = .replacement, network: Network) {
        guard let plan = (network as? MLP).flatMap(MLPTrainingPlan.init) else {
            self.init(optimizer: optimizer, average: average, windows: examples, batchSize: batchSize, order: order) { network.loss(contexts: $0, targets: $1) }
            return
        }
        self.init(optimizer: optimizer, average: average, windows: examples, batchSize: batchSize, order: order) { contexts, targets in
            if plan.applies { return plan.lossAndGradients(contexts: contexts, targets: targets) }
            let value = network.loss(contexts: contexts, targets: targets)
            let scalar = value.item
            if scalar.isFinite { value.backward() }
            return scalar
        }
    }

    /// A step on windows of `examples` whose loss and gradients come from `gradients(contexts, targets)`.
    private convenience init(optimizer: Optimizer, average: ExponentialMovingAverage?, windows examples: WindowExamples,
                             batchSize: Int?, order: BatchOrder, gradients: @escaping ([Int32], [Int32]) -> Float) {
        var rows: [Int] = [], contexts: [Int32] = [], targets: [Int32] = []
        let cell = SamplerCell(BatchSampler(count: examples.count, order: order))
        self.init(optimizer: optimizer, average: average) { generator in
            guard let batchSize else { return gradients(examples.contexts, examples.targets) }
            examples.sampleBatch(size: batchSize, from: &cell.sampler, using: &generator, rows: &rows, contexts: &contexts, targets: &targets)
            return gradients(contexts, targets)
        }
        if batchSize != nil { samplerCell = cell }
    }

    /// A step on whole words of `examples`: `batchSize` words drawn in `order`, packed, split
    /// across `parallel`'s model copies and backpropagated concurrently into its primary, which
    /// `optimizer` updates.
    package convenience init<Model: Module & PackedSequenceModel>(
        optimizer: Optimizer, average: ExponentialMovingAverage? = nil, sequences examples: SequenceExamples,
        batchSize: Int, order: BatchOrder = .replacement, parallel: DataParallel<Model>
    ) {
        var inputs: [Int32] = [], targets: [Int32] = []
        let cell = SamplerCell(BatchSampler(count: examples.count, order: order))
        let copies = parallel.models.count
        self.init(optimizer: optimizer, average: average) { generator in
            examples.sampleBatch(size: batchSize, from: &cell.sampler, using: &generator, inputs: &inputs, targets: &targets)
            let shares = PackedSequences(paddedInputs: inputs, paddedTargets: targets, blockSize: examples.blockSize).split(into: copies)
            return parallel.gradients(counts: shares.map(\.rows)) { model, share in model.loss(shares[share]) }
        }
        samplerCell = cell
        replicaStreams = parallel.models.dropFirst().flatMap(\.randomStreams)
    }

    /// Takes the step at `learningRate` and returns its minibatch loss. A loss that is not
    /// finite leaves the parameters and the average as they were.
    @discardableResult
    package func callAsFunction(learningRate: Double, using generator: inout RandomGenerator) -> Float {
        optimizer.zeroGrad()
        let loss = gradients(&generator)
        guard loss.isFinite else { return loss }
        optimizer.step(learningRate: learningRate)
        average?.accumulate()
        return loss
    }
}

/// The batch sampler a step's minibatch closure advances, shared with the step that exposes it.
private final class SamplerCell {
    var sampler: BatchSampler

    init(_ sampler: BatchSampler) { self.sampler = sampler }
}
