import Dispatch
import Synchronization

/// How a background thread of the engine (housekeeper, notifier, periodic
/// rounds) waits for its next due time: asleep in the kernel until then, or
/// until ``stop()``, whichever comes first. Slicing the wait into short naps
/// so that a stop is noticed costs a wake-up per slice for as long as the
/// engine runs; this costs none.
///
/// One thread waits; any thread may stop it.
package final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    /// Creates a signal not stopped yet.
    package init() {}

    /// Whether ``stop()`` was called.
    package var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Stops the waiting thread now, or before its next wait.
    package func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        semaphore.signal()
    }

    /// Sleeps until `deadline` or a stop; returns whether stopped.
    @discardableResult
    package func wait(until deadline: ContinuousClock.Instant) -> Bool {
        while !isStopped {
            let left = deadline - .now
            guard left > .zero else { return false }
            let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
            // Woken by stop(): the loop sees the flag. Timed out: the deadline check ends it.
            _ = semaphore.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds)))
        }
        return true
    }
}
