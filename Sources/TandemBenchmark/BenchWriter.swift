import Foundation
import GRDB
import TandemEngine
import TandemPostgreSQL

/// The application of a benchmark: it writes rows into map `sample.notes`'s
/// `Notes` table on one side, through SQLite's C API (the engine's
/// statement wrapper) or a PostgreSQL connection of its own, as lean as
/// each allows, so that the writer-alone rate measures the database with
/// the capture triggers rather than a client library.
final class BenchWriter {
    private enum Backing {
        case sqlite(SideDatabase)
        case postgres(PostgreSQLEndpoint, PostgreSQLSession, schema: String)
    }

    private let backing: Backing

    /// The writer of `role`'s side of `environment`.
    init(_ environment: TandemEnvironment, _ role: SideRole) throws {
        switch try environment.location(role) {
        case .sqlite(let path):
            backing = .sqlite(try SideDatabase(role: role, path: path))
        case .postgresql(let config):
            let endpoint = PostgreSQLEndpoint(config: config, readerName: "tandem-bench-writer")
            let session = try BlockingAwait.run { try await endpoint.openSession() }
            backing = .postgres(endpoint, session, schema: config.schema)
        }
    }

    deinit {
        guard case .postgres(let endpoint, let session, _) = backing else { return }
        // postgres-nio requires every connection closed before it goes away.
        try? BlockingAwait.run {
            _ = await session.close()
            await endpoint.close()
        }
    }

    /// The SQLite side, nil on PostgreSQL.
    var sqlite: SideDatabase? {
        if case .sqlite(let side) = backing { side } else { nil }
    }

    /// Inserts rows `ids` in one transaction; returns the last change's seq. On PostgreSQL, 0
    /// when `seq` is false: the writer-alone phases do not ask there, since it costs a round trip
    /// of its own (SQLite reads it in the transaction, as these benchmarks always did).
    @discardableResult
    func insert(
        into table: String = "Notes", columns: (key: String, text: String) = ("NOTEID", "TEXT"), ids: Range<Int>,
        seq: Bool = true, text: (Int) -> String = { "note \($0)" }
    ) throws -> Int64 {
        switch backing {
        case .sqlite(let side):
            return try side.queue.write { db in
                let statement = try RawStatement(sql: "INSERT INTO \(table) (\(columns.key), \(columns.text)) VALUES (?, ?)", db)
                for id in ids {
                    statement.bind(.integer(Int64(id)), at: 1)
                    statement.bind(text(id), at: 2)
                    try statement.execute()
                }
                return try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM _tandem_changes")) ?? 0
            }
        case .postgres(_, let session, let schema):
            // One multi-row INSERT is one commit (autocommit); the capture trigger's nextval is
            // this session's, so currval names the last change it logged.
            let values = ids.indices.map { index in
                let at = (index - ids.lowerBound) * 2
                return "($\(at + 1), $\(at + 2))"
            }
            let sql = "INSERT INTO \(PostgreSQLSQL.qualified(schema, table)) "
                + "(\(PostgreSQLSQL.identifier(columns.key)), \(PostgreSQLSQL.identifier(columns.text))) VALUES "
                + values.joined(separator: ", ")
            let parameters: [String?] = ids.flatMap { [String($0), text($0)] }
            let last = "SELECT currval('\(PostgreSQLSQL.qualified(schema, "_tandem_changes_seq"))')::text"
            return try BlockingAwait.run {
                _ = try await session.query(sql, parameters, table: table)
                guard seq else { return 0 }
                return (try await session.query(last).first?.first ?? nil).flatMap { Int64($0) } ?? 0
            }
        }
    }

    /// The number of rows in `table`.
    func count(_ table: String) throws -> Int {
        switch backing {
        case .sqlite(let side):
            return try side.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
        case .postgres(_, let session, let schema):
            let sql = "SELECT count(*)::text FROM \(PostgreSQLSQL.qualified(schema, table))"
            return try BlockingAwait.run { (try await session.query(sql).first?.first ?? nil).flatMap { Int($0) } ?? 0 }
        }
    }
}
