import Foundation
import MakemoreKernels

/// The memory a training run needs, estimated from its configuration before anything is
/// allocated (the state counted on the model built with shapes only,
/// `TrainableModel.stateElementCount`; the activations from each model's
/// `activationElementsPerRow`), so that a run which cannot fit is refused with one line instead
/// of being killed, or aborting, part-way.
///
/// Counted, in 4-byte values: the parameters and buffers, their gradients, AdamW's two moments,
/// a moving average and a best-state snapshot (six copies of the state), one more state and
/// gradient per extra data-parallel model copy, and the activations of one batch.
package struct MemoryEstimate: Sendable, Equatable {
    /// Values in the model's state dict.
    package var stateElements: Double
    /// Values kept for one batch's forward and backward pass.
    package var activationElements: Double
    /// Model copies a step's batch is split across.
    package var copies: Int

    /// The estimate for a model of type `M` with `configuration` over `vocabularySize` tokens,
    /// training on `rowsPerStep` rows (windows, or token positions of whole words) per step.
    package init<M: CheckpointableModel>(_ type: M.Type, configuration: M.Configuration, vocabularySize: Int, rowsPerStep: Int, copies: Int = 1) {
        stateElements = M.stateElementCount(configuration: configuration, vocabularySize: vocabularySize)
        activationElements = Double(rowsPerStep) * M.activationElementsPerRow(configuration: configuration, vocabularySize: vocabularySize)
        self.copies = copies
    }

    /// Bytes of the parameters and everything kept per parameter.
    package var stateBytes: Double { 4 * stateElements * Double(6 + 2 * max(copies - 1, 0)) }
    /// Bytes of one batch's activations.
    package var activationBytes: Double { 4 * activationElements }
    /// The total.
    package var bytes: Double { stateBytes + activationBytes }

    /// The memory this process may use: the machine's physical memory, or less when the control
    /// group's memory limit (v2 `memory.max`, v1 `memory.limit_in_bytes`) says so.
    package static var physicalMemory: Double {
        let machine = Double(ProcessInfo.processInfo.physicalMemory)
        return min(machine, Platform.controlGroupMemoryLimit ?? machine)
    }

    /// Throws `MakemoreError.insufficientMemory` when the run needs more than `available` bytes.
    package func check(available: Double = MemoryEstimate.physicalMemory) throws {
        guard bytes > available else { return }
        throw MakemoreError.insufficientMemory(what: "this run", needed: bytes, available: available,
                                               parts: "model and optimizer state \(MakemoreError.gib(stateBytes)), one batch's activations \(MakemoreError.gib(activationBytes))")
    }
}
