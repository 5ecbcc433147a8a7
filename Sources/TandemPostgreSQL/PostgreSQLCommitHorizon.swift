import Logging
import PostgresNIO

/// The highest change sequence below which no change can still appear.
///
/// In PostgreSQL a sequence number is taken when a row is inserted, not when
/// its transaction commits: T1 takes 9, T2 takes 10 and commits, T1 commits a
/// second later. A reader that took 10 and stored "10" as its checkpoint would
/// never send 9. So the reader reads only up to a horizon H that no
/// transaction still in flight can fall under:
///
/// 1. read L, the sequence's last value (every number ≤ L is taken);
/// 2. list the transactions holding `RowExclusiveLock` on `_tandem_changes`
///    (`pg_locks`): a transaction takes that lock before its first `nextval`,
///    so any holder of a number ≤ L is in the list;
/// 3. wait until every listed transaction has ended; then each number ≤ L is
///    committed (visible) or rolled back (a gap forever), and H = L.
///
/// Chosen over the PgQ way (a `txid_current()` in each row and snapshots as
/// checkpoints) because it costs the writers nothing (no extra column or
/// function call per row) and keeps the checkpoint one number, stored with
/// the rows, as on SQLite. The price: a transaction that writes a captured
/// table and stays open holds the horizon (and so every map of the side)
/// until it ends; ``PostgreSQLEndpoint/changes(after:limit:)`` then returns
/// what lies under the last horizon and says nothing new, and the engine
/// comes back. The wait polls `pg_locks` from 0.2 ms up to 20 ms apart, only
/// while such a transaction is in flight (usually well under a millisecond).
///
/// The wait is seldom needed: the changes that follow the reader's position
/// without a hole are all committed (a visible row's transaction ended), so a
/// reader that finds writers in flight takes that run at once
/// (``settled(after:_:)``) and waits only when the very next number is
/// missing. Under a steady stream of one-row commits a writer is nearly always
/// in flight, and the wait was most of the time from a commit to its read.
public struct PostgreSQLCommitHorizon {
    let capture: PostgreSQLCapture

    /// Steps 1 and 2 as read: the sequence's last value L and the transactions that may still
    /// hold a number ≤ L. With none in flight, L is the horizon.
    public struct Mark: Sendable, Equatable {
        /// L: every number up to it is taken.
        public let last: Int64
        /// The virtual transaction ids that held the change log's `RowExclusiveLock` after L was read.
        public let inFlight: [String]

        /// A mark as read.
        public init(last: Int64, inFlight: [String]) {
            self.last = last
            self.inFlight = inFlight
        }
    }

    /// The horizon, waiting at most `timeout` for the transactions in flight; nil when they
    /// did not end in time.
    func read(on connection: PostgresConnection, logger: Logger, timeout: Duration) async throws -> Int64? {
        let mark = try await mark(on: connection, logger: logger)
        if mark.inFlight.isEmpty { return mark.last }
        return try await awaitEnd(of: mark.inFlight, on: connection, logger: logger, timeout: timeout) ? mark.last : nil
    }

    /// The one statement that reads a ``Mark`` (its two columns as text: L, and the ids as a
    /// `text[]` literal). The sequence row is read first and the lock list for it after, in the same
    /// statement: a transaction that took a number ≤ L held the lock before L was read, so it is
    /// on the list. One exchange with the server, not two: the engine reads one before every
    /// batch it takes from a busy side.
    public static func markSQL(schema: String) -> String {
        let sequence = PostgreSQLSQL.qualified(schema, "_tandem_changes_seq")
        let log = PostgreSQLSQL.qualified(schema, "_tandem_changes")
        return """
            SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text, ARRAY(
                SELECT virtualtransaction FROM pg_catalog.pg_locks
                WHERE locktype = 'relation' AND relation = \(PostgreSQLSQL.literal(log))::regclass
                AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
                AND mode = 'RowExclusiveLock' AND pid IS DISTINCT FROM pg_backend_pid())::text
            FROM \(sequence)
            """
    }

    /// The mark of a row of ``markSQL(schema:)`` read as text; nil for anything else.
    public static func mark(text row: [String?]) -> Mark? {
        guard row.count == 2, let last = row[0].flatMap(Int64.init), let list = row[1],
            list.hasPrefix("{"), list.hasSuffix("}")
        else { return nil }
        // Virtual transaction ids are `backend/local` numbers: no element needs quotes.
        let inner = list.dropFirst().dropLast()
        return Mark(last: last, inFlight: inner.isEmpty ? [] : inner.split(separator: ",").map(String.init))
    }

    /// Reads a ``Mark`` (steps 1 and 2).
    func mark(on connection: PostgresConnection, logger: Logger) async throws -> Mark {
        let rows = try await connection.rows(PostgreSQLSQL.query(Self.markSQL(schema: capture.schema), []), logger: logger)
            .decode((String?, String?).self).all()
        guard let row = rows.first, let mark = Self.mark(text: [row.0, row.1]) else {
            throw PostgreSQLError(.missingObject, "the change log's sequence of \(capture.schema) gave no mark")
        }
        return mark
    }

    /// Step 3: waits until every transaction of `inFlight` has ended (true), or `timeout` passes
    /// (false).
    func awaitEnd(
        of inFlight: [String], on connection: PostgresConnection, logger: Logger, timeout: Duration
    ) async throws -> Bool {
        let log = capture.name("_tandem_changes")
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pause = Duration.microseconds(200)
        while clock.now < deadline {
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
            if try await writers(on: connection, logger: logger, log: log, among: inFlight).isEmpty { return true }
        }
        return false
    }

    /// How far `numbers` (ascending, all above `after` and at most the mark's L, read after the
    /// mark) run without a hole from `after + 1`: every number up to there is committed, so
    /// it is a horizon too, with no wait. A hole may be a transaction still in flight or one
    /// rolled back; only ``awaitEnd(of:on:logger:timeout:)`` can tell, so the run stops there.
    /// `after` itself when the first number is missing.
    public static func settled(after: Int64, _ numbers: some Sequence<Int64>) -> Int64 {
        var through = after
        for number in numbers {
            guard number == through + 1 else { break }
            through = number
        }
        return through
    }

    /// The virtual transaction ids writing the change log now (limited to `among` when given).
    private func writers(
        on connection: PostgresConnection, logger: Logger, log: String, among: [String]?
    ) async throws -> [String] {
        var sql = """
            SELECT virtualtransaction FROM pg_catalog.pg_locks
            WHERE locktype = 'relation' AND relation = '\(log.replacingOccurrences(of: "'", with: "''"))'::regclass
            AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
            AND mode = 'RowExclusiveLock' AND pid IS DISTINCT FROM pg_backend_pid()
            """
        var parameters: [String?] = []
        if let among {
            sql += " AND virtualtransaction = ANY($1::text[])"
            parameters.append("{" + among.map { "\"\($0)\"" }.joined(separator: ",") + "}")
        }
        var result: [String] = []
        for try await (id,) in try await connection.query(PostgreSQLSQL.query(sql, parameters), logger: logger)
            .decode((String).self)
        {
            result.append(id)
        }
        return result
    }
}
