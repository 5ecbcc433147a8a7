import Foundation
import Logging
import TandemPostgreSQL

/// Watches a PostgreSQL side's change log for commits on a thread of its own
/// (LISTEN/NOTIFY, see `PostgreSQLCommitSignal`) and rings the engine's
/// doorbell for each, so that the engine sleeps between passes as it does on
/// SQLite sides, which inotify watches, instead of polling the server.
///
/// `after` is how far the engine has read the log with nothing in flight
/// (the sequence it last found caught up): a commit above it is news.
/// After a ring the thread lets the engine read (up to
/// ``settle``) before it waits again, so that one commit rings once.
final class PostgreSQLCommitWatch: CommitWatch, Sendable {
    /// How long one wait on the server lasts before it is started anew with
    /// the engine's new position. Each start costs a few queries (LISTEN, the
    /// waiting flag, the sequence): at 1 s they were most of an idle
    /// engine's 0.3–0.4 % of a core per PostgreSQL side (docs/BENCHMARKS.md).
    static let waitSlice = Duration.seconds(30)
    /// How often a wait re-checks the sequence, in case a notification was
    /// missed (none is while the connection lives: a safety net).
    static let fallback = Duration.seconds(10)
    /// At most how long the thread leaves the engine to read after a ring.
    static let settle = Duration.milliseconds(100)

    private let signal = StopSignal()
    private let done = StopSignal()
    /// Told when the watch starts and stops (``wake`` rings it).
    private let rings: PostgreSQLWatchRings

    /// Starts watching `endpoint`'s log for `role`'s side; `rings` is told it runs until ``stop()``.
    init(
        endpoint: PostgreSQLEndpoint, role: SideRole, after: @escaping @Sendable () -> Int64,
        wake: @escaping @Sendable () -> Void, rings: PostgreSQLWatchRings, logger: Logger
    ) {
        self.rings = rings
        rings.started()
        let signal = self.signal
        let done = self.done
        let thread = Thread {
            defer { done.stop() }
            var backoff = Duration.milliseconds(100)
            var reported = false
            while !signal.isStopped {
                let position = after()
                do {
                    let woke = try BlockingAwait.run {
                        // Rung from inside the wait, before it clears its flag on the server.
                        try await endpoint.waitForCommit(
                            after: position, timeout: Self.waitSlice, fallback: Self.fallback,
                            stopped: { signal.isStopped }, rang: wake)
                    }
                    backoff = .milliseconds(100)
                    if reported { logger.notice("watching the \(role) side for commits again") }
                    reported = false
                    guard woke else { continue }
                    let deadline = ContinuousClock.now + Self.settle
                    while after() == position, ContinuousClock.now < deadline, !signal.isStopped {
                        _ = signal.wait(until: min(deadline, .now + .milliseconds(1)))
                    }
                } catch {
                    // The server gone or restarting: the engine's own pass reports it; here, wait
                    // and try again, slower each time, and ring so that the engine looks itself.
                    if !reported {
                        logger.warning("watching the \(role) side for commits failed, retrying: \(error)")
                    }
                    reported = true
                    wake()
                    _ = signal.wait(until: .now + backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
        thread.name = "tandem-watch-\(role)"
        thread.start()
    }

    /// Stops the thread and waits for it (a wait sees the stop within a quarter second).
    func stop() {
        rings.stopped()
        signal.stop()
        _ = done.wait(until: .now + .seconds(3))
    }
}
