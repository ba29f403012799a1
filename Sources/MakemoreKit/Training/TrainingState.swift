/// Everything a run that stopped before its last step needs to continue exactly as if it had
/// never stopped: the steps done, the model's last (raw, un-averaged) state dict, the
/// optimizer's step count and moments, the moving average, the best evaluation so far and its
/// state, the batch sampler's place in its order, and the random generators (the run's and the
/// dropout streams'). `TrainingLoop` captures it when a run stops early and restores it when
/// given one to resume; a checkpoint stores it next to the model (see `Checkpoint`).
package struct TrainingState: Sendable {
    /// Steps done (of `training.steps`).
    package var step: Int
    /// The run's configuration: a resumed run keeps it, with as many steps as asked.
    package var training: TrainingConfiguration
    /// The model's state dict (parameters and buffers) after the last step, in state-dict order.
    package var weights: [[Float]]
    /// The optimizer's steps taken (Adam's t).
    package var optimizerStep: Int
    /// The optimizer's first and second buffers, per parameter (nil: the rule keeps none).
    package var moments: (first: [[Float]?], second: [[Float]?])
    /// The moving average: steps averaged and the averages, per parameter (nil: none kept).
    package var average: (count: Int, values: [[Float]])?
    /// The evaluation with the lowest validation loss so far and the state dict then, if any.
    package var best: (step: Int, loss: Double, weights: [[Float]]?)?
    /// The batch sampler's current pass (`epochs`) and the rows of it drawn (nil: full batches).
    package var sampler: (permutation: [Int], drawn: Int)?
    /// The run's generator (batches, and samples after training).
    package var generator: [UInt64]
    /// The random streams (dropout masks) of the model, then of the step's model copies.
    package var streams: [[UInt64]]
    /// The file the state was read from, named by `restore`'s errors (nil: captured in memory).
    package var source: String?

    /// A state with every field given.
    package init(step: Int, training: TrainingConfiguration, weights: [[Float]], optimizerStep: Int,
                moments: (first: [[Float]?], second: [[Float]?]), average: (count: Int, values: [[Float]])?,
                best: (step: Int, loss: Double, weights: [[Float]]?)?, sampler: (permutation: [Int], drawn: Int)?,
                generator: [UInt64], streams: [[UInt64]]) {
        self.step = step
        self.training = training
        self.weights = weights
        self.optimizerStep = optimizerStep
        self.moments = moments
        self.average = average
        self.best = best
        self.sampler = sampler
        self.generator = generator
        self.streams = streams
        source = nil
    }

    /// The state of a run of `training` after `step` steps of `trainingStep` on `model`.
    init(step: Int, training: TrainingConfiguration, trainingStep: TrainingStep, model: any Module,
         best: (step: Int, loss: Double, weights: [[Float]]?)?, generator: RandomGenerator) {
        let average = trainingStep.average
        self.init(step: step, training: training, weights: ParameterSnapshot(model).values,
                  optimizerStep: trainingStep.optimizer.stepCount, moments: trainingStep.optimizer.moments,
                  average: average.map { ($0.count, $0.values) }, best: best,
                  sampler: trainingStep.sampler.map { ($0.permutation, $0.drawn) }, generator: generator.state,
                  streams: (model.randomStreams + trainingStep.replicaStreams).map(\.generator.state))
    }

    /// Puts `model`, `trainingStep` and `generator` where the run stopped; throws, naming
    /// what does not fit, when this state is not of this model and step.
    func restore(into model: any Module, trainingStep: TrainingStep, generator: inout RandomGenerator) throws {
        do {
            try restoreChecked(into: model, trainingStep: trainingStep, generator: &generator)
        } catch let error as MakemoreError {
            throw source.map { MakemoreError.inFile(path: $0, error) } ?? error
        }
    }

    private func restoreChecked(into model: any Module, trainingStep: TrainingStep, generator: inout RandomGenerator) throws {
        guard let last = ParameterSnapshot(values: weights, of: model) else {
            throw MakemoreError.mismatch("the training state's weights do not fit the model")
        }
        guard trainingStep.optimizer.restore(stepCount: optimizerStep, moments: moments) else {
            throw MakemoreError.mismatch("the training state's optimizer moments do not fit the model's parameters and optimizer")
        }
        switch (trainingStep.average, average) {
        case (nil, nil): break
        case (let moving?, let saved?):
            guard moving.restore(count: saved.count, values: saved.values) else {
                throw MakemoreError.mismatch("the training state's moving average does not fit the model's parameters")
            }
        default: throw MakemoreError.mismatch("the training state's moving average does not match the run's ema")
        }
        if let sampler {
            guard let current = trainingStep.sampler, let continued = current.continuing(permutation: sampler.permutation, drawn: sampler.drawn) else {
                throw MakemoreError.mismatch("the training state's batch order does not fit the training set")
            }
            trainingStep.sampler = continued
        }
        let streams = model.randomStreams + trainingStep.replicaStreams
        guard let resumed = RandomGenerator(state: self.generator), streams.count == self.streams.count else {
            throw MakemoreError.mismatch("the training state's random generators do not fit the model")
        }
        for (stream, state) in zip(streams, self.streams) {
            guard let continued = RandomGenerator(state: state) else { throw MakemoreError.mismatch("the training state's dropout generator is malformed") }
            stream.generator = continued
        }
        generator = resumed
        last.restore(into: model)
    }
}
