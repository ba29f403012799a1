import Foundation

/// The events of one `Stage.trainingEvents` run: iterate it with `for try await`, then (or
/// instead) `await end()` for the run's history. One consumer at a time.
public struct TrainingEvents: AsyncSequence, Sendable {
    public typealias Element = TrainingEvent

    private let events: AsyncThrowingStream<TrainingEvent, any Error>
    private let handOff = TrainingHandOff()

    /// Starts `lent`'s run on a thread of its own; its first step waits for the first `next()`.
    init(training lent: LentStage) {
        let (events, continuation) = AsyncThrowingStream<TrainingEvent, any Error>.makeStream()
        self.events = events
        let handOff = handOff
        continuation.onTermination = { _ in handOff.stop() }
        let thread = Thread {
            handOff.waitForRequest()
            let outcome = Result {
                try lent.stage.train(lent.training, isStopped: { handOff.isStopped || lent.interrupt?.isRequested == true }) { event in
                    continuation.yield(event)
                    if case .finished = event { return }
                    handOff.waitForRequest()
                }
            }
            if case .failure(let error) = outcome { continuation.finish(throwing: error) } else { continuation.finish() }
            handOff.end(outcome)
        }
        thread.start()
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(events: events.makeAsyncIterator(), handOff: handOff)
    }

    /// Stops the run after its current step if it is still going, waits for it to end and
    /// returns its history (`interrupted` if it was stopped early); throws the run's error.
    public func end() async throws -> TrainingHistory {
        handOff.stop()
        return try await handOff.outcome()
    }

    /// Asks the run for each next event as it is awaited.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var events: AsyncThrowingStream<TrainingEvent, any Error>.AsyncIterator
        fileprivate let handOff: TrainingHandOff

        public mutating func next() async throws -> TrainingEvent? {
            handOff.request()
            return try await events.next()
        }
    }
}

/// A stage lent to the thread of one `TrainingEvents` run, with what it trains: the thread
/// trains it only while the consumer waits (in `next()`, which `TrainingHandOff` makes the
/// thread wait for after each event, or in `end()`), so the two never use it at once.
struct LentStage: @unchecked Sendable {
    let stage: Stage
    let training: TrainingConfiguration
    let interrupt: InterruptMonitor?
}

/// The hand-off between a `TrainingEvents` consumer and its training thread: the thread takes
/// one event per request, and `stop` releases it for good. Every `var` is read and written
/// with `condition` locked.
private final class TrainingHandOff: @unchecked Sendable {
    private let condition = NSCondition()
    private var requests = 0, taken = 0
    private var stopped = false
    private var result: Result<TrainingHistory, any Error>?
    private var waiting: [CheckedContinuation<TrainingHistory, any Error>] = []

    /// The consumer asks for one more event.
    func request() {
        condition.withLock { requests += 1 }
        condition.broadcast()
    }

    /// Ends the waiting for good: the run stops after its current step.
    func stop() {
        condition.withLock { stopped = true }
        condition.broadcast()
    }

    var isStopped: Bool { condition.withLock { stopped } }

    /// The training thread waits until an event is asked for (or the run is stopped).
    func waitForRequest() {
        condition.withLock {
            while !stopped && requests <= taken { condition.wait() }
            taken += 1
        }
    }

    /// The run is over: hands its outcome to every `outcome()` waiting and to come.
    func end(_ outcome: Result<TrainingHistory, any Error>) {
        let resumed = condition.withLock {
            result = outcome
            defer { waiting = [] }
            return waiting
        }
        for continuation in resumed { continuation.resume(with: outcome) }
    }

    /// The run's history once it is over.
    func outcome() async throws -> TrainingHistory {
        try await withCheckedThrowingContinuation { continuation in
            let done = condition.withLock {
                if result == nil { waiting.append(continuation) }
                return result
            }
            if let done { continuation.resume(with: done) }
        }
    }
}
