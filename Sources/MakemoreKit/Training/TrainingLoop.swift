/// What a training run produced.
public struct TrainingHistory: Sendable {
    /// The minibatch loss of every step taken.
    public var losses: [Float] = []
    /// Periodic validation losses: (steps done, loss).
    public var evaluations: [(step: Int, loss: Double)] = []
    /// Time spent optimising, evaluation excluded.
    public var trainSeconds: Double = 0
    /// Whether the run stopped early on Ctrl-C.
    package var interrupted = false
    /// The evaluation with the lowest validation loss, if any.
    public var best: (step: Int, loss: Double)?
    /// The decay of the moving average of the weights the run evaluated and ended with, if any.
    package var emaDecay: Double?
    /// Steps done before the run began (a resumed run's start); `losses[0]` is step `startStep + 1`.
    package var startStep = 0
    /// Where the run stopped, when it stopped before its last step (`stopAt`, Ctrl-C) and its
    /// loop knew the model (`keepBest`): what continuing it exactly needs.
    package var resumable: TrainingState?

    /// Steps taken in this run.
    public var steps: Int { losses.count }
}

/// The one training loop every neural stage uses: schedule → `TrainingStep` (zero grads, loss,
/// backward, update, moving average), with progress events, periodic evaluation, best-state
/// selection, a clean stop on request and an error on divergence.
package struct TrainingLoop {
    /// Optimisation steps.
    package var steps: Int
    /// The base learning rate the schedule scales.
    package var learningRate: Double
    /// How the rate changes over the run.
    package var schedule: LearningRateSchedule
    /// Evaluate every this many steps (and at the end), if set.
    package var evaluateEvery: Int?
    /// Asked before every step: true ends the run cleanly after the steps taken so far (Ctrl-C,
    /// a cancelled task).
    package var shouldStop: (() -> Bool)?
    /// A loss above `loss` once `afterSteps` steps have run (the warm-up, when an initialisation
    /// may start high) counts as divergence, like NaN: the run throws.
    package var divergence: (loss: Float, afterSteps: Int)?
    /// Receives every step's progress and every evaluation.
    package var onEvent: ((TrainingEvent) -> Void)?
    /// When set, this model's state at the evaluation with the lowest validation loss is restored
    /// at the end of the run (so what is reported and saved is the best model seen), and a run
    /// that stops early records this model's `TrainingState`.
    package var keepBest: (any Module)?
    /// Stop after this many steps while keeping the schedule of `steps` (nil: run them all);
    /// the run's `TrainingState` is then in its history, to resume later.
    package var stopAt: Int?
    /// Continue the run this state was captured from (on `keepBest`'s model), from its step;
    /// its generator replaces the one given to `run`.
    package var resuming: TrainingState?
    /// The configuration recorded in a captured `TrainingState`.
    package var configuration: TrainingConfiguration?
    /// Every this many steps (after that step's evaluation, if any; not after the run's last
    /// step), `checkpoint` receives the run's `TrainingState` on `keepBest`'s model, to write a
    /// checkpoint a killed run can resume from; a throw ends the run.
    package var checkpointEvery: Int?
    /// Receives the states `checkpointEvery` asks for.
    package var checkpoint: ((TrainingState) throws -> Void)?

    /// A loop of `steps` steps at `learningRate` under `schedule`.
    package init(steps: Int, learningRate: Double, schedule: LearningRateSchedule = .constant, evaluateEvery: Int? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.schedule = schedule
        self.evaluateEvery = evaluateEvery
    }

    /// Runs the loop over `step`, its batches drawn from `generator`. `afterStep(step)` runs
    /// right after that step's update (0-based), while its gradients and activations are still
    /// in place (training diagnostics); `evaluate()` returns the current validation loss, and
    /// sees the moving average of the weights when the step keeps one, which the run then ends
    /// with (or with the best state, if `keepBest` kept one). Throws on a NaN or infinite loss,
    /// naming the step, and when `resuming` does not fit the model or the step.
    package func run(_ step: TrainingStep, using generator: inout RandomGenerator, beforeStep: ((Int) -> Void)? = nil,
                    afterStep: ((Int) -> Void)? = nil, evaluate: (() -> Double?)? = nil) throws -> TrainingHistory {
        let average = step.average
        var history = TrainingHistory()
        history.emaDecay = steps > 0 ? average?.decay : nil
        history.losses.reserveCapacity(steps)
        var trainTime = Duration.zero
        var bestState: ParameterSnapshot?
        var start = 0
        if let resuming {
            guard let model = keepBest else { throw MakemoreError.mismatch("resuming a run needs its model") }
            guard resuming.step < steps else {
                throw MakemoreError.invalidValue(name: "steps", rule: "more than the \(resuming.step) steps the run was already trained, to resume it", value: "\(steps)")
            }
            try resuming.restore(into: model, trainingStep: step, generator: &generator)
            if let best = resuming.best {
                history.best = (best.step, best.loss)
                if let weights = best.weights {
                    guard let snapshot = ParameterSnapshot(values: weights, of: model) else {
                        throw MakemoreError.mismatch("the training state's best weights do not fit the model")
                    }
                    bestState = snapshot
                }
            }
            start = resuming.step
        }
        history.startStep = start
        let end = min(stopAt ?? steps, steps)
        func validate(after step: Int) {
            guard let evaluate else { return }
            average?.swap()
            defer { average?.swap() }
            guard let validation = evaluate() else { return }
            history.evaluations.append((step, validation))
            onEvent?(.evaluation(step: step, loss: validation))
            if validation < history.best?.loss ?? .infinity {
                history.best = (step, validation)
                bestState = keepBest.map { ParameterSnapshot($0) }
            }
        }
        for index in start..<max(start, end) {
            if shouldStop?() == true {
                history.interrupted = true
                break
            }
            beforeStep?(index)
            let started = ContinuousClock.now
            let rate = schedule.rate(at: index, base: learningRate)
            let loss = step(learningRate: rate, using: &generator)
            guard loss.isFinite else {
                throw MakemoreError.diverged(step: index + 1, loss: loss, limit: nil)
            }
            if let divergence, index + 1 >= divergence.afterSteps, loss > divergence.loss {
                throw MakemoreError.diverged(step: index + 1, loss: loss, limit: divergence.loss)
            }
            trainTime += ContinuousClock.now - started
            afterStep?(index)
            history.losses.append(loss)
            onEvent?(.step(TrainingProgress(step: index + 1, steps: steps, loss: loss, learningRate: rate)))
            if let every = evaluateEvery, (index + 1) % every == 0 || index + 1 == steps {
                validate(after: index + 1)
            }
            if let every = checkpointEvery, let checkpoint, (index + 1) % every == 0, index + 1 < steps, let model = keepBest, let configuration {
                try checkpoint(TrainingState(step: index + 1, training: configuration, trainingStep: step, model: model,
                                             best: history.best.map { ($0.step, $0.loss, bestState?.values) }, generator: generator))
            }
        }
        let done = start + history.steps
        if done < steps, let model = keepBest, let configuration {
            history.resumable = TrainingState(step: done, training: configuration, trainingStep: step, model: model,
                                              best: history.best.map { ($0.step, $0.loss, bestState?.values) }, generator: generator)
        }
        if history.interrupted, history.steps > 0, history.evaluations.last?.step != done {
            validate(after: done)
        }
        average?.swap()
        if let keepBest, let bestState { bestState.restore(into: keepBest) }
        history.trainSeconds = trainTime.seconds
        return history
    }

    /// Runs the loop on the scalar losses `loss(step)` builds (step 0-based), updating
    /// `optimizer`'s parameters and then `average`, if given; see `run(_:using:…)`.
    package func run(optimizer: Optimizer, average: ExponentialMovingAverage? = nil, loss: (Int) -> Tensor,
                    afterUpdate: ((Int) -> Void)? = nil, evaluate: (() -> Double?)? = nil) throws -> TrainingHistory {
        try withoutActuallyEscaping(loss) { loss in
            var index = 0
            let step = TrainingStep(optimizer: optimizer, average: average) { _ in loss(index) }
            var unused = RandomGenerator(seed: 0)
            return try run(step, using: &unused, beforeStep: { index = $0 }, afterStep: afterUpdate, evaluate: evaluate)
        }
    }
}

