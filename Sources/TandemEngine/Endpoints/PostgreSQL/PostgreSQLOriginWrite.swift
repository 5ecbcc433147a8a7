import Foundation
import TandemPostgreSQL

/// The PostgreSQL side's open transaction of a write through Tandem (see
/// ``SideEndpoint/writeThrough(tag:_:)``), on the side's session.
///
/// Its writes are marked with the write's tag in `tandem.origin`, so the
/// capture triggers log them with it, and ``capturedChanges()`` finds them by
/// that tag (each write has its own, and other writers' changes have none of
/// it). A table it writes is locked against the applications' writes first,
/// as SQLite's `BEGIN IMMEDIATE` holds the write lock, so that no other edit
/// of the rows slips in before both sides commit.
///
/// Statements wait to go out in one pipeline with the next statement that
/// needs an answer (``PostgreSQLSession/pipeline(_:)``): `BEGIN`, the lock,
/// every row's statement and the read of what capture logged, so a write
/// costs this thread one wait for the server before its commit, not one per
/// statement. The pipeline still sends each statement only when the one
/// before is answered, so each is an exchange with the server of its own,
/// and on a loaded machine each waits for the server's process and the
/// event loop to get a core: a row is one statement (its `tandem.origin`
/// and its upsert's update and insert together), and the read resets
/// `tandem.origin` itself. One row took seven exchanges before its commit,
/// now four.
final class PostgreSQLOriginWrite: OriginWrite {
    private let side: PostgreSQLSide
    private let session: PostgreSQLSession
    private let tag: String
    /// Whether ``commit()`` ended the transaction.
    private(set) var committed = false
    /// Statements that go out before the next one: `BEGIN` first, until it is sent.
    private var held = [PostgreSQLStatement("BEGIN")]
    /// The transaction-local setting that holds the change log's sequence as it was before the
    /// write logged its first change: every change the write logs has a number at least that high.
    static let from = "tandem.write_from"

    /// The transaction of a write on `session`; it begins with the first statement sent.
    init(side: PostgreSQLSide, session: PostgreSQLSession, tag: String) {
        self.side = side
        self.session = session
        self.tag = tag
    }

    /// Runs one statement in the write's transaction.
    private func query(_ sql: String, _ parameters: [String?] = [], table: String? = nil) throws -> [[String?]] {
        try send([PostgreSQLStatement(sql, parameters, table: table)]).last ?? []
    }

    /// Runs `statements` in the write's transaction after those held, in one pipeline; their rows.
    private func send(_ statements: [PostgreSQLStatement]) throws -> [[[String?]]] {
        let before = held
        held = []
        return Array(try side.pipeline(session, before + statements).dropFirst(before.count))
    }

