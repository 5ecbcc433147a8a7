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
    /// How long one wait on the server lasts before it is started anew (it
    /// also re-checks the sequence every second, in case a notification was lost).
    static let waitSlice = Duration.seconds(1)
    /// At most how long the thread leaves the engine to read after a ring.
    static let settle = Duration.milliseconds(100)

    private let signal = StopSignal()
    private let done = StopSignal()

    /// Starts watching `endpoint`'s log for `role`'s side.
    init(
        endpoint: PostgreSQLEndpoint, role: SideRole, after: @escaping @Sendable () -> Int64,
        wake: @escaping @Sendable () -> Void, logger: Logger
    ) {
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
                        try await endpoint.waitForCommit(after: position, timeout: Self.waitSlice, fallback: Self.waitSlice)
                    }
                    backoff = .milliseconds(100)
                    if reported { logger.notice("watching the \(role) side for commits again") }
                    reported = false
                    guard woke else { continue }
                    wake()
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

    /// Stops the thread and waits for it (at most one ``waitSlice``).
    func stop() {
        signal.stop()
        _ = done.wait(until: .now + Self.waitSlice + .seconds(2))
    }
}
