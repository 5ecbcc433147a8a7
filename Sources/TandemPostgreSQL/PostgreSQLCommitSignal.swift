import Logging
import PostgresNIO

/// Waits for a new commit in a side's change log with LISTEN/NOTIFY: no sleep
/// loop, and no cost to the writers while nobody waits.
///
/// A NOTIFY makes every committing transaction that sent one queue on one
/// global lock; one per captured row took 8 writers from 737–1,197 to
/// 257–311 transactions a second (docs/BENCHMARKS.md). So the writers' wake
/// trigger runs once per statement and notifies only while a reader's row in
/// `_tandem_waiting` says it waits. A wait:
///
/// 1. LISTENs on the schema's channel, on a connection of its own;
/// 2. sets its `_tandem_waiting` row (committed at once);
/// 3. checks the sequence: a writer whose statement ran before step 2 (and so
///    did not notify) took its number before step 3, so the check sees it;
/// 4. sleeps until a notification or the timeout, re-checking every
///    `fallback` so that nothing can be missed for longer than that (a
///    notification is not lost while the connection lives; the re-check is
///    a safety net, so it can be rare);
/// 5. tells its caller (`rang`) at once, then clears its row: the clearing
///    is a statement on the server, so it must not stand between a commit and
///    the reader's read of it.
///
/// The table is UNLOGGED (migration 4): setting and clearing a row writes no
/// WAL, so it waits for no flush to disk. Logged, each wait cost two commit
/// flushes on a side that the writers keep busy flushing their own, and both
/// stood in the latency from a commit to its read.
///
/// A reader that dies while waiting leaves its row set: writers then notify
/// for nothing (correct, a little slower) until the reader's next wait clears it.
actor PostgreSQLCommitSignal {
    let connection: PostgresConnection
    let capture: PostgreSQLCapture
    let reader: String
    let logger: Logger

    init(connection: PostgresConnection, capture: PostgreSQLCapture, reader: String, logger: Logger) {
        self.connection = connection
        self.capture = capture
        self.reader = reader
        self.logger = logger
    }

    /// How often a wait looks at its `stopped` flag (in the process: no server query).
    static let stopCheck = Duration.milliseconds(250)

    /// True as soon as a change numbered above `seq` may have committed; false after `timeout`, or
    /// within ``stopCheck`` of `stopped` turning true. The server is asked only at the start and
    /// every `fallback`: a long wait costs an idle engine nothing between (issue 15: waiting
    /// costs nothing), and `stopped` lets its owner end it at once.
    func wait(
        after seq: Int64, timeout: Duration, fallback: Duration, stopped: @escaping @Sendable () -> Bool = { false },
        rang: @escaping @Sendable () -> Void = {}
    ) async throws -> Bool {
        let connection = self.connection
        let logger = self.logger
        let waiting = capture.name("_tandem_waiting")
        let sequence = capture.name("_tandem_changes_seq")
        let reader = self.reader
        func setWaiting(_ flag: Bool) async throws {
            try await connection.query(
                PostgreSQLSQL.query(
                    """
                    INSERT INTO \(waiting) (reader, waiting) VALUES ($1, \(flag)) ON CONFLICT (reader)
                    DO UPDATE SET waiting = EXCLUDED.waiting, since = now()
                    """, [reader]), logger: logger)
        }
        @Sendable func newer() async throws -> Bool {
            let rows = try await connection.rows(
                PostgreSQLSQL.query("SELECT last_value, is_called FROM \(sequence)", []), logger: logger
            ).decode((Int64, Bool).self).all()
            return rows.first.map { $0.1 && $0.0 > seq } ?? false
        }
        return try await connection.listen(on: capture.channel) { notifications in
            try await setWaiting(true)
            do {
                // Cancelling a task that iterates the notifications ends the LISTEN's stream, so
                // one task waits for the first notification for the whole wait, and a sibling
                // re-checks every `fallback` until the timeout; the first to answer wins.
                var woke = try await newer()
                if !woke {
                    woke = try await withThrowingTaskGroup(of: Bool.self) { group in
                        group.addTask {
                            for try await _ in notifications { return true }
                            return false
                        }
                        group.addTask {
                            let clock = ContinuousClock()
                            let deadline = clock.now.advanced(by: timeout)
                            var check = clock.now.advanced(by: fallback)
                            while clock.now < deadline, !stopped() {
                                try await Task.sleep(for: min(Self.stopCheck, deadline - clock.now, check - clock.now))
                                if clock.now >= check {
                                    if try await newer() { return true }
                                    check = clock.now.advanced(by: fallback)
                                }
                            }
                            return false
                        }
                        let first = try await group.next() ?? false
                        group.cancelAll()
                        return first
                    }
                }
                if woke { rang() }
                try await setWaiting(false)
                return woke
            } catch {
                try? await setWaiting(false)
                throw error
            }
        }
    }
}
