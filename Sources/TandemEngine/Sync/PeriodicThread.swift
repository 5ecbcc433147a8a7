import Foundation
import Logging
import Synchronization

/// A thread of its own that runs a round right away and then every
/// `interval` until stopped: the alert checker, the metrics sampler and the
/// log pruner, which must never make the applying thread wait.
///
/// A failing round (a database busy past its timeout) is logged once, until a
/// round succeeds again, and retried at the next interval. Waits are short
/// naps, so that ``stop()`` takes effect quickly even with a long interval.
final class PeriodicThread: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// Starts the thread `name`; `failure` begins the warning for a failed round
    /// (`failure, retrying: error`). `round` gets a function that tells whether
    /// a stop was asked for, for rounds that run long.
    init(
        name: String, interval: Duration, logger: Logger, failure: String,
        round: @escaping @Sendable (_ stopping: () -> Bool) throws -> Void
    ) {
        let thread = Thread { [self] in
            let stopping = { self.stopped.load(ordering: .relaxed) }
            var reported = false
            while !stopping() {
                let next = ContinuousClock.now + interval
                do {
                    try round(stopping)
                    reported = false
                } catch {
                    if !reported { logger.warning("\(failure), retrying: \(error)") }
                    reported = true
                }
                while !stopping(), ContinuousClock.now < next {
                    Thread.sleep(forTimeInterval: min((next - .now).timeInterval, 0.05))
                }
            }
        }
        thread.name = name
        thread.start()
    }

    /// Stops the thread after its current round.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    deinit { stop() }
}
