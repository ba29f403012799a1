import Dispatch
import Foundation

/// Fork-join over the machine's cores for kernels whose work is big enough to pay for waking a
/// thread (a few microseconds each time).
enum Parallel {
    /// Cores available to split a kernel across.
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(0) … body(shares - 1)` concurrently and returns when all have finished.
    /// `shares == 1` runs inline on the calling thread.
    static func run(shares: Int, _ body: (Int) -> Void) {
        if shares <= 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: shares) { box.value($0) }
        }
    }
}

/// Carries a value that the caller knows is safe to share across the threads of one
/// `Parallel.run` (raw buffer pointers whose regions the shares do not both write).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

