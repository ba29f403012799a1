import Dispatch
import Foundation

/// Fork-join over the machine's cores for kernels whose work is big enough to pay for waking a
/// thread (a few microseconds each time).
package enum Parallel {
    /// Cores available to split a kernel across: the processors this process may run on (so
    /// `taskset -c 0` gives one), at most the active processors.
    package static let coreCount = max(1, min(ProcessInfo.processInfo.activeProcessorCount, Platform.allowedProcessors ?? .max))

    /// Runs `body(0) … body(shares - 1)` concurrently and returns when all have finished.
    /// `shares == 1` runs inline on the calling thread. `body` is `@Sendable`: what it shares
    /// between threads the compiler checks, and raw buffers cross in a box of the caller's
    /// that says which part of them each share writes.
    package static func run(shares: Int, _ body: @Sendable (Int) -> Void) {
        if shares <= 1 {
            body(0)
            return
        }
        DispatchQueue.concurrentPerform(iterations: shares, execute: body)
    }
}

extension Parallel {
    /// Elements each core must get before an element-wise pass over many tensors is split:
    /// 64 Ki (a few tens of microseconds of an optimizer update, more than a thread's wake-up).
    package static let minimumElementsPerShare = 65_536

    /// An element-wise pass over tensors of `counts` elements, cut into one span per core of
    /// their concatenation: `body(tensor, range)` is called for each tensor's piece of a span,
    /// the spans concurrently, every element exactly once. Small totals run on the caller's thread.
    package static func forEachSpan(counts: [Int], _ body: @Sendable (_ tensor: Int, _ range: Range<Int>) -> Void) {
        let total = counts.reduce(0, +)
        let shares = max(1, min(coreCount, total / minimumElementsPerShare))
        run(shares: shares) { share in
            let span = total * share / shares..<total * (share + 1) / shares
            var start = 0
            for (tensor, count) in counts.enumerated() {
                let lower = max(start, span.lowerBound), upper = min(start + count, span.upperBound)
                if lower < upper { body(tensor, (lower - start)..<(upper - start)) }
                start += count
            }
        }
    }
}
