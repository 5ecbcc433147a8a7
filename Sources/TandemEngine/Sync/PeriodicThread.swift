import Foundation
import Logging

/// A thread of its own that runs a round right away and then every
/// `interval` until stopped: the alert checker, the metrics sampler and the
/// log pruner, which must never make the applying thread wait.
///
/// A failing round (a database busy past its timeout) is logged once, until a
/// round succeeds again, and retried at the next interval. Between rounds
/// the thread sleeps until the next one is due, and ``stop()`` wakes it at
/// once (see ``StopSignal``): no wake-ups in between.
final class PeriodicThread: Sendable {
    private let signal = StopSignal()

    /// Starts the thread `name`; `failure` begins the warning for a failed round
    /// (`failure, retrying: error`). `round` gets a function that tells whether
    /// a stop was asked for, for rounds that run long.
    init(
        name: String, interval: Duration, logger: Logger, failure: String,
        round: @escaping @Sendable (_ stopping: () -> Bool) throws -> Void
    ) {
        let signal = self.signal
        let thread = Thread {
            let stopping = { signal.isStopped }
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
                signal.wait(until: next)
            }
        }
        thread.name = name
        thread.start()
    }

    /// Stops the thread after its current round.
    func stop() {
        signal.stop()
    }

    deinit { stop() }
}
