import Foundation
package import Logging
package import TandemPostgreSQL

/// A PostgreSQL side behind ``SideEndpoint``: capture, change reading and
/// the commit horizon come from `TandemPostgreSQL`'s ``PostgreSQLEndpoint``
/// (an actor with a connection of its own); batches are applied, and the
/// bookkeeping (checkpoints, parked changes, conflicts, write-through
/// markers) is read and written, on a ``PostgreSQLSession`` that this side
/// holds, so that a transaction can run statement by statement while the
/// engine decides between them.
///
/// The engine is synchronous; every call here blocks its thread until the
/// server answered (see ``BlockingAwait``), so it must not be called from
/// inside a Swift concurrency task. Calls from several threads take turns on
/// the session.
///
/// What the live loop and write-through need is here; an operation it
/// cannot do throws an error naming it (see ``unsupported(_:)``), never a
/// silent no-op: today a map whose key is not the table's primary key.
package final class PostgreSQLSide: SideEndpoint {
    /// Which side.
    package let role: SideRole
    /// The endpoint library's side: capture install, change reading, introspection.
    package let endpoint: PostgreSQLEndpoint
    /// The change log's SQL and conversions.
    let changeLog: PostgreSQLChangeLog
    /// Where the endpoint library logs (retries, dropped connections).
    let logger: Logger
    /// How long a read of the change log waits for a transaction that writes a captured table
    /// (see `PostgreSQLCommitHorizon`); after it, the read returns what lies below and the
    /// commit token keeps moving until that transaction ends.
    private let horizonTimeout: Duration
    /// Guards the session and the caches. Recursive: `applyBatch`'s body may reach the side's
    /// other methods on the same thread.
    private let lock = NSRecursiveLock()
    private var session: PostgreSQLSession?
    /// Sessions whose close did not finish (see ``PostgreSQLSession/close()``).
    private var abandoned: [PostgreSQLSession] = []
    private var columnCache: [String: [PostgreSQLColumn]] = [:]
    private var capturedCache: [String: PostgreSQLChangeLog.Captured]?
    /// The key order of each table's map, from ``installCapture(_:)`` (the engine installs at start).
    private var keyOrder: [String: [String]] = [:]
    /// Statements that go out first in the next pipeline on the session (``hold(_:)``).
    private var held: [PostgreSQLStatement] = []
    /// A write-through's transaction begun ahead by ``withWriteThroughTarget(tables:pendingEdits:_:)``
    /// and not yet taken by ``applyWriteThrough(_:logger:_:beforeCommit:)``.
    private var early: EarlyWriteThrough?
    /// Counts commit tokens given while a writer was in flight (each one new).
    private var inFlightTokens = 0
    /// What the side's commit watch says (see ``commitToken()``).
    let rings = PostgreSQLWatchRings()
    /// The horizon mark the last commit token was read from, for the read of the log that follows
    /// it (one exchange with the server less per batch); taken by that read.
    private var tokenMark: (mark: PostgreSQLCommitHorizon.Mark, at: ContinuousClock.Instant)?
    /// How old a token's mark may be to serve a read: an older mark is still correct (the read
    /// stops lower), but it would leave newer commits for another pass.
    static let tokenMarkAge = Duration.milliseconds(50)
    /// The last commit token read with no writer in flight, the watch's rings then, and when.
    private var quietToken: (token: Int, rings: Int, at: ContinuousClock.Instant)?
    /// How long a token is answered from ``quietToken`` at most, whatever the watch says: a
    /// bound on any commit the watch missed.
    static let quietTokenAge = Duration.seconds(2)

    /// A side on the server and schema of `config`; nothing connects until the first call.
    package init(role: SideRole, config: PostgreSQLSideConfig, logger: Logger, horizonTimeout: Duration = .seconds(2)) {
        self.role = role
        self.logger = logger
        self.horizonTimeout = horizonTimeout
        endpoint = PostgreSQLEndpoint(config: config, readerName: "tandem-\(role)", logger: logger)
        changeLog = PostgreSQLChangeLog(schema: config.schema)
    }

    /// A side dropped without ``close()`` closes its connections here: postgres-nio requires every
    /// connection closed before it goes away, and a command's sides simply go out of scope.
    deinit {
        let session = self.session
        let abandoned = self.abandoned
        let endpoint = self.endpoint
        let closing: @Sendable () async -> Void = {
            _ = await session?.close()
            for old in abandoned { _ = await old.close() }
            await endpoint.close()
        }
        if withUnsafeCurrentTask(body: { $0 != nil }) {
            // Dropped inside a task (blocking there is refused): the close finishes on its own.
            Task.detached { await closing() }
        } else {
            try? BlockingAwait.run { await closing() }
        }
    }

    /// Closes the side's connections (they open again if it is used after this).
    package func close() {
        lock.lock()
        defer { lock.unlock() }
        let session = self.session
        self.session = nil
        let endpoint = self.endpoint
        try? BlockingAwait.run {
            await session?.close()
            await endpoint.close()
        }
    }

    /// The server, database and schema (never the password).
    package var location: String { endpoint.config.description }

    /// The error for an operation this side cannot do yet: never a silent no-op.
    static func unsupported(_ operation: String) -> SyncError {
        SyncError(
            .configuration,
            "not yet supported on PostgreSQL sides: \(operation) (issue 15); use a SQLite side for maps that need it")
    }

    // MARK: Connections

    /// Runs `body` with the side's session, alone; a session the server ended is replaced first.
    func withSession<T>(_ body: (PostgreSQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let current: PostgreSQLSession
        if let session, !session.isClosed {
            current = session
        } else {
            if let old = session { discard(old) }
            let endpoint = self.endpoint
            current = try BlockingAwait.run { try await endpoint.openSession() }
            session = current
        }
        return try body(current)
    }

    /// The rows of `sql` on `session` (see ``PostgreSQLSession/query(_:_:table:)``). A session
    /// whose connection broke is dropped at once: its `isClosed` may not say so yet, and the next
    /// call must open a new one.
    ///
    /// Sent as a pipeline of one (``PostgreSQLSession/pipeline(_:)``): this thread waits for the
    /// event loop's answer itself, with no task between (see ``BlockingAwait``'s cost).
    func query(_ session: PostgreSQLSession, _ sql: String, _ parameters: [String?] = [], table: String? = nil)
        throws -> [[String?]]
    {
        try pipeline(session, [PostgreSQLStatement(sql, parameters, table: table)])[0]
    }

    /// The rows of each of `statements`, sent on `session` in one pipeline (one wait of this
    /// thread, see ``PostgreSQLSession/pipeline(_:)``). The first statement that failed throws:
    /// its error as `failure` makes it of the statement's index (the ones after it failed only
    /// because it did). A session whose connection broke is dropped, as in
    /// ``query(_:_:_:table:)``.
    func pipeline(
        _ session: PostgreSQLSession, _ statements: [PostgreSQLStatement],
        failure: (Int, PostgreSQLError) -> any Error = { $1 }
    ) throws -> [[[String?]]] {
        let (flight, heldCount) = launch(session, statements)
        return try land(session, flight, held: heldCount, failure: failure)
    }

    /// Queues the statements held and `statements` on `session` without waiting (see
    /// ``PostgreSQLSession/startPipeline(_:)``); the flight and how many held statements lead it.
    private func launch(_ session: PostgreSQLSession, _ statements: [PostgreSQLStatement])
        -> (flight: PostgreSQLSession.Flight, held: Int)
    {
        BlockingAwait.refuseInTask()
        lock.lock()
        let before = held
        held = []
        lock.unlock()
        return (session.startPipeline(before + statements), before.count)
    }

    /// Waits for `flight` (its first `held` statements were held ones) and returns the rows of the
    /// caller's statements; the first that failed throws, as in ``pipeline(_:_:failure:)``.
    private func land(
        _ session: PostgreSQLSession, _ flight: PostgreSQLSession.Flight, held heldCount: Int,
        failure: (Int, PostgreSQLError) -> any Error = { $1 }
    ) throws -> [[[String?]]] {
        let results = flight.wait()
        var rows: [[[String?]]] = []
        rows.reserveCapacity(results.count - heldCount)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let value):
                if index >= heldCount { rows.append(value) }
            case .failure(let error):
                if error.code == .connectionLost { discard(session) }
                // A held statement's failure is its own (`failure` knows the caller's statements).
                throw index < heldCount ? error : failure(index - heldCount, error)
            }
        }
        return rows
    }

    /// Holds `statements` to go out first in the next pipeline on the session, so that they cost
    /// no wait of their own: a batch's `BEGIN` and `LOCK` go with its first read, or with its rows
    /// and `COMMIT` when it reads nothing.
    func hold(_ statements: [PostgreSQLStatement]) {
        lock.lock()
        defer { lock.unlock() }
        held += statements
    }

    /// Drops `session` and closes it; one whose close does not finish is kept referenced.
    private func discard(_ session: PostgreSQLSession) {
        lock.lock()
        defer { lock.unlock() }
        if self.session === session {
            self.session = nil
            held = []
        }
        if (try? BlockingAwait.run { await session.close() }) != true { abandoned.append(session) }
    }

    /// The rows of `sql` on the side's session.
    func query(_ sql: String, _ parameters: [String?] = [], table: String? = nil) throws -> [[String?]] {
        try withSession { try query($0, sql, parameters, table: table) }
    }

    /// The rows of `sql`, or none when one of Tandem's tables is missing (capture never installed).
    func queryInstalled(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        do {
            return try query(sql, parameters)
        } catch let error as PostgreSQLError where error.code == .missingObject {
            return []
        }
    }

    /// A qualified name in the side's schema.
    func name(_ object: String) -> String { changeLog.name(object) }

    // MARK: Tables and capture

    func hasTable(_ table: String) throws -> Bool {
        try !query(
            """
            SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
            """, [endpoint.config.schema, table]
        ).isEmpty
    }

    /// The columns of `table` (cached; ``installCapture(_:)`` and ``prepareTarget(_:)`` read them again).
    func columns(of table: String, reload: Bool = false) throws -> [PostgreSQLColumn] {
        lock.lock()
        defer { lock.unlock() }
        if !reload, let cached = columnCache[table] { return cached }
        let endpoint = self.endpoint
        let columns = try BlockingAwait.run { try await endpoint.columns(of: table) }
        columnCache[table] = columns
        return columns
    }

    /// The column `name` of `table`, nil when there is no such table or column.
    func column(_ table: String, _ name: String) throws -> PostgreSQLColumn? {
        do {
            return try columns(of: table).first { $0.name == name }
        } catch let error as PostgreSQLError where error.code == .missingObject {
            return nil
        }
    }

    /// Capture is the endpoint library's row triggers. Its key is the table's primary key; a map
    /// whose key is another set of columns is refused here (the engine finds rows by the map's key).
    func installCapture(_ tables: [(name: String, key: [String])]) throws {
        let endpoint = self.endpoint
        try BlockingAwait.run { try await endpoint.install() }
        for (table, key) in tables {
            let columns = try self.columns(of: table, reload: true)
            let primary = columns.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }.map(\.name)
            if !primary.isEmpty, Set(primary) != Set(key) {
                throw Self.unsupported(
                    "a map key (\(key.joined(separator: ", "))) that is not the primary key of "
                        + "\(endpoint.config.schema).\(table) (\(primary.joined(separator: ", ")))")
            }
            try BlockingAwait.run { try await endpoint.installCapture(table: table) }
            lock.lock()
            keyOrder[table] = key
            capturedCache = nil
            lock.unlock()
        }
    }

    func removeCapture() throws {
        let endpoint = self.endpoint
        try BlockingAwait.run { try await endpoint.uninstall() }
        lock.lock()
        capturedCache = nil
        lock.unlock()
    }

    func removeCaptureTriggers(table: String) throws -> Bool {
        guard try captured()[table] != nil else { return false }
        let endpoint = self.endpoint
        try BlockingAwait.run { try await endpoint.removeCapture(table: table) }
        lock.lock()
        capturedCache = nil
        lock.unlock()
        return true
    }

    /// The captured tables: their columns in capture order and their key in the map's order.
    func captured(reload: Bool = false) throws -> [String: PostgreSQLChangeLog.Captured] {
        lock.lock()
        defer { lock.unlock() }
        if !reload, let capturedCache { return capturedCache }
        let rows = try queryInstalled(
            """
            SELECT tbl, 'c', u.name, u.position FROM \(name("_tandem_capture")),
                unnest(columns) WITH ORDINALITY AS u(name, position)
            UNION ALL
            SELECT tbl, 'k', u.name, u.position FROM \(name("_tandem_capture")),
                unnest(key) WITH ORDINALITY AS u(name, position)
            ORDER BY 1, 2, 4
            """)
        var result: [String: PostgreSQLChangeLog.Captured] = [:]
        for row in rows {
            guard let table = row[0], let part = row[1], let column = row[2] else { continue }
            if part == "c" {
                result[table, default: .init(columns: [], key: [])].columns.append(column)
            } else {
                result[table, default: .init(columns: [], key: [])].key.append(column)
            }
        }
        for (table, key) in keyOrder where result[table] != nil { result[table]!.key = key }
        capturedCache = result
        return result
    }

    func capturedColumns() throws -> [String: [String]] {
        try captured(reload: true).mapValues(\.columns)
    }

    func columnTypes(of table: String) throws -> [(name: String, type: String)] {
        // As on SQLite sides: a table that is not there has no columns.
        do {
            return try columns(of: table, reload: true).map { ($0.name, $0.typeName) }
        } catch let error as PostgreSQLError where error.code == .missingObject {
            return []
        }
    }

    func prepareTarget(_ plan: DirectionPlan) throws {
        _ = try columns(of: plan.targetTable, reload: true)
        for check in plan.parentChecks { _ = try columns(of: check.table, reload: true) }
    }

    // MARK: Reading changes

    /// The change log's sequence while no transaction writes it; while one does, a new number at
    /// every call: its commit moves no sequence, and a read that found it in flight stopped below
    /// it, so the loop must read again until it ends.
    ///
    /// While the side's commit watch runs and has not rung since the last token read with no
    /// writer in flight, no commit came (the watch rings for each), so that token is answered
    /// without a query, for up to ``quietTokenAge``.
    func commitToken() throws -> Int {
        let rings = self.rings.current
        lock.lock()
        if let quiet = quietToken, let rings, quiet.rings == rings, ContinuousClock.now - quiet.at < Self.quietTokenAge {
            lock.unlock()
            return quiet.token
        }
        quietToken = nil
        lock.unlock()
        let read = try readCommitToken()
        if read >= 0, let rings {
            lock.lock()
            quietToken = (read, rings, .now)
            lock.unlock()
        }
        return read
    }

    /// The commit token as the server says it now (see ``commitToken()``).
    private func readCommitToken() throws -> Int {
        let rows = try queryInstalled(PostgreSQLCommitHorizon.markSQL(schema: endpoint.config.schema))
        guard let row = rows.first, let mark = PostgreSQLCommitHorizon.mark(text: row) else { return 0 }
        lock.lock()
        defer { lock.unlock() }
        tokenMark = (mark, .now)
        guard !mark.inFlight.isEmpty else { return Int(mark.last) }
        inFlightTokens += 1
        return -inFlightTokens
    }

    func changes(after seq: Int64, limit: Int) throws -> [Change] {
        let endpoint = self.endpoint
        let timeout = horizonTimeout
        lock.lock()
        let mark = tokenMark.flatMap { ContinuousClock.now - $0.at < Self.tokenMarkAge ? $0.mark : nil }
        tokenMark = nil
        lock.unlock()
        let batch = try BlockingAwait.run {
            try await endpoint.changes(after: seq, limit: limit, horizonTimeout: timeout, echoRows: false, mark: mark)
        }
        var captured = try self.captured()
        let all = (batch.changes + batch.echoes).sorted { $0.seq < $1.seq }
        if all.contains(where: { captured[$0.table] == nil }) { captured = try self.captured(reload: true) }
        return try all.map { change in
            var entry = PostgreSQLChangeLog.Entry(
                seq: change.seq, table: change.table, operation: Change.Operation(rawValue: change.operation.rawValue) ?? .update,
                changed: change.changedColumns, origin: change.origin, at: PostgreSQLChangeLog.milliseconds(utc: change.at))
            for (name, value) in change.key {
                entry.key[name] = PostgreSQLSideValues.sideValue(value, column: try column(change.table, name))
            }
            for (name, value) in change.row {
                entry.row[name] = PostgreSQLSideValues.sideValue(value, column: try column(change.table, name))
            }
            return PostgreSQLChangeLog.change(entry, captured: captured[change.table])
        }
    }

    /// The changes of the log matching `condition` on `session`, in the engine's form; `before`:
    /// statements sent first, in the same pipeline (one wait). `resetting`: a transaction-local
    /// setting the read sets to '' in the same statement (see
    /// ``PostgreSQLChangeLog/select(condition:resetting:rows:)``); no `limit` then.
    func readLog(
        _ session: PostgreSQLSession, condition: String, _ parameters: [String?], limit: String? = nil, rows: Bool = true,
        before: [PostgreSQLStatement] = [], resetting: String? = nil
    ) throws -> [Change] {
        let select =
            resetting.map { changeLog.select(condition: condition, resetting: $0, rows: rows) }
            ?? changeLog.select(condition: condition, limit: limit, rows: rows)
        let result = try pipeline(session, before + [PostgreSQLStatement(select, parameters)]).last ?? []
        return try logChanges(result)
    }

    /// The changes of rows of ``PostgreSQLChangeLog/select(condition:limit:rows:)``, in the engine's form.
    func logChanges(_ result: [[String?]]) throws -> [Change] {
        let entries = try PostgreSQLChangeLog.entries(result) { table, name in try column(table, name) }
        let captured = try self.captured()
        return entries.map { PostgreSQLChangeLog.change($0, captured: captured[$0.table]) }
    }

    func headSeq() throws -> Int64 {
        try queryInstalled("SELECT COALESCE(max(seq), 0) FROM \(name("_tandem_changes"))").first?[0].flatMap(Int64.init) ?? 0
    }

    func position(before at: Double) throws -> Int64 {
        let log = name("_tandem_changes")
        return try queryInstalled(
            """
            SELECT COALESCE((SELECT min(seq) - 1 FROM \(log) WHERE at >= to_timestamp($1::float8 / 1000)),
                (SELECT COALESCE(max(seq), 0) FROM \(log)))
            """, [String(at)]
        ).first?[0].flatMap(Int64.init) ?? 0
    }

    func issuedHead() throws -> Int64 {
        try queryInstalled("SELECT \(issuedHeadExpression)").first?[0].flatMap(Int64.init) ?? 0
    }

    /// The last number the log gave out: the sequence's last value, which deleting log rows never
    /// lowers, or the log's highest number if that is higher.
    private var issuedHeadExpression: String {
        """
        GREATEST((SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM \(name("_tandem_changes_seq"))),
            (SELECT COALESCE(max(seq), 0) FROM \(name("_tandem_changes"))))
        """
    }

    /// One statement, one exchange with the server: an idle engine audits each side every
    /// second, and its three reads there were most of what an idle engine asked a server.
    func auditFacts() throws -> (checkpoints: [CheckpointID: Int64], head: Int64) {
        let rows = try queryInstalled(
            """
            SELECT c.map, c.source, c.seq, \(issuedHeadExpression)
            FROM (SELECT 1) AS one LEFT JOIN \(name("_tandem_checkpoints")) AS c ON true
            """)
        return (Self.checkpoints(rows), rows.first?[3].flatMap(Int64.init) ?? 0)
    }

    func changeIdentity(_ seq: Int64) throws -> (at: Double, table: String)? {
        try queryInstalled(
            "SELECT to_jsonb(at AT TIME ZONE 'UTC') #>> '{}', tbl FROM \(name("_tandem_changes")) WHERE seq = $1",
            [String(seq)]
        ).first.map { (PostgreSQLChangeLog.milliseconds(utc: $0[0] ?? ""), $0[1] ?? "") }
    }

    func applicationEdits(table: String, after seq: Int64, limit: Int) throws -> [Change] {
        try withSession { session in
            try readLog(
                session, condition: "tbl = $1 AND origin IS NULL AND seq > $2", [table, String(seq)], limit: String(limit))
        }
    }

    func currentRows(table: String, columns names: [String], keyColumns: [String], keys: [[SideValue]]) throws
        -> [String?]
    {
        let columns = try self.columns(of: table)
        let byName = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let selected = try names.map { name in
            guard let column = byName[name] else {
                throw SyncError(.missingTable, "column \(name) is not in \(endpoint.config.schema).\(table) on \(location)")
            }
            return column
        }
        let keyed = try keyColumns.map { name in
            guard let column = byName[name] else {
                throw SyncError(.missingTable, "key column \(name) is not in \(endpoint.config.schema).\(table) on \(location)")
            }
            return column
        }
        let sql = """
            SELECT \(selected.map { $0.kind.readExpression(PostgreSQLSQL.identifier($0.name)) }.joined(separator: ", "))
            FROM \(name(table))
            WHERE \(keyed.enumerated().map { "\(PostgreSQLSQL.identifier($0.element.name)) = $\($0.offset + 1)" }.joined(separator: " AND "))
            """
        return try withSession { session in
            try keys.map { key -> String? in
                // A key value no column of this side can hold (a NUL byte) has no row here.
                guard
                    let parameters = try? zip(key, keyed).map({ value, column throws(RowRefused) in
                        try PostgreSQLSideValues.parameter(value, column: column, table: table)
                    })
                else { return nil }
                guard let row = try query(session, sql, parameters, table: table).first else { return nil }
                return SQLLiteral.quoteList(zip(row, selected).map { PostgreSQLSideValues.sideValue(text: $0, column: $1) })
            }
        }
    }

    // MARK: Checkpoints

    func storedCheckpoints() throws -> [CheckpointID: Int64] {
        Self.checkpoints(try queryInstalled("SELECT map, source, seq FROM \(name("_tandem_checkpoints"))"))
    }

    /// The checkpoints of rows whose first three columns are map, source and seq (rows with no
    /// map, as an outer join gives, are none).
    private static func checkpoints(_ rows: [[String?]]) -> [CheckpointID: Int64] {
        var result: [CheckpointID: Int64] = [:]
        for row in rows {
            // A source this version does not know is no checkpoint of its maps.
            guard let map = row[0], let source = row[1].flatMap(SideRole.init(rawValue:)), let seq = row[2].flatMap(Int64.init)
            else { continue }
            result[CheckpointID(map: map, source: source)] = seq
        }
        return result
    }

    func storeCheckpoints(_ checkpoints: [CheckpointID: Int64]) throws {
        guard !checkpoints.isEmpty else { return }
        try transaction { session in try store(checkpoints, session) }
    }

    /// Moves the stored checkpoints forward (never back) inside the caller's transaction on `session`.
    func store(_ checkpoints: [CheckpointID: Int64], _ session: PostgreSQLSession) throws {
        for (id, seq) in checkpoints {
            _ = try query(
                session,
                """
                INSERT INTO \(name("_tandem_checkpoints")) AS stored (map, source, seq) VALUES ($1, $2, $3)
                ON CONFLICT (map, source) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()
                WHERE stored.seq < EXCLUDED.seq
                """, [id.map, id.source.rawValue, String(seq)])
        }
    }

    /// Runs `body` in a transaction on the side's session: it commits when `body` returns, and
    /// rolls back when it throws (on a connection the server ended, it rolled back already).
    /// `beforeCommit` runs after `body`, before the commit; a failed commit throws
    /// ``TargetCommitFailed`` when `commitFailure` is set.
    func transaction<T>(
        commitFailure: Bool = false, beforeCommit: () throws -> Void = {}, _ body: (PostgreSQLSession) throws -> T
    ) throws -> T {
        try withSession { session in
            _ = try query(session, "BEGIN")
            let result: T
            do {
                result = try body(session)
                try beforeCommit()
            } catch {
                rollback(session, after: error)
                throw error
            }
            try commit(session, wrapped: commitFailure)
            return result
        }
    }

    /// Commits the transaction on `session`; a COMMIT that fails is rolled back and thrown,
    /// as ``TargetCommitFailed`` when `wrapped` (the engine then knows the batch's fate is unknown).
    private func commit(_ session: PostgreSQLSession, wrapped: Bool) throws {
        do {
            _ = try query(session, "COMMIT")
        } catch {
            rollback(session, after: error)
            throw wrapped ? TargetCommitFailed(underlying: error) : error
        }
    }

    /// Rolls back the transaction on `session` after `error`, unless the connection is gone: the
    /// server rolled back already then, and a ROLLBACK sent into a connection the server just
    /// ended was seen to wait for ever (docs/ENDPOINTS.md, faults).
    func rollback(_ session: PostgreSQLSession, after error: any Error) {
        lock.lock()
        let unsent = held.first?.sql == "BEGIN"
        held = []
        lock.unlock()
        // `BEGIN` still held: the transaction never began on the server.
        if unsent { return }
        if session.isClosed { return }
        if let error = error as? PostgreSQLError, error.code == .connectionLost { return }
        _ = try? query(session, "ROLLBACK")
    }

    // MARK: Parked changes and conflicts

    /// The columns of `_tandem_parked` that ``parked(_:)`` reads, in its order.
    private static let parkedColumns =
        "id, map, source, seq, tbl, op, key, row, at::text, changed, kind, reason, error_class, parked_at::text, attempts"

    /// A parked change of a row of ``parkedColumns``.
    private static func parked(_ row: [String?]) -> StoredParkedChange {
        StoredParkedChange(
            id: row[0].flatMap(Int64.init) ?? 0,
            parked: ParkedChange(
                map: row[1] ?? "", source: row[2] ?? "",
                change: Change(
                    seq: row[3].flatMap(Int64.init) ?? 0, table: row[4] ?? "",
                    operation: Change.Operation(rawValue: row[5] ?? "U") ?? .update, key: row[6] ?? "", row: row[7],
                    at: row[8].flatMap(Double.init) ?? 0, origin: nil, changed: row[9]),
                kind: row[10] ?? "", reason: row[11] ?? "",
                errorClass: row[12].flatMap(ErrorClass.init(rawValue:)) ?? .application),
            parkedAt: row[13].flatMap(Double.init) ?? 0, attempts: row[14].flatMap(Int.init) ?? 1)
    }

    func parkedKeys(source: SideRole, map: String?) throws -> [(map: String, key: String)] {
        try queryInstalled(
            "SELECT map, key FROM \(name("_tandem_parked")) WHERE source = $1 AND ($2::text IS NULL OR map = $2)",
            [source.rawValue, map]
        ).map { ($0[0] ?? "", $0[1] ?? "") }
    }

    func parkedChanges(map: String, source: SideRole, waitingForParents: Bool) throws -> [(id: Int64, change: Change)] {
        let parked = name("_tandem_parked")
        let parents = "AND key IN (SELECT key FROM \(parked) WHERE map = $1 AND source = $2 AND kind = 'parent')"
        return try queryInstalled(
            """
            SELECT \(Self.parkedColumns) FROM \(parked) WHERE map = $1 AND source = $2
            \(waitingForParents ? parents : "") ORDER BY seq, id
            """, [map, source.rawValue]
        ).map { row in
            let stored = Self.parked(row)
            return (stored.id, stored.parked.change)
        }
    }

    func openConflicts(source: SideRole) throws -> [(id: Int64, map: String, key: String)] {
        try queryInstalled(
            "SELECT id, map, key FROM \(name("_tandem_conflicts")) WHERE status = 'open' AND source = $1", [source.rawValue]
        ).map { (($0[0]).flatMap(Int64.init) ?? 0, $0[1] ?? "", $0[2] ?? "") }
    }

    func parkedChange(id: Int64) throws -> StoredParkedChange? {
        try queryInstalled("SELECT \(Self.parkedColumns) FROM \(name("_tandem_parked")) WHERE id = $1", [String(id)])
            .first.map(Self.parked)
    }

    func parkedErrors(map: String?) throws -> [StoredParkedChange] {
        try queryInstalled(
            """
            SELECT \(Self.parkedColumns) FROM \(name("_tandem_parked"))
            WHERE kind NOT IN ('behind', 'conflict') AND ($1::text IS NULL OR map = $1) ORDER BY seq, id
            """, [map]
        ).map(Self.parked)
    }

    func deleteParked(id: Int64) throws {
        _ = try query("DELETE FROM \(name("_tandem_parked")) WHERE id = $1", [String(id)])
    }

    func discardParked(map: String, source: SideRole, key: String) throws -> [StoredParkedChange] {
        try transaction { session in
            try query(
                session,
                """
                DELETE FROM \(name("_tandem_parked")) WHERE map = $1 AND source = $2 AND key = $3
                RETURNING \(Self.parkedColumns)
                """, [map, source.rawValue, key]
            ).map(Self.parked).sorted { ($0.parked.change.seq, $0.id) < ($1.parked.change.seq, $1.id) }
        }
    }

    func markParkedError(id: Int64) throws {
        _ = try query("UPDATE \(name("_tandem_parked")) SET kind = 'error' WHERE id = $1", [String(id)])
    }

    func openConflict(parkedID: Int64) throws -> Int64? {
        try queryInstalled(
            "SELECT id FROM \(name("_tandem_conflicts")) WHERE parked_id = $1 AND status = 'open'", [String(parkedID)]
        ).first?[0].flatMap(Int64.init)
    }

    func closeConflict(id: Int64, winner: String, outcome: String, by actor: String) throws {
        _ = try query(
            """
            UPDATE \(name("_tandem_conflicts")) SET status = 'resolved', winner = $1, outcome = $2, resolved_at = $3,
                resolved_by = $4 WHERE id = $5
            """, [winner, outcome, String(StateStore.now), actor, String(id)])
    }

    func supersedeEdits(table: String, key: String, note: String) throws {
        try transaction { session in try supersede(table: table, key: key, from: 0, note: note, session) }
    }

    /// Marks the applications' changes of `key` in `table` from `seq` on with `note`, on
    /// `session`. The key is compared in the engine's form (the log keeps it as `jsonb`).
    func supersede(table: String, key: String, from seq: Int64, note: String, _ session: PostgreSQLSession) throws {
        let matching = try readLog(
            session, condition: "tbl = $1 AND origin IS NULL AND seq >= $2", [table, String(seq)], rows: false
        ).filter { $0.key == key }.map { String($0.seq) }
        guard !matching.isEmpty else { return }
        _ = try query(
            session, "UPDATE \(name("_tandem_changes")) SET origin = $1 WHERE seq = ANY($2::bigint[])",
            [note, "{" + matching.joined(separator: ",") + "}"])
    }

    func writeMergedResolution(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, origin: String, note: String,
        parkedID: Int64
    ) throws -> Bool {
        try transaction { session in
            try lockTargets([plan.targetTable], session)
            _ = try query(session, "SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true)", [origin])
            let merged = try PostgreSQLTargetTransaction.writeMerged(
                plan, values: values, columns: columns, local: local, note: note, side: self, session: session)
            if merged { _ = try query(session, "DELETE FROM \(name("_tandem_parked")) WHERE id = $1", [String(parkedID)]) }
            return merged
        }
    }

    // MARK: Applying

    /// `fastPath` changes nothing here: the capture triggers record every echo themselves, with
    /// the source change each write applies, so there is no quieter way. Rows go in multi-row
    /// statements (see ``PostgreSQLBulkWrites``).
    ///
    /// A batch whose body reads nothing costs this thread one wait for the server: `BEGIN` and
    /// the lock (held by ``begin(_:_:)``), the rows held, the checkpoints and `COMMIT`, in one
    /// pipeline (``PostgreSQLTargetTransaction/commitStatements()``); a body that reads sends
    /// `BEGIN` and the lock with its first read. A statement that fails there
    /// aborts the transaction, and the `COMMIT` after it rolls back: the checkpoints commit with
    /// the rows or not at all.
    ///
    /// When the database refuses a multi-row statement for one of its rows, the whole
    /// transaction is rolled back and `body` runs again row by row in a new one, each row under a
    /// savepoint, so that only the refused row is parked, with the database's reason, as before
    /// bulk writes. `body` must hold no state of a run that threw
    /// (``SideEndpoint/applyBatch(_:checkpoints:fastPath:logger:_:)``).
    func applyBatch<T>(
        _ items: [ApplyItem], checkpoints: [CheckpointID: Int64], fastPath: Bool, logger: Logger,
        _ body: (any TargetTransaction) throws -> T
    ) throws -> T {
        let tables = items.map(\.plan.targetTable)
        do {
            return try withSession { session in
                begin(tables, session)
                do {
                    let transaction = PostgreSQLTargetTransaction(side: self, session: session, bulk: true)
                    let result = try body(transaction)
                    let (statements, refusals) = try transaction.commitStatements()
                    _ = try pipeline(
                        session, statements + checkpointStatements(checkpoints) + [PostgreSQLStatement("COMMIT")],
                        failure: refusals)
                    return result
                } catch {
                    rollback(session, after: error)
                    throw error
                }
            }
        } catch let refused as PostgreSQLBulkWrites.Refused {
            logger.debug("\(role) side refused a multi-row write (\(refused.message)); writing the batch row by row")
            return try transaction { session in
                try lockTargets(tables, session)
                let result = try body(PostgreSQLTargetTransaction(side: self, session: session, bulk: false))
                try store(checkpoints, session)
                return result
            }
        }
    }

    /// Opens a batch's transaction on `session` and locks its target `tables` (see
    /// ``lockTargets(_:_:)``): both held (``hold(_:)``) to go out with the batch's first statement.
    private func begin(_ tables: [String], _ session: PostgreSQLSession) {
        var statements = [PostgreSQLStatement("BEGIN")]
        if let lock = lockStatement(tables) { statements.append(lock) }
        hold(statements)
    }

    /// The statements that move the stored checkpoints forward (never back), for the caller's
    /// transaction.
    private func checkpointStatements(_ checkpoints: [CheckpointID: Int64]) -> [PostgreSQLStatement] {
        checkpoints.map { id, seq in
            PostgreSQLStatement(
                """
                INSERT INTO \(name("_tandem_checkpoints")) AS stored (map, source, seq) VALUES ($1, $2, $3)
                ON CONFLICT (map, source) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()
                WHERE stored.seq < EXCLUDED.seq
                """, [id.map, id.source.rawValue, String(seq)])
        }
    }

    /// Locks the `tables` a batch writes against the applications' writes until the transaction
    /// ends, as SQLite's `BEGIN IMMEDIATE` does: no application's edit may commit between the
    /// reads that decide (pending edits, parents) and the writes. Readers go on; a writer in
    /// flight is waited for. In name order, so that two batches take them in the same order.
    private func lockTargets(_ tables: [String], _ session: PostgreSQLSession) throws {
        guard let lock = lockStatement(tables) else { return }
        _ = try pipeline(session, [lock])
    }

    /// The `LOCK TABLE` of ``lockTargets(_:_:)``; nil for no tables.
    private func lockStatement(_ tables: [String]) -> PostgreSQLStatement? {
        let tables = Set(tables).sorted()
        guard !tables.isEmpty else { return nil }
        return PostgreSQLStatement("LOCK TABLE \(tables.map(name).joined(separator: ", ")) IN SHARE ROW EXCLUSIVE MODE")
    }

    func writeThrough<T>(tag: String, _ body: (any OriginWrite) throws -> T) throws -> T {
        try withSession { session in
            // The write sends `BEGIN` with its first statement.
            let write = PostgreSQLOriginWrite(side: self, session: session, tag: tag)
            do {
                let result = try body(write)
                // Not committed by `body`: nothing is kept.
                if !write.committed, !session.isClosed { _ = try query(session, "ROLLBACK") }
                return result
            } catch {
                if !write.committed { rollback(session, after: error) }
                throw error
            }
        }
    }

    /// As ``applyBatch(_:checkpoints:fastPath:logger:_:)``, but the rows held are sent before
    /// `beforeCommit`, and `COMMIT` goes alone: its failure is ``TargetCommitFailed``.
    func applyWriteThrough<T>(
        _ items: [ApplyItem], logger: Logger, _ body: (any TargetTransaction) throws -> T, beforeCommit: () throws -> Void
    ) throws -> T {
        let tables = items.map(\.plan.targetTable)
        do {
            return try withSession { session in
                let result: T
                do {
                    // Begun ahead, while the origin wrote: `BEGIN`, the lock and the reads of pending
                    // edits are answered already (see ``withWriteThroughTarget(tables:pendingEdits:_:)``).
                    let edits = try takeEarly(tables, session)
                    if edits == nil { begin(tables, session) }
                    let transaction = PostgreSQLTargetTransaction(
                        side: self, session: session, bulk: true, pendingEdits: edits ?? [:])
                    result = try body(transaction)
                    let (statements, refusals) = try transaction.commitStatements()
                    if !statements.isEmpty { _ = try pipeline(session, statements, failure: refusals) }
                    try beforeCommit()
                } catch {
                    rollback(session, after: error)
                    throw error
                }
                try commit(session, wrapped: true)
                return result
            }
        } catch let refused as PostgreSQLBulkWrites.Refused {
            logger.debug("\(role) side refused a multi-row write (\(refused.message)); writing the batch row by row")
            return try transaction(commitFailure: true, beforeCommit: beforeCommit) { session in
                try lockTargets(tables, session)
                return try body(PostgreSQLTargetTransaction(side: self, session: session, bulk: false))
            }
        }
    }

    /// A write-through's target transaction begun ahead: its flight (`BEGIN`, the lock, the reads
    /// of pending edits) and what each read was of.
    private struct EarlyWriteThrough {
        let session: PostgreSQLSession
        /// The tables locked, in ``lockStatement(_:)``'s order.
        let tables: [String]
        /// Per read, after the leading `BEGIN` and lock: the plan's target table and the position after which it read.
        let reads: [PostgreSQLTargetTransaction.EditsRead]
        let flight: PostgreSQLSession.Flight
        /// How many statements lead the reads (held ones, `BEGIN`, the lock).
        let leading: Int
    }

    /// Begins the write-through's transaction on this side before `body` writes the origin: its
    /// `BEGIN`, the lock of `tables` and the read of each plan's pending edits (after the given
    /// position) go to the server now, without waiting, and are answered while the origin side
    /// writes; ``applyWriteThrough(_:logger:_:beforeCommit:)`` (inside `body`) takes them. Each
    /// statement is an exchange with the server of its own, and these three stood one after the
    /// other behind the origin's (docs/BENCHMARKS.md, write-through on PostgreSQL sides).
    ///
    /// The lock is taken before the reads, as when the apply step began the transaction itself,
    /// so no application's edit of a locked table commits between the reads and the commit. The
    /// side's lock is held for the whole of `body`: no other thread's statement may run in the
    /// transaction begun here. When `body` did not take it (it threw first), it is rolled back.
    func withWriteThroughTarget<T>(
        tables: [String], pendingEdits: [(plan: DirectionPlan, after: Int64)], _ body: () throws -> T
    ) throws -> T {
        try withSession { session in
            var statements = [PostgreSQLStatement("BEGIN")]
            if let lock = lockStatement(tables) { statements.append(lock) }
            let leading = statements.count
            let reads = pendingEdits.map { PostgreSQLTargetTransaction.EditsRead(table: $0.plan.targetTable, after: $0.after) }
            statements += reads.map { PostgreSQLTargetTransaction.editsStatement($0, changeLog: changeLog) }
            let (flight, heldCount) = launch(session, statements)
            early = EarlyWriteThrough(
                session: session, tables: Set(tables).sorted(), reads: reads, flight: flight, leading: heldCount + leading)
            defer {
                // Not taken: wait for its answers (nothing else may go out before), then roll back.
                if let left = early {
                    early = nil
                    _ = left.flight.wait()
                    rollback(session, after: CancellationError())
                }
            }
            return try body()
        }
    }

    /// The pending edits read ahead for a write-through into `tables` on `session`, each read's
    /// rows by what it read (nil when none was begun ahead, or for other tables: then that
    /// transaction is rolled back, and the caller begins its own). Throws the first error of the
    /// statements begun ahead; the transaction is rolled back by the caller then.
    private func takeEarly(_ tables: [String], _ session: PostgreSQLSession) throws
        -> [PostgreSQLTargetTransaction.EditsRead: [Change]]?
    {
        guard let taken = early else { return nil }
        early = nil
        guard taken.session === session, taken.tables == Set(tables).sorted() else {
            _ = taken.flight.wait()
            rollback(taken.session, after: CancellationError())
            return nil
        }
        let rows = try land(session, taken.flight, held: taken.leading)
        var result: [PostgreSQLTargetTransaction.EditsRead: [Change]] = [:]
        for (read, found) in zip(taken.reads, rows) { result[read] = try logChanges(found) }
        return result
    }
}
