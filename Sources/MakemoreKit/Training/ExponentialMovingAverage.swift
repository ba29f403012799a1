import MakemoreKernels

/// An exponential moving average of parameters over training steps, the model evaluated and
/// kept instead of the last step's (PyTorch: `AveragedModel` with `get_ema_multi_avg_fn`):
/// after every step `average = d·average + (1 − d)·value`, starting from the first step's
/// values. It smooths out the noise of minibatch updates, like a lower learning rate, without
/// slowing training down.
///
/// The kept weight `d` warms up as TensorFlow's `ExponentialMovingAverage(num_updates:)` does:
/// after t earlier steps it is min(decay, (1 + t) / (10 + t)), so a run much shorter than
/// 1 / (1 − decay) steps averages its own recent weights rather than mostly its first ones;
/// long runs are unaffected (their early steps are forgotten either way).
///
/// Only parameters are averaged; a model with BatchNorm needs its statistics recomputed for
/// the averaged weights.
package final class ExponentialMovingAverage {
    /// The weight kept per step (0.999: the last ~1 000 steps count).
    package let decay: Double
    /// Steps averaged so far.
    package private(set) var count = 0
    private let parameters: [Tensor]
    private let averages: [Tensor]

    /// An average of `parameters` (tensors training updates in place) with `decay` per step.
    package init(parameters: [Tensor], decay: Double) {
        precondition((0..<1).contains(decay), "decay must be in [0, 1), got \(decay)")
        self.parameters = parameters
        self.decay = decay
        averages = parameters.map { Tensor.zeros(shape: $0.shape) }
    }

    /// The averages' current values.
    var values: [[Float]] { averages.map(\.values) }

    /// Continues after `count` steps with the averages `values`; false, with nothing changed,
    /// when they are not of the parameters' sizes.
    func restore(count: Int, values: [[Float]]) -> Bool {
        guard count >= 0, values.count == averages.count, zip(values, averages).allSatisfy({ $0.count == $1.count }) else { return false }
        self.count = count
        for (saved, average) in zip(values, averages) { average.copy(from: saved) }
        return true
    }

    /// The weight the average keeps at the next step: `decay`, warmed up over the first steps.
    var keptWeight: Double { count == 0 ? 0 : min(decay, Double(1 + count) / Double(10 + count)) }

    /// Folds in the parameters' current values (call after every update).
    package func accumulate() {
        let momentum = Float(1 - keptWeight)
        for (average, parameter) in zip(averages, parameters) { average.moveAverage(toward: parameter, momentum: momentum) }
        count += 1
    }

    /// Exchanges the parameters' values with the averages (twice restores them); does nothing
    /// before the first step.
    package func swap() {
        guard count > 0 else { return }
        for (average, parameter) in zip(averages, parameters) { parameter.swapValues(with: average) }
    }
}
