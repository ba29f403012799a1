import MakemoreKernels

/// Data parallelism on the cores of one machine: each minibatch is split into shares, one per
/// model copy, and the shares' forward and backward passes run concurrently. The first model is
/// the primary the optimizer updates; the others are replicas of the same architecture whose
/// parameters share the primary's values (one buffer per parameter, which the shares only read,
/// so no step copies the weights) and whose gradients are summed into the primary's after every
/// step. The result equals one backward pass over the whole minibatch (up to float rounding)
/// and is deterministic: each share always runs on its own model copy.
///
/// Models must be used by one share at a time, so each keeps its own graph and gradients;
/// buffer pools are thread-safe and graph recording is on in the worker threads.
package final class DataParallel<Model: Module> {
    /// The primary, then the replicas.
    package let models: [Model]

    /// Parallelism over `models` (the primary first); all must have the same parameter shapes.
    /// The replicas' parameters become views of the primary's values: their own are dropped.
    package init(models: [Model]) {
        precondition(!models.isEmpty, "no models")
        let primary = models[0].parameters
        precondition(models.allSatisfy { $0.parameters.map(\.shape) == primary.map(\.shape) }, "models differ in parameter shapes")
        for replica in models.dropFirst() {
            for (parameter, source) in zip(replica.parameters, primary) { parameter.shareValues(of: source) }
        }
        self.models = models
    }

    /// Runs `loss(model, share)` for every share concurrently, share i being the mean loss over
    /// `counts[i]` items, and backpropagates it weighted by its share of the items. Fills the
    /// primary's parameter gradients (accumulating, as `backward` does) with the gradient of the
    /// mean over all items; returns that mean loss (NaN or infinite: no gradient was computed).
    package func gradients(counts: [Int], _ loss: @Sendable (Model, Int) -> Tensor) -> Float {
        precondition(counts.count == models.count, "\(counts.count) shares for \(models.count) models")
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let copies = Copies(models: models, primary: models[0].parameters)
        var losses = [Float](repeating: 0, count: models.count)
        losses.withUnsafeMutableBufferPointer { buffer in
            let losses = Losses(base: buffer.baseAddress!)
            Parallel.run(shares: models.count) { share in
                guard counts[share] > 0 else { return }
                let model = copies.models[share]
                if share > 0 { model.parameters.forEach { $0.zeroGrad() } }
                let value = loss(model, share)
                losses.base[share] = value.item
                if value.item.isFinite && value.requiresGrad {
                    value.backward(seed: [Float(counts[share]) / Float(total)])
                }
            }
        }
        // Sum the replicas' gradients into the primary's, in spans across the cores.
        let primary = copies.primary
        let replicas = zip(models, counts).dropFirst().filter { $0.1 > 0 }.map { $0.0.parameters }
        let reduced = primary.indices.filter { i in replicas.contains { $0[i].gradStorage != nil } }
        let sums = reduced.map { i in
            GradientSum(target: primary[i].gradData, sources: replicas.compactMap { $0[i].gradDataIfAllocated.map { UnsafePointer($0) } })
        }
        Parallel.forEachSpan(counts: reduced.map { primary[$0].count }) { item, range in
            let sum = sums[item]
            for source in sum.sources { accumulate(sum.target + range.lowerBound, source + range.lowerBound, range.count) }
        }
        return zip(losses, counts).reduce(Float(0)) { $0 + $1.0 * Float($1.1) } / Float(total)
    }
}

/// The model copies as the shares of one `gradients` call see them: share i uses only
/// `models[i]` (its own graph, gradients and buffers); the parameter values all copies share
/// are only read (share 0 writes the primary's gradients alone).
private struct Copies<Model: Module>: @unchecked Sendable {
    let models: [Model]
    let primary: [Tensor]
}

/// The per-share losses: share i writes element i only.
private struct Losses: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}

/// One primary gradient and the replicas' gradients summed into it: each span of
/// `forEachSpan` writes `target` only in its own range and only reads `sources`.
private struct GradientSum: @unchecked Sendable {
    let target: UnsafeMutablePointer<Float>
    let sources: [UnsafePointer<Float>]
}