extension TrainingHistory {
    /// One JSON object per step, one per line: `step` (1-based), `loss`, `lr` (from `schedule`
    /// and the base `learningRate`), and `val_loss` on the steps that were evaluated.
    package func jsonLines(schedule: LearningRateSchedule, learningRate: Double) -> String {
        let validation = Dictionary(evaluations.map { ($0.step, $0.loss) }, uniquingKeysWith: { _, last in last })
        return losses.enumerated().map { offset, loss in
            let index = startStep + offset
            var members: [(String, JSONValue)] = [("step", .integer(index + 1)), ("loss", .number(Double(loss))),
                                                  ("lr", .number(schedule.rate(at: index, base: learningRate)))]
            if let val = validation[index + 1] { members.append(("val_loss", .number(val))) }
            return JSONValue.object(members).serialized + "\n"
        }.joined()
    }

    /// The training curve and the validation losses of the run, titled `title`. The train loss
    /// is shown as means over windows of a hundredth of the run (at least 25 steps), so even a
    /// 200 000-step curve reads as a line rather than a band of minibatch noise.
    package func lossChart(title: String) -> LineChart {
        let window = LineChart.smoothingWindow(steps: losses.count)
        let train = LineChart.windowMeans(losses.map(Double.init), firstX: Double(startStep + 1), window: window)
        let label = window > 1 ? "train (mean of \(window) steps)" : "train"
        var series = [LineChart.Series(label: label, points: train, color: "#1f77b4")]
        if !evaluations.isEmpty {
            series.append(LineChart.Series(label: "val", points: evaluations.map { (Double($0.step), $0.loss) }, color: "#d62728", markers: true))
        }
        return LineChart(title: title, xLabel: "step", yLabel: "NLL (nats)", series: series)
    }
}