    func write(
        _ rows: [[String: SideValue]], operation: WriteRequest.Operation, table name: String,
        columns: [(name: String, type: String)], key: [String]
    ) throws {
        let table = side.name(name)
        let described = try side.columns(of: name)
        /// The parameter of `value` for column `column`; a value the column cannot hold fails the write.
        func parameter(_ value: SideValue, _ column: String) throws -> String? {
            guard let described = described.first(where: { $0.name == column }) else {
                throw SyncError(
                    .missingTable, "column \(column) is not in \(side.endpoint.config.schema).\(name) on \(side.location)")
            }
            do {
                return try PostgreSQLSideValues.parameter(value, column: described, table: name)
            } catch {
                throw SyncError(.badValue, error.message)
            }
        }
        held.append(PostgreSQLStatement("LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE", table: name))
        // Every row's statement waits to go out with the read of what capture logged
        // (``capturedChanges()``): one wait for the whole write. Each statement sets `tandem.origin`
        // itself, in a `WITH` that the write reads from: the capture triggers run after the row
        // (AFTER ROW, at the statement's end), and no row is written before the one row of the
        // `WITH` was read, so every row is logged with the tag. An upsert is an `UPDATE` (in a
        // data-modifying `WITH`) and an `INSERT` of the row only where none had the key: both see
        // the table as it was before the statement, so exactly one of them writes (the table is
        // locked: nobody inserts the key meanwhile).
        // Each statement also notes where the log's sequence stood, unless one did before in this
        // transaction, for the read of what the write logged (``capturedChanges()``): no index has
        // the tag, and a read by the tag alone went through the whole log, on every write. Noted
        // in the same `WITH`, so by the first statement that writes a row, before that row is logged.
        let from = "NULLIF(current_setting('\(Self.from)', true), '')"
        let tagging = """
            WITH tandem_origin (tandem_tag, tandem_from) AS (SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true), \
            set_config('\(Self.from)', COALESCE(\(from), (SELECT last_value FROM \(side.name("_tandem_changes_seq")))::text), true))
            """
        for row in rows {
            var parameters: [String?] = [tag]
            /// `$n` for `value`, appended to the statement's parameters.
            func bind(_ value: String?) -> String {
                parameters.append(value)
                return "$\(parameters.count)"
            }
            let keyValues = try key.map { try parameter(row[$0] ?? .null, $0) }
            func condition(typed: Bool) -> String {
                zip(key, keyValues).map { column, value in
                    let position = bind(value)
                    return "\(PostgreSQLSQL.identifier(column)) = \(typed ? self.typed(position, column, described) : position)"
                }.joined(separator: " AND ")
            }
            switch operation {
            case .delete:
                held.append(
                    PostgreSQLStatement(
                        "\(tagging) DELETE FROM \(table) USING tandem_origin WHERE \(condition(typed: false))", parameters,
                        table: name))
            case .upsert:
                // Only the columns given change; a missing row is inserted with them.
                var sql = tagging
                let given = columns.map(\.name).filter { row[$0] != nil && !key.contains($0) }
                if !given.isEmpty {
                    let assignments = try given.map { "\(PostgreSQLSQL.identifier($0)) = \(bind(try parameter(row[$0]!, $0)))" }
                        .joined(separator: ", ")
                    sql += ", tandem_updated AS (UPDATE \(table) SET \(assignments) FROM tandem_origin WHERE \(condition(typed: false)))"
                }
                let all = columns.map(\.name).filter { row[$0] != nil }
                let values = try all.map { typed(bind(try parameter(row[$0]!, $0)), $0, described) }
                sql += " INSERT INTO \(table) (\(all.map(PostgreSQLSQL.identifier).joined(separator: ", ")))"
                    + " SELECT \(values.joined(separator: ", ")) FROM tandem_origin"
                    + " WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(condition(typed: true)))"
                held.append(PostgreSQLStatement(sql, parameters, table: name))
            }
        }
    }

    /// `position` (a `$n`) cast to `column`'s type without its modifier, where no insert target
    /// gives a parameter its type (see ``PostgreSQLBulkWrites/castType(_:)``).
    private func typed(_ position: String, _ column: String, _ described: [PostgreSQLColumn]) -> String {
        guard let described = described.first(where: { $0.name == column }) else { return position }
        return "\(position)::\(PostgreSQLBulkWrites.castType(described))"
    }

    func capturedChanges() throws -> [Change] {
        let before = held
        held = []
        // The read resets `tandem.origin` (a deferred trigger's write at the commit is an
        // application's again), in the same exchange.
        // The sequence hands out numbers in order (it caches none: Tandem creates it with the
        // default cache of one), so every change logged after the write's first statement has
        // a number at least its `last_value` then (equal when nothing was taken from it yet).
        return try side.readLog(
            session, condition: "seq >= NULLIF(current_setting('\(Self.from)', true), '')::bigint AND origin = $1", [tag],
            before: before, resetting: PostgreSQLCapture.originSetting)
    }

    func commit() throws {
        do {
            _ = try query("COMMIT")
            committed = true
        } catch {
            throw SyncError(
                .database, "the \(side.role) side could not commit the write: \(error); neither side keeps it")
        }
    }
}
