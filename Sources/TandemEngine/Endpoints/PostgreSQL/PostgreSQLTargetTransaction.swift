import Foundation
import TandemPostgreSQL

/// The PostgreSQL side of ``TargetTransaction``: writes one batch inside the
/// transaction ``PostgreSQLSide`` opened on its session.
///
/// Tandem's writes are marked with `tandem.origin`, a transaction-local
/// setting the capture triggers copy into the change log (see
/// docs/ENDPOINTS.md): the source change a write applies (`erp:42`), or the
/// mode's mark until the first one. PostgreSQL runs writers concurrently, so
/// a per-transaction setting does what SQLite's context row does there.
///
/// A row the database refuses must not end the batch, but PostgreSQL aborts
/// the whole transaction at a failed statement. Row by row (`bulk` off),
/// each row's statements run under a savepoint, rolled back to on a refusal
/// (``RowRefused``). In bulk (the default), rows are held and sent as one
/// statement per run of like rows (``PostgreSQLBulkWrites``) when the batch
/// ends or a statement must see them; a refused run throws
/// ``PostgreSQLBulkWrites/Refused``, and the side runs the batch again row
/// by row (``PostgreSQLSide/applyBatch(_:checkpoints:fastPath:logger:_:)``).
///
/// `tandem.origin` is set only when a statement that writes a captured table
/// is sent and the value differs from the one set: a source change's mark is
/// kept here until then.
///
/// Statements that need no answer before the next go out together in one
/// pipeline (``PostgreSQLSession/pipeline(_:)``): a run's `set_config`s and its
/// statement. The rows still held when the batch ends
/// are not sent by ``finish()``: the side sends them with the checkpoints and
/// `COMMIT` (``commitStatements()``), one wait for all of it.
final class PostgreSQLTargetTransaction: TargetTransaction {
    private let side: PostgreSQLSide
    private let session: PostgreSQLSession
    /// Whether rows are held and sent as multi-row statements.
    private let bulk: Bool
    /// The batch's mode (initial sync keeps one origin for the whole batch).
    private var mode = ApplyMode.live
    /// The rows held (bulk).
    private var pending = PostgreSQLBulkWrites()
    /// The `tandem.origin` the next write is marked with.
    private var origin = ""
    /// The `tandem.origin` set on the server in this transaction; nil until set here.
    private var serverOrigin: String?
    /// Pending edits a write-through's target read ahead, with its `BEGIN` and lock
    /// (``PostgreSQLSide/withWriteThroughTarget(tables:pendingEdits:_:)``), by what each read.
    private let readAhead: [EditsRead: [Change]]
    /// Write-through markers not sent yet (bulk): they go out in the statement that sets a run's
    /// settings (``commitStatements()``), not as one exchange with the server of their own.
    private var markers: [(source: String, seq: Int64)] = []

    /// The origin of initial sync's writes (as on SQLite sides).
    static let initialSyncOrigin = "initial-sync"
    /// The origin of Tandem's writes before the first source change is named.
    static let engineOrigin = "tandem"

    /// A batch on `session`, inside the transaction `side` opened; `bulk`: rows are held and sent
    /// as multi-row statements; `pendingEdits`: reads of pending edits made ahead in this
    /// transaction, which ``pendingLocalEdits(_:after:)`` answers from.
    init(side: PostgreSQLSide, session: PostgreSQLSession, bulk: Bool = false, pendingEdits: [EditsRead: [Change]] = [:]) {
        self.side = side
        self.session = session
        self.bulk = bulk
        readAhead = pendingEdits
    }

    /// A read of a target table's pending edits: the applications' changes after a position.
    struct EditsRead: Hashable {
        /// The target table.
        let table: String
        /// The position after which the read looks (the reverse direction's checkpoint).
        let after: Int64
    }

    /// The statement of `read` (the one ``pendingLocalEdits(_:after:)`` sends itself).
    static func editsStatement(_ read: EditsRead, changeLog: PostgreSQLChangeLog) -> PostgreSQLStatement {
        PostgreSQLStatement(
            changeLog.select(condition: "seq > $1 AND tbl = $2 AND origin IS NULL"), [String(read.after), read.table])
    }

