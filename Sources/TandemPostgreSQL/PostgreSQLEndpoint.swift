public import Logging
import PostgresNIO

/// A PostgreSQL side: capture, change reading, apply with checkpoint, bulk
/// copy and introspection, over postgres-nio.
///
/// An actor because its callers naturally wait on it: one connection carries
/// every request, one at a time (a transaction must not interleave with
/// another request's statements), and a second connection only LISTENs. A
/// connection that breaks is closed and replaced at the next request.
///
/// Every error of the server or the connection is thrown as a ``PostgreSQLError``
/// whose message names the server, the database and the table, and never holds
/// the password; a caller's own error (or cancellation) passes through as it is.
///
/// Always ``close()`` an endpoint: postgres-nio requires every connection to
/// be closed before it is released.
public actor PostgreSQLEndpoint {
    /// Where the side is.
    public nonisolated let config: PostgreSQLSideConfig
    /// This endpoint's name in `_tandem_waiting` (one row per waiting reader).
    public nonisolated let readerName: String
    let capture: PostgreSQLCapture
    let logger: Logger

    private var connection: PostgresConnection?
    private var signalConnection: PostgresConnection?
    private var signal: PostgreSQLCommitSignal?
    private var connectionCount = 0
    /// Broken connections whose close did not finish (see ``discard(_:)``).
    private var abandoned: [PostgresConnection] = []
    /// Requests queue here: the connection runs one at a time.
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []
    /// Columns by table, from introspection (writes) and `_tandem_capture` (change decoding).
    private var columnCache: [String: [PostgreSQLColumn]] = [:]
    private var capturedKinds: [String: [String: PostgreSQLColumn.Kind]] = [:]

    /// An endpoint for `config`; nothing connects until the first request (or ``connect()``).
    public init(config: PostgreSQLSideConfig, readerName: String = "reader", logger: Logger? = nil) {
        self.config = config
        self.readerName = readerName
        self.capture = PostgreSQLCapture(schema: config.schema)
        self.logger = logger ?? Logger(label: "tandem.postgresql")
    }

    // MARK: Connections

    /// Connects now, so that an unreachable server or a refused password is reported at start.
    public func connect() async throws {
        try await withConnection { _ in }
    }

    /// Closes both connections. The endpoint connects again if used after this.
    public func close() async {
        if let connection {
            self.connection = nil
            await discard(connection)
        }
        if let signalConnection {
            self.signalConnection = nil
            self.signal = nil
            await discard(signalConnection)
        }
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    private func release() {
        if queue.isEmpty {
            busy = false
        } else {
            queue.removeFirst().resume()
        }
    }

    private func open() async throws -> PostgresConnection {
        let password = try config.password()
        var configuration = PostgresConnection.Configuration(
            host: config.host, port: config.port, username: config.user, password: password,
            database: config.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "tandem")]
        connectionCount += 1
        do {
            return try await PostgresConnection.connect(
                configuration: configuration, id: connectionCount, logger: logger)
        } catch {
            throw translate(error, connecting: true)
        }
    }

    /// Runs `body` on the endpoint's connection, alone; a connection that broke is replaced next time.
    private func withConnection<T>(table: String? = nil, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        let current: PostgresConnection
        if let connection, !connection.isClosed {
            current = connection
        } else {
            if let connection { await discard(connection) }
            connection = nil
            current = try await open()
            connection = current
        }
        do {
            return try await body(current)
        } catch {
            // Errors that are not the server's or the driver's (a caller's callback, cancellation)
            // pass through as they are.
            var inner: any Error = error
            if let transaction = error as? PostgresTransactionError,
                let cause = transaction.closureError ?? transaction.commitError ?? transaction.beginError
            {
                inner = cause
            }
            if !(inner is PSQLError) && !(inner is PostgreSQLError) { throw inner }
            let translated = translate(error, table: table)
            if translated.code == .connectionLost || current.isClosed {
                connection = nil
                await discard(current)
            }
            throw translated
        }
    }

    /// Runs `body` in a transaction on `connection`.
    ///
    /// Not postgres-nio's `withTransaction`: after the server ended the connection it sends a
    /// ROLLBACK into the closing connection, which was seen to wait forever (about one run in
    /// five of the dropped-connection test). The server has rolled back already then, so a
    /// ROLLBACK is sent only on a connection that is still alive.
    private func transaction<T>(
        _ connection: PostgresConnection, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        do {
            let value = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return value
        } catch {
            if !connection.isClosed && translate(error).code != .connectionLost {
                _ = try? await connection.query("ROLLBACK", logger: logger)
            }
            throw error
        }
    }

    /// Closes a connection that broke, waiting at most two seconds: a close that never ends is
    /// left behind (kept referenced, since postgres-nio traps on releasing an unclosed connection).
    private func discard(_ connection: PostgresConnection) async {
        let closed = await connection.close(within: .seconds(2))
        if !closed { abandoned.append(connection) }
    }

    /// A connection of the caller's own, for a transaction it runs statement by statement (see
    /// ``PostgreSQLSession``). The caller must ``PostgreSQLSession/close()`` it.
    public func openSession() async throws -> PostgreSQLSession {
        PostgreSQLSession(connection: try await open(), endpoint: self, logger: logger)
    }

    /// The server process id of the endpoint's connection (tests end it with `pg_terminate_backend`).
    public func _backendPID() async throws -> Int32 {
        try await withConnection { connection in
            var pid: Int32 = 0
            for try await (value,) in try await connection.query("SELECT pg_backend_pid()", logger: logger)
                .decode((Int32).self)
            {
                pid = value
            }
            return pid
        }
    }

    // MARK: Errors

    private nonisolated var server: String { "\(config.host):\(config.port)" }

    /// A ``PostgreSQLError`` for any error of postgres-nio, naming server, database and table.
    nonisolated func translate(_ error: any Error, table: String? = nil, connecting: Bool = false) -> PostgreSQLError {
        if let error = error as? PostgreSQLError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError {
                return translate(inner, table: table, connecting: connecting)
            }
        }
        let place = "PostgreSQL at \(server) (database \(config.database), user \(config.user))"
        let tableName = table.map { "\(config.schema).\($0)" }
        guard let error = error as? PSQLError else {
            return connecting
                ? PostgreSQLError(
                    .notReachable,
                    "\(place) is not reachable: \(PostgreSQLConnectFailure.describe(error)). Start the server, or "
                        + "check host and port in the url")
                : PostgreSQLError(.server, "\(place): \(error)")
        }
        if error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState]
            let message = info[.message] ?? "error"
            switch state {
            case "28P01", "28000":
                return PostgreSQLError(
                    .authenticationFailed,
                    "\(place) refused the login: \(message). Check the password in password_file (or "
                        + "PGPASSWORD) and the user in the url", sqlState: state)
            case "3D000":
                return PostgreSQLError(
                    .badConfig,
                    "\(place): database \(config.database) does not exist. Create it, or fix the database in the url",
                    sqlState: state)
            case "3F000":
                return PostgreSQLError(
                    .badConfig, "\(place): schema \(config.schema) does not exist. Create it, or fix schema:",
                    sqlState: state)
            case "42P01":
                return PostgreSQLError(
                    .missingObject,
                    "\(place): table \(tableName ?? "?") does not exist (\(message)). Create it, or fix the "
                        + "map's table name", sqlState: state)
            case "42703":
                return PostgreSQLError(
                    .missingObject,
                    "\(place): \(message) in table \(tableName ?? info[.tableName] ?? "?"). Add the column, or "
                        + "fix the map", sqlState: state)
            case let state? where state.hasPrefix("57P") || state.hasPrefix("08"):
                return PostgreSQLError(
                    .connectionLost,
                    "\(place) ended the connection (\(message)); the transaction in flight was rolled back "
                        + "and is retried on a new connection", sqlState: state)
            default:
                let detail = info[.detail].map { " (\($0))" } ?? ""
                return PostgreSQLError(
                    .server,
                    "\(place)\(tableName.map { ", table \($0)" } ?? ""): \(message)\(detail) [SQLSTATE \(state ?? "?")]",
                    sqlState: state)
            }
        }
        if connecting {
            let cause = error.underlying.map(PostgreSQLConnectFailure.describe) ?? "\(error.code)"
            return PostgreSQLError(
                .notReachable,
                "\(place) is not reachable: \(cause). Start the server, or check host and port in the url")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return PostgreSQLError(
                .connectionLost,
                "\(place): the connection broke (\(error.code)); the transaction in flight was rolled back "
                    + "and is retried on a new connection")
        default:
            return PostgreSQLError(.server, "\(place): \(error.code)")
        }
    }

    // MARK: Introspection

    /// The columns of `table` in the side's schema, in table order, with their types and key positions.
    public func columns(of table: String) async throws -> [PostgreSQLColumn] {
        let columns = try await withConnection(table: table) { connection in
            try await readColumns(of: table, on: connection)
        }
        guard !columns.isEmpty else {
            throw PostgreSQLError(
                .missingObject,
                "PostgreSQL at \(server) (database \(config.database)): table \(config.schema).\(table) does not "
                    + "exist. Create it, or fix the map's table name")
        }
        columnCache[table] = columns
        return columns
    }

    private func readColumns(of table: String, on connection: PostgresConnection) async throws -> [PostgreSQLColumn] {
        // pg_catalog rather than information_schema: the key positions and numeric scale in one
        // pass, and information_schema hides tables the user cannot write.
        let sql = """
            SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), bt.typname::text, NOT a.attnotnull,
                (SELECT array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1
                    FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                CASE WHEN bt.typname = 'numeric' AND a.atttypmod > 0 THEN (a.atttypmod - 4) & 65535 END
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
                AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum
            """
        var columns: [PostgreSQLColumn] = []
        for try await (name, type, baseType, nullable, key, scale) in try await connection.query(
            PostgreSQLSQL.query(sql, [config.schema, table]), logger: logger
        ).decode((String, String, String, Bool, Int32?, Int32?).self) {
            columns.append(
                PostgreSQLColumn(
                    name: name, typeName: type, kind: PostgreSQLColumn.Kind(typeName: baseType), isNullable: nullable,
                    keyPosition: key.map(Int.init), numericScale: scale.map(Int.init)))
        }
        return columns
    }

    /// What `maps validate` reports for a map that names `table` with `columns`: the table or each
    /// column that does not exist, by name. Empty when everything is there.
    public func validate(table: String, columns wanted: [String]) async throws -> [PostgreSQLFinding] {
        let columns = try await withConnection(table: table) { connection in
            try await readColumns(of: table, on: connection)
        }
        let place = "in schema \(config.schema) of database \(config.database) at \(server)"
        if columns.isEmpty {
            return [
                PostgreSQLFinding(
                    table: table, column: nil,
                    message: "table \(table) does not exist \(place); create it or fix the map's table name")
            ]
        }
        let present = Set(columns.map(\.name))
        var findings = wanted.filter { !present.contains($0) }.map {
            PostgreSQLFinding(
                table: table, column: $0,
                message: "column \(table).\($0) does not exist \(place); add it or remove it from the map")
        }
        if !columns.contains(where: { $0.keyPosition != nil }) {
            findings.append(
                PostgreSQLFinding(
                    table: table, column: nil,
                    message: "table \(table) has no primary key \(place); Tandem finds rows by it: add one"))
        }
        return findings
    }

    // MARK: Capture

    /// Creates Tandem's objects in the side's schema (change log, checkpoints, wake-up flags), running
    /// the migrations not yet recorded in `_tandem_schema_version`; idempotent.
    public func install() async throws {
        try await withConnection { connection in
            try await migrate(on: connection)
        }
    }

    private func migrate(on connection: PostgresConnection) async throws {
        try await transaction(connection) { connection in
            // Two installers at once (two workers starting) take turns.
            try await connection.query(
                PostgreSQLSQL.query("SELECT pg_advisory_xact_lock(hashtext($1))", ["tandem:" + config.schema]),
                logger: logger)
            let exists = try await connection.rows(
                PostgreSQLSQL.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [config.schema]),
                logger: logger
            ).all()
            if exists.isEmpty {
                throw PostgreSQLError(
                    .badConfig,
                    "PostgreSQL at \(server): schema \(config.schema) does not exist in database "
                        + "\(config.database). Create it (CREATE SCHEMA \(config.schema)), or fix schema:")
            }
            try await connection.query(PostgresQuery(unsafeSQL: capture.versionTable), logger: logger)
            var applied = 0
            for try await (version,) in try await connection.query(
                PostgresQuery(
                    unsafeSQL: "SELECT COALESCE(max(version), 0) FROM \(capture.name("_tandem_schema_version"))"),
                logger: logger
            ).decode((Int32).self) {
                applied = Int(version)
            }
            for (index, migration) in capture.migrations.enumerated() where index + 1 > applied {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    PostgreSQLSQL.query(
                        "INSERT INTO \(capture.name("_tandem_schema_version")) (version, name) VALUES ($1, $2)",
                        [String(index + 1), migration.name]), logger: logger)
            }
        }
    }

    /// Installs capture on `table`: from then on every insert, update and delete by any client is
    /// logged in `_tandem_changes`. Installing again (after columns were added) replaces the triggers.
    public func installCapture(table: String) async throws {
        let columns = try await columns(of: table)
        guard columns.contains(where: { $0.keyPosition != nil }) else {
            throw PostgreSQLError(
                .badConfig,
                "PostgreSQL at \(server): table \(config.schema).\(table) has no primary key; Tandem finds "
                    + "rows by it. Add one (ALTER TABLE \(table) ADD PRIMARY KEY (...))")
        }
        try await withConnection(table: table) { connection in
            try await migrate(on: connection)
            try await transaction(connection) { connection in
                for statement in capture.installStatements(table: table, columns: columns) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
        capturedKinds[table] = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.kind) })
    }

    /// Removes capture from `table`; changes already logged stay readable. No error when not installed.
    public func removeCapture(table: String) async throws {
        try await withConnection(table: table) { connection in
            let exists = try await !readColumns(of: table, on: connection).isEmpty
            try await transaction(connection) { connection in
                for statement in capture.removeStatements(table: table, tableExists: exists) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
    }

    /// Removes capture from every table and drops Tandem's objects, change log included.
    public func uninstall() async throws {
        let tables = try await withConnection { connection in
            var tables: [String] = []
            let exists = try await connection.rows(
                PostgreSQLSQL.query("SELECT to_regclass($1) IS NOT NULL", [capture.name("_tandem_capture")]),
                logger: logger
            ).decode((Bool).self).all().first ?? false
            guard exists else { return tables }
            for try await (table,) in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT tbl FROM \(capture.name("_tandem_capture"))"), logger: logger
            ).decode((String).self) {
                tables.append(table)
            }
            return tables
        }
        for table in tables { try await removeCapture(table: table) }
        try await withConnection { connection in
            try await transaction(connection) { connection in
                for object in [
                    "_tandem_changes", "_tandem_checkpoints", "_tandem_capture", "_tandem_waiting",
                    "_tandem_copy_progress", "_tandem_parked", "_tandem_conflicts", "_tandem_written", "_tandem_pruned", "_tandem_initial",
                    "_tandem_schema_version",
                ] {
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(capture.name(object))"), logger: logger)
                }
                try await connection.query(
                    PostgresQuery(unsafeSQL: "DROP FUNCTION IF EXISTS \(capture.name("_tandem_wake"))()"),
                    logger: logger)
            }
        }
        capturedKinds = [:]
    }

    // MARK: Reading changes

    /// The changes logged after `seq`, at most `limit`, in sequence order, never past the commit
    /// horizon (see ``PostgreSQLCommitHorizon``): a change whose transaction is still in flight is
    /// waited for (up to `horizonTimeout`), never skipped. `echoRows`: whether an echo comes with
    /// its row image (a reader that only skips echoes needs their keys alone, and reading a row
    /// costs the server and the client as much as the rest of the change). `mark`: one the caller
    /// read just before (``PostgreSQLCommitHorizon/markSQL(schema:)``), instead of a new one.
    public func changes(
        after seq: Int64, limit: Int = 1_000, horizonTimeout: Duration = .seconds(2), echoRows: Bool = true,
        mark given: PostgreSQLCommitHorizon.Mark? = nil
    ) async throws -> PostgreSQLChangeBatch {
        try await withConnection { connection in
            let horizon = PostgreSQLCommitHorizon(capture: capture)
            let mark: PostgreSQLCommitHorizon.Mark
            if let given { mark = given } else { mark = try await horizon.mark(on: connection, logger: logger) }
            guard mark.last > seq else { return PostgreSQLChangeBatch(changes: [], echoes: [], through: seq) }
            // The images as their text, one result row a change (see PostgreSQLJSONObject).
            let row = echoRows ? "c.row::text" : "CASE WHEN c.origin IS NULL OR c.origin LIKE 'write:%' THEN c.row::text END"
            let sql = """
                SELECT c.seq, c.tbl, c.op::text, c.origin, c.changed, to_jsonb(c.at AT TIME ZONE 'UTC') #>> '{}',
                    c.key::text, \(row)
                FROM \(capture.name("_tandem_changes")) c WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3
                """
            // Read to the end before anything else: a second query on the connection while this
            // one's rows are still streaming would wait for them forever.
            func read() async throws -> [(Int64, String, String, String?, [String]?, String, String?, String?)] {
                try await connection.rows(
                    PostgreSQLSQL.query(sql, [String(seq), String(mark.last), String(limit)]), logger: logger
                ).decode((Int64, String, String, String?, [String]?, String, String?, String?).self).all()
            }
            var rows = try await read()
            var horizonSeq = mark.last
            if !mark.inFlight.isEmpty {
                // Writers in flight: the run without a hole is committed; only an empty run waits.
                let settled = PostgreSQLCommitHorizon.settled(after: seq, rows.lazy.map(\.0))
                if settled > seq {
                    rows = Array(rows.prefix { $0.0 <= settled })
                    horizonSeq = settled
                } else {
                    guard
                        try await horizon.awaitEnd(
                            of: mark.inFlight, on: connection, logger: logger, timeout: horizonTimeout)
                    else { return PostgreSQLChangeBatch(changes: [], echoes: [], through: seq) }
                    rows = try await read()
                }
            }
            if rows.contains(where: { capturedKinds[$0.1] == nil }) { try await loadCapturedKinds(on: connection) }
            var all: [PostgreSQLChange] = []
            all.reserveCapacity(rows.count)
            for (number, table, op, origin, changed, at, keyImage, rowImage) in rows {
                let kinds = capturedKinds[table]
                func decoded(_ image: String) throws -> [String: PostgreSQLValue] {
                    let members = try PostgreSQLJSONObject.members(image)
                    var values: [String: PostgreSQLValue] = Dictionary(minimumCapacity: members.count)
                    for (name, value) in members {
                        values[name] = PostgreSQLValue.fromText(value, kind: kinds?[name] ?? .text)
                    }
                    return values
                }
                all.append(
                    PostgreSQLChange(
                        seq: number, table: table, operation: PostgreSQLChange.Operation(rawValue: op) ?? .update,
                        key: try keyImage.map(decoded) ?? [:], row: try rowImage.map(decoded) ?? [:], changedColumns: changed,
                        origin: origin, at: at))
            }
            let through = all.count == limit ? all[all.count - 1].seq : horizonSeq
            return PostgreSQLChangeBatch(
                changes: all.filter { !$0.isEcho }, echoes: all.filter(\.isEcho), through: through)
        }
    }

    /// The change log's head: the commit horizon now (see ``PostgreSQLCommitHorizon``). A reader
    /// that should see only what comes next starts here; nil when a writer stayed in flight past
    /// `horizonTimeout`.
    public func head(horizonTimeout: Duration = .seconds(2)) async throws -> Int64? {
        try await withConnection { connection in
            try await PostgreSQLCommitHorizon(capture: capture).read(
                on: connection, logger: logger, timeout: horizonTimeout)
        }
    }

    private func loadCapturedKinds(on connection: PostgresConnection) async throws {
        for try await (table, columns, kinds) in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT tbl, columns, kinds FROM \(capture.name("_tandem_capture"))"),
            logger: logger
        ).decode((String, [String], [String]).self) {
            capturedKinds[table] = Dictionary(
                zip(columns, kinds.map { PostgreSQLColumn.Kind(rawValue: $0) ?? .text }), uniquingKeysWith: { a, _ in a })
        }
    }

    /// Waits until a change numbered above `seq` may have committed (true), or `timeout` passes
    /// (false), or `stopped` turns true. LISTEN/NOTIFY on a connection of its own; see
    /// ``PostgreSQLCommitSignal``. `rang` is called as soon as the answer is true, before the
    /// wait's own clean-up on the server, so that a caller can start reading at once.
    public func waitForCommit(
        after seq: Int64, timeout: Duration, fallback: Duration = .seconds(1),
        stopped: @escaping @Sendable () -> Bool = { false }, rang: @escaping @Sendable () -> Void = {}
    ) async throws -> Bool {
        let signal: PostgreSQLCommitSignal
        if let existing = self.signal, let signalConnection, !signalConnection.isClosed {
            signal = existing
        } else {
            if let signalConnection { await discard(signalConnection) }
            let connection = try await open()
            signalConnection = connection
            signal = PostgreSQLCommitSignal(connection: connection, capture: capture, reader: readerName, logger: logger)
            self.signal = signal
        }
        do {
            return try await signal.wait(after: seq, timeout: timeout, fallback: fallback, stopped: stopped, rang: rang)
        } catch {
            let translated = translate(error)
            if let signalConnection, self.signal === signal {
                self.signalConnection = nil
                self.signal = nil
                await discard(signalConnection)
            }
            throw translated
        }
    }

    // MARK: Applying

    /// The checkpoint stored for `map` reading `source`, or nil before the first batch.
    public func checkpoint(map: String, source: String) async throws -> Int64? {
        try await withConnection { connection in
            try await connection.rows(
                PostgreSQLSQL.query(
                    "SELECT seq FROM \(capture.name("_tandem_checkpoints")) WHERE map = $1 AND source = $2",
                    [map, source]), logger: logger
            ).decode((Int64).self).all().first
        }
    }

    /// Applies `writes` and stores `checkpoint` in one transaction, marked as Tandem's own with
    /// `origin` (`SET LOCAL tandem.origin`), so the capture triggers log them as echoes.
    ///
    /// A broken connection (the server restarted, `pg_terminate_backend`) rolls the transaction
    /// back; it is retried on a new connection up to `attempts` times. The stored checkpoint makes
    /// the retry exact: a batch whose checkpoint is already stored (its commit went through but
    /// the answer was lost) is not written again. A row lock held by an application is waited for.
    public func apply(
        _ writes: [PostgreSQLWrite], checkpoint: PostgreSQLCheckpoint, origin: String, attempts: Int = 5
    ) async throws -> PostgreSQLApplyResult {
        var statements: [(table: String, query: PostgresQuery)] = []
        for write in writes {
            statements.append((write.table, try await statement(for: write)))
        }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let (applied, rows) = try await withConnection { connection in
                    try await transaction(connection) { connection in
                        try await connection.query(
                            PostgreSQLSQL.query(
                                "SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true)", [origin]),
                            logger: logger)
                        let stored = try await connection.rows(
                            PostgreSQLSQL.query(
                                """
                                SELECT seq FROM \(capture.name("_tandem_checkpoints"))
                                WHERE map = $1 AND source = $2 FOR UPDATE
                                """, [checkpoint.map, checkpoint.source]), logger: logger
                        ).decode((Int64).self).all().first
                        if let stored, stored >= checkpoint.seq { return (false, 0) }
                        for statement in statements {
                            do {
                                try await connection.query(statement.query, logger: logger)
                            } catch {
                                throw translate(error, table: statement.table)
                            }
                        }
                        try await connection.query(
                            PostgreSQLSQL.query(
                                """
                                INSERT INTO \(capture.name("_tandem_checkpoints")) (map, source, seq) VALUES ($1, $2, $3)
                                ON CONFLICT (map, source) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()
                                """, [checkpoint.map, checkpoint.source, String(checkpoint.seq)]), logger: logger)
                        return (true, statements.count)
                    }
                }
                return PostgreSQLApplyResult(applied: applied, rows: rows, attempts: attempt)
            } catch let error as PostgreSQLError where error.code == .connectionLost && attempt < attempts {
                logger.warning("\(error.message); retrying (attempt \(attempt + 1) of \(attempts))")
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    private func knownColumns(_ table: String) async throws -> [PostgreSQLColumn] {
        if let columns = columnCache[table] { return columns }
        return try await columns(of: table)
    }

    /// The statement for one write, its values checked first: a bad value fails the batch before
    /// any SQL runs, naming table and column.
    private func statement(for write: PostgreSQLWrite) async throws -> PostgresQuery {
        let columns = try await knownColumns(write.table)
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0) })
        let keyColumns = columns.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
        let table = write.table
        let values: [String: PostgreSQLValue]
        switch write {
        case .upsert(_, let row): values = row
        case .delete(_, let key): values = key
        }
        for name in values.keys where byName[name] == nil {
            throw PostgreSQLError(
                .missingObject,
                "PostgreSQL at \(server): column \(table).\(name) does not exist in schema \(config.schema) "
                    + "of database \(config.database); add it or fix the map")
        }
        for key in keyColumns where values[key.name] == nil || values[key.name] == .null {
            throw PostgreSQLError(.badValue, "\(table): the write has no value for key column \(key.name)")
        }
        func text(_ name: String) throws -> String? {
            let value = values[name]!
            if case .decimal(let digits) = value, let scale = byName[name]?.numericScale,
                PostgreSQLValue.significantScale(digits) > scale
            {
                throw PostgreSQLError(
                    .badValue,
                    "\(table).\(name): \(digits) has more decimals than the column (\(byName[name]!.typeName)) "
                        + "keeps; it would be rounded. Widen the column or round in the map")
            }
            return try value.parameterText(column: name, table: table)
        }
        let target = capture.name(table)
        switch write {
        case .upsert:
            let names = keyColumns.map(\.name) + values.keys.filter { byName[$0]?.keyPosition == nil }.sorted()
            let parameters = try names.map(text)
            let list = names.map(PostgreSQLSQL.identifier).joined(separator: ", ")
            let placeholders = (1...names.count).map { "$\($0)" }.joined(separator: ", ")
            let conflict = keyColumns.map { PostgreSQLSQL.identifier($0.name) }.joined(separator: ", ")
            let updates = names.dropFirst(keyColumns.count).map {
                "\(PostgreSQLSQL.identifier($0)) = EXCLUDED.\(PostgreSQLSQL.identifier($0))"
            }
            let action = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updates.joined(separator: ", ")
            return PostgreSQLSQL.query(
                "INSERT INTO \(target) (\(list)) VALUES (\(placeholders)) ON CONFLICT (\(conflict)) \(action)",
                parameters)
        case .delete:
            let parameters = try keyColumns.map { try text($0.name) }
            let condition = keyColumns.enumerated().map { "\(PostgreSQLSQL.identifier($0.element.name)) = $\($0.offset + 1)" }
                .joined(separator: " AND ")
            return PostgreSQLSQL.query("DELETE FROM \(target) WHERE \(condition)", parameters)
        }
    }

    // MARK: Bulk copy (initial sync)

    /// Up to `limit` rows of `table` in key order after the key `after` (key texts as in
    /// ``PostgreSQLCopyProgress/lastKey``): keyset paging, so each chunk costs the same.
    public func readRows(
        table: String, after: [String]?, limit: Int
    ) async throws -> (columns: [PostgreSQLColumn], rows: [[PostgreSQLValue]]) {
        let columns = try await knownColumns(table)
        let keyColumns = columns.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
        let select = columns.map { $0.kind.readExpression(PostgreSQLSQL.identifier($0.name)) }.joined(separator: ", ")
        // Qualified by the alias: a bare name in ORDER BY means the output column first, which is the
        // column's text (so 1001 would sort before 549).
        let keyList = keyColumns.map { "src." + PostgreSQLSQL.identifier($0.name) }.joined(separator: ", ")
        var sql = "SELECT \(select) FROM \(capture.name(table)) AS src"
        var parameters: [String?] = []
        if let after {
            // Typed: an untyped parameter in a row comparison would be taken as text ('1001' < '999').
            let placeholders = keyColumns.enumerated().map { "$\($0.offset + 1)::\($0.element.typeName)" }
                .joined(separator: ", ")
            sql += " WHERE (\(keyList)) > (\(placeholders))"
            parameters = after
        }
        sql += " ORDER BY \(keyList) LIMIT \(limit)"
        let rows = try await withConnection(table: table) { connection in
            var rows: [[PostgreSQLValue]] = []
            for try await row in try await connection.query(PostgreSQLSQL.query(sql, parameters), logger: logger) {
                var values: [PostgreSQLValue] = []
                values.reserveCapacity(columns.count)
                for (cell, column) in zip(row, columns) {
                    values.append(PostgreSQLValue.fromText(try cell.decode(String?.self), kind: column.kind))
                }
                rows.append(values)
            }
            return rows
        }
        return (columns, rows)
    }

    /// How far the bulk copy `name` has come, or nil before it started.
    public func copyProgress(name: String) async throws -> PostgreSQLCopyProgress? {
        try await withConnection { connection in
            try await connection.rows(
                PostgreSQLSQL.query(
                    "SELECT rows, last_key, done FROM \(capture.name("_tandem_copy_progress")) WHERE copy = $1",
                    [name]), logger: logger
            ).decode((Int64, [String]?, Bool).self).all().first.map {
                PostgreSQLCopyProgress(name: name, rows: $0.0, lastKey: $0.1, done: $0.2, chunks: 0)
            }
        }
    }

    /// Copies every row of `table` from `source` into the same table here with `COPY … FROM STDIN`,
    /// `chunkRows` rows a transaction, each chunk committed with its progress. A copy that stops
    /// (crash, dropped connection, an error) resumes after the last committed chunk when called
    /// again with the same `name`: nothing is lost or copied twice. Rows are marked with `origin`,
    /// so capture logs them as echoes. Values are checked as for ``apply(_:checkpoint:origin:attempts:)``.
    ///
    /// `_afterChunk` is a test seam, called inside each chunk's transaction before it commits.
    public func copyRows(
        from source: PostgreSQLEndpoint, table: String, name: String, origin: String, chunkRows: Int = 10_000,
        _afterChunk: (@Sendable (Int) async throws -> Void)? = nil
    ) async throws -> PostgreSQLCopyProgress {
        try await install()
        var progress =
            try await copyProgress(name: name)
            ?? PostgreSQLCopyProgress(name: name, rows: 0, lastKey: nil, done: false, chunks: 0)
        let targetColumns = try await knownColumns(table)
        let targetNames = Set(targetColumns.map(\.name))
        while !progress.done {
            let (columns, rows) = try await source.readRows(table: table, after: progress.lastKey, limit: chunkRows)
            for column in columns where !targetNames.contains(column.name) {
                throw PostgreSQLError(
                    .missingObject,
                    "PostgreSQL at \(server): column \(table).\(column.name) of the source does not exist here "
                        + "(schema \(config.schema), database \(config.database)); add it before the copy")
            }
            let keyIndexes = columns.indices.filter { columns[$0].keyPosition != nil }
                .sorted { columns[$0].keyPosition! < columns[$1].keyPosition! }
            let byName = Dictionary(uniqueKeysWithValues: targetColumns.map { ($0.name, $0) })
            var text = ""
            var lastKey = progress.lastKey
            for row in rows {
                for (index, value) in row.enumerated() {
                    if index > 0 { text += "\t" }
                    let column = columns[index].name
                    if case .decimal(let digits) = value, let scale = byName[column]?.numericScale,
                        PostgreSQLValue.significantScale(digits) > scale
                    {
                        throw PostgreSQLError(
                            .badValue,
                            "\(table).\(column): \(digits) has more decimals than the column keeps here; it "
                                + "would be rounded. Widen the column")
                    }
                    text += Self.copyField(try value.parameterText(column: column, table: table))
                }
                text += "\n"
                lastKey = try keyIndexes.map { try row[$0].parameterText(column: columns[$0].name, table: table) ?? "" }
            }
            let chunk = progress.chunks + 1
            let newKey = lastKey
            let count = rows.count
            try await withConnection(table: table) { connection in
                try await transaction(connection) { connection in
                    try await connection.query(
                        PostgreSQLSQL.query(
                            "SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true)", [origin]),
                        logger: logger)
                    if count > 0 {
                        // postgres-nio's COPY names the table unqualified, quoting it as given.
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(PostgreSQLSQL.identifier(config.schema))"),
                            logger: logger)
                        try await connection.copyFrom(
                            table: table.replacingOccurrences(of: "\"", with: "\"\""),
                            columns: columns.map { $0.name.replacingOccurrences(of: "\"", with: "\"\"") },
                            logger: logger
                        ) { writer in
                            var buffer = ByteBuffer()
                            buffer.writeString(text)
                            try await writer.write(buffer)
                        }
                    }
                    try await _afterChunk?(chunk)
                    try await connection.query(
                        PostgreSQLSQL.query(
                            """
                            INSERT INTO \(capture.name("_tandem_copy_progress")) (copy, tbl, last_key, rows, done)
                            VALUES ($1, $2, $3::text[], $4, $5)
                            ON CONFLICT (copy) DO UPDATE SET last_key = EXCLUDED.last_key, rows = EXCLUDED.rows,
                                done = EXCLUDED.done, updated_at = now()
                            """,
                            [
                                name, table, newKey.map(Self.arrayLiteral), String(progress.rows + Int64(count)),
                                count < chunkRows ? "true" : "false",
                            ]), logger: logger)
                }
            }
            progress.rows += Int64(count)
            progress.lastKey = newKey
            progress.done = count < chunkRows
            progress.chunks = chunk
        }
        return progress
    }

    /// One field of COPY's text format: `\N` for NULL; backslash, tab, newline and return escaped.
    static func copyField(_ text: String?) -> String {
        guard let text else { return "\\N" }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A text[] literal of `items` (each quoted, backslash and quote escaped).
    static func arrayLiteral(_ items: [String]) -> String {
        "{" + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
