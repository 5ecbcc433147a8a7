import Foundation
import TandemPostgreSQL

/// A PostgreSQL side's part in the row-by-row initial sync: its rows in key
/// order, in the change log's literal form, and the progress kept in
/// `_tandem_initial`, as on SQLite sides.
extension PostgreSQLSide {
    private var initialTable: String { name("_tandem_initial") }

    /// The horizon of the change log: every change at or below it is committed (a writer in
    /// flight below the head is waited for, up to the horizon timeout).
    func stableHead() throws -> Int64 {
        let endpoint = self.endpoint
        return try BlockingAwait.run { try await endpoint.head() } ?? 0
    }

    func resetCheckpoint(_ id: CheckpointID, to seq: Int64) throws {
        // Set, back as well as forward, and made where there was none.
        _ = try query(
            """
            INSERT INTO \(name("_tandem_checkpoints")) (map, source, seq) VALUES ($1, $2, $3)
            ON CONFLICT (map, source) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()
            """, [id.map, id.source.rawValue, String(seq)])
    }

    func rowCount(table: String) throws -> Int {
        try query("SELECT count(*) FROM \(name(table))", table: table).first?[0].flatMap(Int.init) ?? 0
    }

    func rowsInKeyOrder(table: String, columns: [String], key: [String], after: String?, limit: Int) throws
        -> [(key: String, row: String)]
    {
        try rowValuesInKeyOrder(table: table, columns: columns, key: key, after: after, limit: limit).map { ($0.key, $0.row) }
    }

    func rowValuesInKeyOrder(table: String, columns: [String], key: [String], after: String?, limit: Int) throws
        -> [(key: String, row: String, values: [SideValue]?)]
    {
        let described = try (key + columns).map { column in
            guard let found = try self.column(table, column) else {
                throw SyncError(.configuration, "table \(table) on the \(role) side (\(location)) has no column \(column)")
            }
            return found
        }
        let keyColumns = Array(described.prefix(key.count))
        // Qualified by the alias: a bare name in ORDER BY means the output column first, which is
        // the column's text, so an integer key would sort 10 before 9 while the keyset condition
        // compares numbers, and chunks would skip rows.
        let keyList = key.map { "src." + PostgreSQLSQL.identifier($0) }.joined(separator: ", ")
        let list = (key + columns).map { name in
            // As the change log reads them: exact text for every type (see PostgreSQLColumn.Kind).
            described.first { $0.name == name }!.kind.readExpression(PostgreSQLSQL.identifier(name))
        }.joined(separator: ", ")
        var parameters: [String?] = []
        var condition = ""
        if let after {
            let values = try SQLLiteral.parseList(after)
            guard values.count == key.count else {
                throw SyncError(.state, "initial sync of \(table): the stored last key \(after) does not fit the key (\(key.joined(separator: ", ")))")
            }
            parameters = try zip(values, keyColumns).map { try PostgreSQLSideValues.parameter($0, column: $1, table: table) }
            let placeholders = keyColumns.enumerated().map { "$\($0.offset + 1)::\($0.element.typeName)" }
            condition = "WHERE (\(keyList)) > (\(placeholders.joined(separator: ", ")))"
        }
        let rows = try query(
            "SELECT \(list) FROM \(name(table)) AS src \(condition) ORDER BY \(keyList) LIMIT \(limit)", parameters, table: table)
        return rows.map { row in
            let values = zip(row, described).map { PostgreSQLSideValues.sideValue(text: $0, column: $1) }
            let columnValues = Array(values.dropFirst(key.count))
            return (SQLLiteral.quoteList(Array(values.prefix(key.count))), SQLLiteral.quoteList(columnValues), columnValues)
        }
    }

    /// (The session gives numbers as text only when cast: doubles are read as `::text`.)
    func initialProgress(map: String) throws -> InitialProgress? {
        guard
            let row = try queryInstalled(
                """
                SELECT master, phase, last_key, done, conflicts, errors, started_at::text, finished_at::text, other_rows
                FROM \(initialTable) WHERE map = $1
                """, [map]
            ).first
        else { return nil }
        return InitialProgress(
            map: map, master: row[0].flatMap(SideRole.init(rawValue:)) ?? .erp, phase: row[1] ?? "master", lastKey: row[2],
            done: row[3].flatMap(Int.init) ?? 0, conflicts: row[4].flatMap(Int.init) ?? 0, errors: row[5].flatMap(Int.init) ?? 0,
            startedAt: row[6].flatMap(Double.init) ?? 0, finishedAt: row[7].flatMap(Double.init),
            otherRows: row[8].flatMap(Int.init))
    }

    func startInitialProgress(_ progress: InitialProgress) throws {
        try transaction { session in
            _ = try query(
                session,
                """
                CREATE TABLE IF NOT EXISTS \(initialTable) (
                    map text PRIMARY KEY, master text NOT NULL, phase text NOT NULL, last_key text, done bigint NOT NULL,
                    conflicts bigint NOT NULL, errors bigint NOT NULL, started_at double precision NOT NULL,
                    finished_at double precision, other_rows bigint)
                """)
            _ = try query(
                session,
                """
                INSERT INTO \(initialTable) (map, master, phase, last_key, done, conflicts, errors, started_at, other_rows)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (map) DO UPDATE SET master = EXCLUDED.master, phase = EXCLUDED.phase,
                last_key = EXCLUDED.last_key, done = EXCLUDED.done, conflicts = EXCLUDED.conflicts,
                errors = EXCLUDED.errors, started_at = EXCLUDED.started_at, finished_at = NULL,
                other_rows = EXCLUDED.other_rows
                """,
                [
                    progress.map, progress.master.rawValue, progress.phase, progress.lastKey, String(progress.done),
                    String(progress.conflicts), String(progress.errors), String(progress.startedAt),
                    progress.otherRows.map(String.init),
                ])
        }
    }

    func finishInitialProgress(map: String) throws {
        _ = try query("UPDATE \(initialTable) SET finished_at = $1 WHERE map = $2", [String(StateStore.now), map])
    }
}