    /// Runs one statement in the batch's transaction.
    private func query(_ sql: String, _ parameters: [String?] = [], table: String? = nil) throws -> [[String?]] {
        try side.query(session, sql, parameters, table: table)
    }

    /// A qualified name in the side's schema.
    private func name(_ object: String) -> String { side.name(object) }

    // MARK: Marking Tandem's writes

    /// Marks the next writes with `origin` ('' reads as none in the triggers); sent with them.
    private func setOrigin(_ origin: String) {
        self.origin = origin
    }

    /// Sets `tandem.origin` on the server to `origin` for the rest of the transaction, unless it is set.
    private func sendOrigin(_ origin: String) throws {
        guard let statement = originStatement(origin) else { return }
        _ = try side.pipeline(session, [statement])
    }

    /// The statement that sets `tandem.origin` to `origin`, nil when it is set; counted as sent.
    private func originStatement(_ origin: String) -> PostgreSQLStatement? {
        guard serverOrigin != origin else { return nil }
        serverOrigin = origin
        return PostgreSQLStatement("SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true)", [origin])
    }

    /// One statement that sets each of `settings` (name, value) for the rest of the transaction
    /// and stores the write-through markers held (``markers``); nil when there is nothing to do.
    ///
    /// Why one: each statement is an exchange with the server of its own (postgres-nio sends the
    /// next only when the one before is answered), and on a loaded machine each exchange waits
    /// for the server's process and the event loop to get a core. A write-through's target sent
    /// its marker, its origin and the run's `tandem.logged` as three. The markers go in a
    /// data-modifying `WITH`, which PostgreSQL runs to completion whether or not the query reads
    /// it; the settings are plain `set_config` calls of the one result row.
    private func preludeStatement(_ settings: [(name: String, value: String)]) -> PostgreSQLStatement? {
        let stored = markers
        markers = []
        guard !settings.isEmpty || !stored.isEmpty else { return nil }
        var parameters: [String?] = []
        var with = ""
        if !stored.isEmpty {
            parameters = [
                PostgreSQLBulkWrites.arrayLiteral(stored.map(\.source)),
                "{" + stored.map { String($0.seq) }.joined(separator: ",") + "}",
            ]
            let insert = """
                INSERT INTO \(name("_tandem_written")) (source, seq) SELECT * FROM unnest($1::text[], $2::bigint[])
                ON CONFLICT DO NOTHING
                """
            guard !settings.isEmpty else { return PostgreSQLStatement(insert, parameters) }
            with = "WITH tandem_markers AS (\(insert)) "
        }
        let calls = settings.map { setting -> String in
            parameters.append(setting.value)
            return "set_config('\(setting.name)', $\(parameters.count), true)"
        }
        return PostgreSQLStatement(with + "SELECT " + calls.joined(separator: ", "), parameters)
    }

    func begin(_ mode: ApplyMode) throws {
        self.mode = mode
        setOrigin(mode == .initialSync ? Self.initialSyncOrigin : Self.engineOrigin)
    }

    func markSource(_ source: String) throws {
        // Initial sync's origin stays for the whole batch, as on SQLite sides.
        guard mode != .initialSync else { return }
        setOrigin(source)
    }

    func markMerge(_ note: String) throws {
        setOrigin(note)
    }

    func captureNeeded() throws {
        // Nothing to do: the capture triggers are never off here (no quiet path), so every
        // write of the batch is recorded by them.
    }

    /// The rows held stay held: the side sends them with the checkpoints and `COMMIT`
    /// (``commitStatements()``); a read or a write that must see them sends them first.
    func finish() throws {
        setOrigin("")
    }

    /// Echoes this endpoint recorded itself: none, the triggers record every one.
    var recordedEchoes: Int { 0 }

    // MARK: Held rows

