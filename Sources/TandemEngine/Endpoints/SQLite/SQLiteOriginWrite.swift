import Foundation
import GRDB
import GRDBSQLite

/// The SQLite side's open transaction of a write through Tandem (see
/// ``SideEndpoint/writeThrough(tag:_:)``): it holds the write lock, so every
/// change captured after ``before`` is this write's.
final class SQLiteOriginWrite: OriginWrite {
    private let db: Database
    private let role: SideRole
    private let tag: String
    /// The change log's last number when the transaction began.
    private let before: Int64

    /// Wraps the transaction open on `db`.
    init(_ db: Database, role: SideRole, tag: String) throws {
        self.db = db
        self.role = role
        self.tag = tag
        before = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes")) ?? 0
    }

    func write(
        _ rows: [[String: SideValue]], operation: WriteRequest.Operation, table name: String,
        columns: [(name: String, type: String)], key: [String]
    ) throws {
        let table = CaptureSchema.identifier(name)
        let keyCondition = key.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: " AND ")
        try CaptureSchema.setContext(tag, db)
        for row in rows {
            let keyValues = key.map { row[$0]! }
            switch operation {
            case .delete:
                let delete = try RawStatement(sql: "DELETE FROM \(table) WHERE \(keyCondition)", db)
                delete.bind(keyValues)
                try delete.execute()
            case .upsert:
                // Only the columns given change; a missing row is inserted with them.
                let given = columns.map(\.name).filter { row[$0] != nil && !key.contains($0) }
                var updated = 0
                if !given.isEmpty {
                    let update = try RawStatement(
                        sql: "UPDATE \(table) SET \(given.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: ", ")) WHERE \(keyCondition)",
                        db)
                    update.bind(given.map { row[$0]! } + keyValues)
                    updated = try update.execute()
                }
                if updated == 0 {
                    let all = columns.map(\.name).filter { row[$0] != nil }
                    let insert = try RawStatement(
                        sql: """
                            INSERT INTO \(table) (\(all.map(CaptureSchema.identifier).joined(separator: ", ")))
                            SELECT \(all.map { _ in "?" }.joined(separator: ", ")) WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(keyCondition))
                            """, db)
                    insert.bind(all.map { row[$0]! } + keyValues)
                    try insert.execute()
                }
            }
        }
        try CaptureSchema.clearContext(db)
    }

    func capturedChanges() throws -> [Change] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT seq, tbl, op, CAST(key AS BLOB), CAST(row AS BLOB), at, changed FROM _tandem_changes WHERE seq > ? ORDER BY seq"
            ),
            arguments: [before]
        ).map {
            // Key and row as bytes: GRDB would repair text that is not valid UTF-8.
            Change(
                seq: $0[0], table: $0[1], operation: Change.Operation(rawValue: $0[2]) ?? .update,
                key: SQLLiteral.normalized($0[3] as Data? ?? Data()),
                row: ($0[4] as Data?).map(SQLLiteral.normalized), at: $0[5],
                origin: tag, changed: $0[6])
        }
    }

    func commit() throws {
        // Through the C API: this runs inside the other side's connection's closure, and GRDB
        // does not let one thread reenter a second database's queue.
        let handle = db.sqliteConnection!
        guard sqlite3_exec(handle, "COMMIT", nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            throw SyncError(.database, "the \(role) side could not commit the write: \(message); neither side keeps it")
        }
    }
}
