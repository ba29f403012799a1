/// What a training run produced.
public struct TrainingHistory: Sendable {
    /// The minibatch loss of every step taken.
    public var losses: [Float] = []
    /// Periodic validation losses: (steps done, loss).
    public var evaluations: [(step: Int, loss: Double)] = []
    /// Time spent optimising, evaluation excluded.
    public var trainSeconds: Double = 0
    /// Whether the run stopped early on Ctrl-C.
    public var interrupted = false
    /// The evaluation with the lowest validation loss, if any.
    public var best: (step: Int, loss: Double)?
    /// The decay of the moving average of the weights the run evaluated and ended with, if any.
    public var emaDecay: Double?

    /// Steps taken.
    public var steps: Int { losses.count }
}

/// The one training loop every neural stage uses: schedule → zero grads → loss → backward →
/// update, with progress on stderr, periodic evaluation, and a clean stop on divergence.
public struct TrainingLoop {
    /// Optimisation steps.
    public var steps: Int
    /// The base learning rate the schedule scales.
    public var learningRate: Double
    /// How the rate changes over the run.
    public var schedule: LearningRateSchedule
    /// Evaluate every this many steps (and at the end), if set.
    public var evaluateEvery: Int?
    /// Where progress goes (nil: silent).
    public var progress: ProgressReporter?
    /// Stops the run cleanly when it reports a request (Ctrl-C).
    public var interrupt: InterruptMonitor?
    /// When set, this model's state at the evaluation with the lowest validation loss is restored
    /// at the end of the run (so what is reported and saved is the best model seen).
    public var keepBest: (any Module)?
    /// When set, updated after every step; evaluations see the averaged parameters, and the run
    /// ends with them (or with the best state, if `keepBest` kept one).
    public var average: ExponentialMovingAverage?

    /// A loop of `steps` steps at `learningRate` under `schedule`.
    public init(steps: Int, learningRate: Double, schedule: LearningRateSchedule = .constant,
                evaluateEvery: Int? = nil, progress: ProgressReporter? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.schedule = schedule
        self.evaluateEvery = evaluateEvery
        self.progress = progress
    }

    /// Runs the loop. `loss(step)` builds the graph of one minibatch and returns its scalar
    /// loss; `afterUpdate(step)` runs right after that step's update, while its gradients and
    /// activations are still in place (training diagnostics); `evaluate()` returns the current
    /// validation loss. Throws on a NaN or infinite loss, naming the step.
    public func run(optimizer: Optimizer, loss: (Int) -> Tensor, afterUpdate: ((Int) -> Void)? = nil,
                    evaluate: (() -> Double?)? = nil) throws -> TrainingHistory {
        try run(optimizer: optimizer, gradients: { step in
            let value = loss(step)
            let scalar = value.item
            if scalar.isFinite { value.backward() }
            return scalar
        }, afterUpdate: afterUpdate, evaluate: evaluate)
    }

    /// Runs the loop with the gradients computed by `gradients(step)`, which fills the
    /// optimizer's parameter gradients (zeroed before the call) and returns the minibatch loss:
    /// for training steps that run their own backward passes (e.g. split across threads).
    public func run(optimizer: Optimizer, gradients: (Int) -> Float, afterUpdate: ((Int) -> Void)? = nil,
                    evaluate: (() -> Double?)? = nil) throws -> TrainingHistory {
        var history = TrainingHistory()
        history.emaDecay = average?.decay
        history.losses.reserveCapacity(steps)
        var trainTime = Duration.zero
        var bestState: ParameterSnapshot?
        func validate(after step: Int) {
            guard let evaluate else { return }
            average?.swap()
            defer { average?.swap() }
            guard let validation = evaluate() else { return }
            history.evaluations.append((step, validation))
            progress?.note(String(format: "step %d: val loss %.4f", step, validation))
            if validation < history.best?.loss ?? .infinity {
                history.best = (step, validation)
                bestState = keepBest.map { ParameterSnapshot($0) }
            }
        }
        for step in 0..<steps {
            if interrupt?.isRequested == true {
                history.interrupted = true
                break
            }
            let started = ContinuousClock.now
            let rate = schedule.rate(at: step, base: learningRate)
            optimizer.zeroGrad()
            let scalar = gradients(step)
            guard scalar.isFinite else {
                throw MakemoreError("training diverged at step \(step + 1) (loss \(scalar)); try a lower --lr")
            }
            optimizer.step(learningRate: rate)
            average?.accumulate()
            trainTime += ContinuousClock.now - started
            afterUpdate?(step)
            history.losses.append(scalar)
            progress?.update(step: step + 1, loss: scalar, learningRate: rate)
            if let every = evaluateEvery, (step + 1) % every == 0 || step + 1 == steps {
                validate(after: step + 1)
            }
        }
        if history.interrupted, history.steps > 0, history.evaluations.last?.step != history.steps {
            validate(after: history.steps)
        }
        average?.swap()
        if let keepBest, let bestState { bestState.restore(into: keepBest) }
        history.trainSeconds = trainTime.seconds
        return history
    }
}

extension TrainingHistory {
    /// One JSON object per step, one per line: `step` (1-based), `loss`, `lr` (from `schedule`
    /// and the base `learningRate`), and `val_loss` on the steps that were evaluated.
    public func jsonLines(schedule: LearningRateSchedule, learningRate: Double) -> String {
        let validation = Dictionary(evaluations.map { ($0.step, $0.loss) }, uniquingKeysWith: { _, last in last })
        return losses.enumerated().map { index, loss in
            var members: [(String, JSONValue)] = [("step", .integer(index + 1)), ("loss", .number(Double(loss))),
                                                  ("lr", .number(schedule.rate(at: index, base: learningRate)))]
            if let val = validation[index + 1] { members.append(("val_loss", .number(val))) }
            return JSONValue.object(members).serialized + "\n"
        }.joined()
    }
}