    /// Sends the rows held, one statement a run, each run's echoes logged with its rows' origins,
    /// in one pipeline. Throws ``PostgreSQLBulkWrites/Refused`` when the database refuses a run
    /// for one of its rows.
    private func flush() throws {
        let (statements, refusals) = try commitStatements()
        guard !statements.isEmpty else { return }
        _ = try side.pipeline(session, statements, failure: refusals)
    }

    /// The statements that send the rows held (none are held afterwards), and the error a failure
    /// of the one at an index is: ``PostgreSQLBulkWrites/Refused`` for a run's statement refused
    /// for one of its rows. Per run: `tandem.origin` when it changes (the rows' origin, or the
    /// marker when they have several), and the run's statement. A run into a captured table logs
    /// its own echoes, each with its row's origin
    /// (``PostgreSQLBulkWrites/statement(_:target:columns:logged:)``), between the two settings of
    /// ``PostgreSQLCapture/loggedSetting`` that keep its capture trigger quiet for that one
    /// statement (an application's trigger writing the same table in a later statement of the
    /// transaction is captured as ever).
    func commitStatements() throws -> (statements: [PostgreSQLStatement], failure: (Int, PostgreSQLError) -> any Error) {
        var statements: [PostgreSQLStatement] = []
        var runStatements = Set<Int>()
        let captured = try side.captured()
        for run in pending.takeRuns() {
            let table = run.rows[0].table
            let described = try side.columns(of: table)
            let byName = Dictionary(described.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let keyColumns = described.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
            let logged =
                captured[table] == nil || keyColumns.isEmpty
                ? nil : PostgreSQLBulkWrites.Logged(table: table, log: name("_tandem_changes"), keyColumns: keyColumns)
            let statement = try PostgreSQLBulkWrites.statement(run, target: name(table), columns: byName, logged: logged)
            let origin = run.rows[0].origin
            let shared = run.rows.allSatisfy { $0.origin == origin }
            // The run's origin (when it changes) and its `tandem.logged`, with any markers held,
            // go out as one statement before the run's.
            var settings: [(name: String, value: String)] = []
            let runOrigin = shared ? origin : PostgreSQLBulkWrites.pendingOrigin
            if serverOrigin != runOrigin {
                serverOrigin = runOrigin
                settings.append((PostgreSQLCapture.originSetting, runOrigin))
            }
            if logged != nil { settings.append((PostgreSQLCapture.loggedSetting, name(table))) }
            if let prelude = preludeStatement(settings) { statements.append(prelude) }
            runStatements.insert(statements.count)
            statements.append(PostgreSQLStatement(statement.sql, statement.parameters, table: table))
            if logged != nil {
                statements.append(
                    PostgreSQLStatement("SELECT set_config('\(PostgreSQLCapture.loggedSetting)', '', true)"))
            }
        }
        // Markers of a batch that sent no run (its rows went one by one, or it wrote none).
        if let prelude = preludeStatement([]) { statements.append(prelude) }
        let refusable = runStatements
        let failure: (Int, PostgreSQLError) -> any Error = { index, error in
            guard refusable.contains(index), Self.refusesRow(error) else { return error }
            return PostgreSQLBulkWrites.Refused(message: error.message)
        }
        return (statements, failure)
    }

    /// Sends the rows held when one of them is in `table`: a read of `table` must see them.
    private func flush(before table: String) throws {
        if pending.touches(table) { try flush() }
    }

    // MARK: Rows

    /// The parameters of `values` for `columns` of `table`, converted by each column's type.
    private func parameters(_ values: [SideValue], columns names: [String], table: String) throws -> [String?] {
        let columns = try side.columns(of: table)
        return try zip(values, names).map { value, name in
            guard let column = columns.first(where: { $0.name == name }) else {
                throw SyncError(
                    .missingTable,
                    "column \(name) is not in \(side.endpoint.config.schema).\(table) on \(side.location); add it, or "
                        + "fix the map")
            }
            return try PostgreSQLSideValues.parameter(value, column: column, table: table)
        }
    }

    /// `a = $1 AND b = $2…`, numbered from `first`, each name after `qualifier`.
    private static func condition(_ names: [String], first: Int = 1, qualifier: String = "") -> String {
        names.enumerated().map { "\(qualifier)\(PostgreSQLSQL.identifier($0.element)) = $\(first + $0.offset)" }
            .joined(separator: " AND ")
    }

    func parentExists(_ check: Int, of plan: DirectionPlan, values: [SideValue]) throws -> Bool {
        let parent = plan.parentChecks[check]
        try flush(before: parent.table)
        let names = [parent.column] + parent.companions.map(\.column)
        let arguments: [String?]
        do {
            arguments = try parameters(parent.arguments(values), columns: names, table: parent.table)
        } catch is RowRefused {
            // A value no column here can hold: no parent has it.
            return false
        }
        return try !query(
            "SELECT 1 FROM \(name(parent.table)) WHERE \(Self.condition(names)) LIMIT 1", arguments, table: parent.table
        ).isEmpty
    }

    func rowExists(_ plan: DirectionPlan, key: [SideValue]) throws -> Bool {
        try flush(before: plan.targetTable)
        let names = plan.targetKey.map { plan.targetColumns[$0] }
        let arguments: [String?]
        do {
            arguments = try parameters(key, columns: names, table: plan.targetTable)
        } catch is RowRefused {
            // A value no key column here can hold: no row has it.
            return false
        }
        return try !query(
            "SELECT 1 FROM \(name(plan.targetTable)) WHERE \(Self.condition(names)) LIMIT 1", arguments,
            table: plan.targetTable
        ).isEmpty
    }

    /// SQLSTATE classes of errors that belong to one row (a value, a constraint), not to the side.
    private static func refusesRow(_ error: PostgreSQLError) -> Bool {
        guard let state = error.sqlState else { return error.code == .badValue }
        return state.hasPrefix("22") || state.hasPrefix("23") || state == "42804"
    }

    /// Runs `body` under a savepoint: a statement the database refuses for this row rolls back to
    /// it and throws ``RowRefused``, and the batch's transaction goes on.
    private func row(_ body: () throws -> Void) throws {
        _ = try query("SAVEPOINT tandem_row")
        do {
            try body()
        } catch let error as PostgreSQLError where Self.refusesRow(error) {
            _ = try query("ROLLBACK TO SAVEPOINT tandem_row")
            _ = try query("RELEASE SAVEPOINT tandem_row")
            throw RowRefused(message: error.message)
        }
        _ = try query("RELEASE SAVEPOINT tandem_row")
    }

    func write(
        _ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?, only: Set<Int>?
    ) throws {
        let table = plan.targetTable
        let target = name(table)
        let keyNames = plan.targetKey.map { plan.targetColumns[$0] }
        let keyValues = try parameters(plan.targetKey.map { values[$0] }, columns: keyNames, table: table)
        let delete = "DELETE FROM \(target) WHERE \(Self.condition(keyNames))"
        let columns = try side.columns(of: table)
        let primary = Set(columns.filter { $0.keyPosition != nil }.map(\.name))
        // An update of a row that is here writes only the columns the source changed (`only`).
        let written = plan.nonKey.filter { only?.contains($0) ?? true }
        let nonKey = written.map { plan.targetColumns[$0] }
        // Held for a multi-row statement: a row found by its primary key whose key stays.
        if bulk, oldKey == nil, !primary.isEmpty, primary == Set(keyNames) {
            let isDelete = operation == .delete
            pending.append(
                PostgreSQLBulkWrites.Row(
                    table: table, delete: isDelete, columns: isDelete ? keyNames : plan.targetColumns,
                    values: isDelete ? keyValues : try parameters(values, columns: plan.targetColumns, table: table),
                    keyNames: keyNames, key: keyValues, update: isDelete ? [] : nonKey, origin: origin))
            return
        }
        try flush()
        try sendOrigin(origin)
        switch operation {
        case .delete:
            try row { _ = try query(delete, keyValues, table: table) }
        case .insert, .update:
            let all = try parameters(values, columns: plan.targetColumns, table: table)
            let old = try oldKey.map { try parameters($0, columns: keyNames, table: table) }
            let list = plan.targetColumns.map(PostgreSQLSQL.identifier).joined(separator: ", ")
            let placeholders = plan.targetColumns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
            let insert = "INSERT INTO \(target) (\(list)) VALUES (\(placeholders))"
            try row {
                if let old { _ = try query(delete, old, table: table) }
                if primary == Set(keyNames) {
                    // One statement: ON CONFLICT needs a unique index on exactly the key, which the primary key is.
                    let action =
                        nonKey.isEmpty
                        ? "DO NOTHING"
                        : "DO UPDATE SET "
                            + nonKey.map { "\(PostgreSQLSQL.identifier($0)) = EXCLUDED.\(PostgreSQLSQL.identifier($0))" }
                            .joined(separator: ", ")
                    let conflict = keyNames.map(PostgreSQLSQL.identifier).joined(separator: ", ")
                    _ = try query("\(insert) ON CONFLICT (\(conflict)) \(action)", all, table: table)
                } else {
                    var updated = true
                    if !nonKey.isEmpty {
                        let assignments = nonKey.enumerated().map { "\(PostgreSQLSQL.identifier($0.element)) = $\($0.offset + 1)" }
                            .joined(separator: ", ")
                        updated = try !query(
                            "UPDATE \(target) SET \(assignments) WHERE \(Self.condition(keyNames, first: nonKey.count + 1)) RETURNING 1",
                            written.map { all[$0] } + keyValues, table: table
                        ).isEmpty
                    } else {
                        updated = try !query("SELECT 1 FROM \(target) WHERE \(Self.condition(keyNames))", keyValues, table: table)
                            .isEmpty
                    }
                    if !updated { _ = try query(insert, all, table: table) }
                }
            }
        }
    }

    func writeShared(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue) throws {
        try flush()
        // '' reads as no origin in the triggers: an application's change, which the table's maps carry on.
        // The writes after it are marked with the source change again (``origin`` is unchanged).
        try sendOrigin("")
        let names = keys.map(\.column)
        let arguments = try parameters([value] + keys.map(\.value), columns: [column] + names, table: table)
        let conditions = names.enumerated().map { "\(PostgreSQLSQL.identifier($0.element)) = $\($0.offset + 2)" }
        try row {
            _ = try query(
                "UPDATE \(name(table)) SET \(PostgreSQLSQL.identifier(column)) = $1 WHERE \(conditions.joined(separator: " AND ")) AND \(PostgreSQLSQL.identifier(column)) IS DISTINCT FROM $1",
                arguments, table: table)
        }
    }

    func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String
    ) throws -> Bool {
        try flush()
        try sendOrigin(origin)
        return try Self.writeMerged(
            plan, values: values, columns: columns, local: local, note: note, side: side, session: session)
    }

