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
/// every row's statements and the reset of `tandem.origin` go with the read
/// of what capture logged, so a write costs this thread one wait for the
/// server before its commit, not one per statement.
final class PostgreSQLOriginWrite: OriginWrite {
    private let side: PostgreSQLSide
    private let session: PostgreSQLSession
    private let tag: String
    /// Whether ``commit()`` ended the transaction.
    private(set) var committed = false
    /// Statements that go out before the next one: `BEGIN` first, until it is sent.
    private var held = [PostgreSQLStatement("BEGIN")]

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
        func condition(first: Int) -> String {
            key.enumerated().map { "\(PostgreSQLSQL.identifier($0.element)) = $\(first + $0.offset)" }.joined(separator: " AND ")
        }
        /// `$n` cast to `column`'s type without its modifier, where no insert target gives a
        /// parameter its type (see ``PostgreSQLBulkWrites/castType(_:)``).
        func typed(_ position: Int, _ column: String) -> String {
            guard let described = described.first(where: { $0.name == column }) else { return "$\(position)" }
            return "$\(position)::\(PostgreSQLBulkWrites.castType(described))"
        }
        held += [
            PostgreSQLStatement("LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE", table: name),
            PostgreSQLStatement("SELECT set_config('\(PostgreSQLCapture.originSetting)', $1, true)", [tag]),
        ]
        // Every row's statements wait to go out with the read of what capture logged
        // (``capturedChanges()``): one wait for the whole write. So an upsert is an `UPDATE` and an
        // `INSERT` of the row only where none has the key, which needs no answer in between (the
        // table is locked: nobody inserts the key between the two).
        for row in rows {
            let keyValues = try key.map { try parameter(row[$0] ?? .null, $0) }
            switch operation {
            case .delete:
                held.append(PostgreSQLStatement("DELETE FROM \(table) WHERE \(condition(first: 1))", keyValues, table: name))
            case .upsert:
                // Only the columns given change; a missing row is inserted with them.
                let given = columns.map(\.name).filter { row[$0] != nil && !key.contains($0) }
                if !given.isEmpty {
                    let assignments = given.enumerated().map { "\(PostgreSQLSQL.identifier($0.element)) = $\($0.offset + 1)" }
                        .joined(separator: ", ")
                    held.append(
                        PostgreSQLStatement(
                            "UPDATE \(table) SET \(assignments) WHERE \(condition(first: given.count + 1))",
                            try given.map { try parameter(row[$0]!, $0) } + keyValues, table: name))
                }
                let all = columns.map(\.name).filter { row[$0] != nil }
                let absent = key.enumerated().map { position, column in
                    "\(PostgreSQLSQL.identifier(column)) = \(typed(all.count + position + 1, column))"
                }.joined(separator: " AND ")
                held.append(
                    PostgreSQLStatement(
                        """
                        INSERT INTO \(table) (\(all.map(PostgreSQLSQL.identifier).joined(separator: ", ")))
                        SELECT \(all.enumerated().map { typed($0.offset + 1, $0.element) }.joined(separator: ", "))
                        WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(absent))
                        """, try all.map { try parameter(row[$0]!, $0) } + keyValues, table: name))
            }
        }
        held.append(PostgreSQLStatement("SELECT set_config('\(PostgreSQLCapture.originSetting)', '', true)"))
    }

    func capturedChanges() throws -> [Change] {
        let before = held
        held = []
        return try side.readLog(session, condition: "origin = $1", [tag], before: before)
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