    /// Writes the incoming values of `columns` over the target's row, keeping its other columns;
    /// the target's pending edits of the key are marked with `note` (they are part of the merged
    /// row now), and the merged row is logged as an application's change of its own, so that it
    /// travels back with the target's edits (as on SQLite sides). False when the row is not on
    /// the target side. The caller has set `tandem.origin`, so the update itself logs as an echo.
    static func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String,
        side: PostgreSQLSide, session: PostgreSQLSession
    ) throws -> Bool {
        let table = plan.targetTable
        let target = side.name(table)
        let described = try side.columns(of: table)
        let byName = Dictionary(described.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let selected = try plan.targetColumns.map { name in
            guard let column = byName[name] else {
                throw SyncError(.missingTable, "column \(name) is not in \(side.endpoint.config.schema).\(table) on \(side.location)")
            }
            return column
        }
        let keyNames = plan.targetKey.map { plan.targetColumns[$0] }
        let keyValues: [String?]
        do {
            keyValues = try zip(plan.targetKey.map { values[$0] }, plan.targetKey.map { selected[$0] }).map { value, column throws(RowRefused) in
                try PostgreSQLSideValues.parameter(value, column: column, table: table)
            }
        } catch {
            // A key no column here can hold: the row is not here.
            return false
        }
        let read = selected.map { $0.kind.readExpression(PostgreSQLSQL.identifier($0.name)) }.joined(separator: ", ")
        guard
            let current = try side.query(
                session, "SELECT \(read) FROM \(target) WHERE \(condition(keyNames)) FOR UPDATE", keyValues, table: table
            ).first
        else { return false }
        var merged = zip(current, selected).map { PostgreSQLSideValues.sideValue(text: $0, column: $1) }
        for (index, column) in plan.targetColumns.enumerated() where columns.contains(column) { merged[index] = values[index] }
        if !plan.nonKey.isEmpty {
            let assignments = plan.nonKey.enumerated().map { "\(PostgreSQLSQL.identifier(plan.targetColumns[$0.element])) = $\($0.offset + 1)" }
                .joined(separator: ", ")
            let parameters = try plan.nonKey.map { try PostgreSQLSideValues.parameter(merged[$0], column: selected[$0], table: table) }
            _ = try side.query(
                session, "UPDATE \(target) SET \(assignments) WHERE \(condition(keyNames, first: plan.nonKey.count + 1))",
                parameters + keyValues, table: table)
        }
        try side.supersede(table: table, key: local.key, from: local.seq, note: note, session)
        // The merged row as the capture triggers would log it, by the columns capture records.
        let captured = try side.captured()[table]
        let logged = (captured?.columns ?? plan.targetColumns).compactMap { byName[$0] }
        let loggedKey = (captured?.key ?? keyNames).compactMap { byName[$0] }
        func image(_ of: [PostgreSQLColumn]) -> String {
            // jsonb_build_object takes at most 100 arguments: 50 columns a call, joined with ||.
            stride(from: 0, to: of.count, by: 50).map { start in
                "jsonb_build_object("
                    + of[start..<min(start + 50, of.count)].map {
                        PostgreSQLSQL.literal($0.name) + ", " + $0.kind.captureExpression("t." + PostgreSQLSQL.identifier($0.name))
                    }.joined(separator: ", ") + ")"
            }.joined(separator: " || ")
        }
        let changed = logged.map(\.name).filter { local.wholeRow || local.columns.contains($0) }
        _ = try side.query(
            session,
            """
            INSERT INTO \(side.name("_tandem_changes")) (tbl, op, key, row, origin, changed)
            SELECT $1, 'U', \(image(loggedKey)), \(image(logged)), NULL, $2::text[]
            FROM \(target) AS t WHERE \(condition(keyNames, first: 3, qualifier: "t."))
            """, [table, arrayLiteral(changed)] + keyValues, table: table)
        return true
    }

    /// A `text[]` literal of `items`.
    private static func arrayLiteral(_ items: [String]) -> String {
        "{" + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    // MARK: Write-through markers

    func consumeWrittenMarker(source: String, seq: Int64) throws -> Bool {
        // Markers this transaction holds go first (in the same pipeline): the delete must see them.
        let held = preludeStatement([]).map { [$0] } ?? []
        let delete = PostgreSQLStatement(
            "DELETE FROM \(name("_tandem_written")) WHERE source = $1 AND seq = $2 RETURNING 1", [source, String(seq)])
        return try !(side.pipeline(session, held + [delete]).last ?? []).isEmpty
    }

    /// Needs no answer, so it never costs a wait of its own: in bulk, kept for the statement that
    /// sets the next run's settings (``commitStatements()``); row by row, held to go out with the
    /// next statement (``PostgreSQLSide/hold(_:)``).
    func markWritten(source: String, seq: Int64) throws {
        if bulk {
            markers.append((source, seq))
            return
        }
        side.hold([
            PostgreSQLStatement(
                "INSERT INTO \(name("_tandem_written")) (source, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [source, String(seq)])
        ])
    }

    // MARK: Parking

    @discardableResult
    func park(_ parked: ParkedChange) throws -> Int64 {
        let change = parked.change
        let rows = try query(
            """
            INSERT INTO \(name("_tandem_parked")) (map, source, seq, tbl, op, key, row, at, kind, reason, parked_at,
                error_class, changed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id
            """,
            [
                parked.map, parked.source, String(change.seq), change.table, change.operation.rawValue, change.key,
                change.row, String(change.at), parked.kind, parked.reason, String(StateStore.now),
                parked.errorClass.rawValue, change.changed,
            ])
        return rows.first?[0].flatMap(Int64.init) ?? 0
    }

    func parkAgain(id: Int64, kind: String, reason: String, errorClass: ErrorClass) throws {
        _ = try query(
            "UPDATE \(name("_tandem_parked")) SET reason = $1, kind = $2, error_class = $3, attempts = attempts + 1 WHERE id = $4",
            [reason, kind, errorClass.rawValue, String(id)])
    }

    func unpark(id: Int64) throws {
        _ = try query("DELETE FROM \(name("_tandem_parked")) WHERE id = $1", [String(id)])
    }

    // MARK: Conflicts

    func pendingLocalEdits(_ plan: DirectionPlan, after consumed: Int64) throws -> [String: LocalEdits] {
        var result: [String: LocalEdits] = [:]
        let read = EditsRead(table: plan.targetTable, after: consumed)
        let changes =
            try readAhead[read]
            ?? side.logChanges(
                side.pipeline(session, [Self.editsStatement(read, changeLog: side.changeLog)]).last ?? [])
        for change in changes {
            var edits = result[change.key] ?? LocalEdits(seq: change.seq, key: change.key, row: nil, at: 0)
            edits.row = change.row
            edits.at = change.at
            if change.operation == .update, let columns = plan.changedCaptureColumns(change.changed) {
                edits.columns.formUnion(columns)
            } else {
                edits.wholeRow = true
            }
            result[change.key] = edits
        }
        return result
    }

    func recordConflict(_ conflict: ConflictRecord) throws -> Int64 {
        let rows = try query(
            """
            INSERT INTO \(name("_tandem_conflicts")) (map, key, policy, winner, source, source_seq, source_row, target_seq,
                target_row, at, status, outcome, source_changed, target_changed, source_table, target_table)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id
            """,
            [
                conflict.map, conflict.key, conflict.policy, conflict.winner, conflict.source, String(conflict.sourceSeq),
                conflict.sourceRow, String(conflict.targetSeq), conflict.targetRow, String(StateStore.now), conflict.status,
                conflict.outcome, conflict.sourceChanged, conflict.targetChanged, conflict.sourceTable, conflict.targetTable,
            ])
        return rows.first?[0].flatMap(Int64.init) ?? 0
    }

    func hasConflict(map: String, targetSeq: Int64, policy: String) throws -> Bool {
        try !query(
            "SELECT 1 FROM \(name("_tandem_conflicts")) WHERE map = $1 AND target_seq = $2 AND policy = $3",
            [map, String(targetSeq), policy]
        ).isEmpty
    }

    func linkConflict(_ id: Int64, parked: Int64) throws {
        _ = try query("UPDATE \(name("_tandem_conflicts")) SET parked_id = $1 WHERE id = $2", [String(parked), String(id)])
    }

    func supersede(table: String, key: String, from seq: Int64, note: String) throws {
        try flush()
        try side.supersede(table: table, key: key, from: seq, note: note, session)
    }

    func recordInitialProgress(map: String, lastKey: String, done: Int, conflicts: Int, errors: Int) throws {
        _ = try query(
            "UPDATE \(name("_tandem_initial")) SET last_key = $1, done = $2, conflicts = $3, errors = $4 WHERE map = $5",
            [lastKey, String(done), String(conflicts), String(errors), map])
    }
}
