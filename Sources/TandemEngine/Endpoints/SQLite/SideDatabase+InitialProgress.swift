import GRDB

/// A SQLite side's part in the row-by-row initial sync that any pair of
/// endpoints can run: reading its rows in key order, and keeping the
/// progress in `_tandem_initial` (the table the SQLite-to-SQLite bulk path
/// keeps it in too).
extension SideDatabase {
    /// The progress table; `other_rows` came later, and is added to older ones.
    static func createInitialTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS _tandem_initial (
                    map TEXT PRIMARY KEY, master TEXT NOT NULL, phase TEXT NOT NULL, last_key TEXT, done INTEGER NOT NULL,
                    conflicts INTEGER NOT NULL, errors INTEGER NOT NULL, started_at REAL NOT NULL, finished_at REAL,
                    other_rows INTEGER)
                """)
        // Progress recorded before other_rows existed: unknown, so the other phase runs.
        if try !db.columns(in: "_tandem_initial").contains(where: { $0.name == "other_rows" }) {
            try db.execute(sql: "ALTER TABLE _tandem_initial ADD COLUMN other_rows INTEGER")
        }
    }

    /// SQLite has one writer at a time: everything in the log is committed.
    func stableHead() throws -> Int64 {
        try queue.read { db in try headSeq(db) }
    }

    func rowCount(table: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(CaptureSchema.identifier(table))") ?? 0
        }
    }

    func rowsInKeyOrder(table: String, columns: [String], key: [String], after: String?, limit: Int) throws
        -> [(key: String, row: String)]
    {
        // As the capture triggers write rows (text holding a NUL byte included).
        func literals(_ names: [String]) -> String { CaptureSchema.quoteList(nil, names) }
        let keyList = key.map(CaptureSchema.identifier).joined(separator: ", ")
        // `after` is a literal list that quote() or the engine wrote: it goes into the SQL as it is
        // (a key that is not valid UTF-8 has no Swift string to bind), as InitialSyncSQL does.
        let condition = after.map { "WHERE (\(keyList)) > (\($0))" } ?? ""
        return try queue.read { db in
            let statement = try RawStatement(
                sql: """
                    SELECT \(literals(key)), \(literals(columns)) FROM \(CaptureSchema.identifier(table))
                    \(condition) ORDER BY \(keyList) LIMIT \(limit)
                    """, db)
            defer { statement.reset() }
            var result: [(key: String, row: String)] = []
            while try statement.step() {
                result.append((statement.literals(0) ?? "", statement.literals(1) ?? ""))
            }
            return result
        }
    }

    func initialProgress(map: String) throws -> InitialProgress? {
        try queue.read { db in
            guard try db.tableExists("_tandem_initial"),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM _tandem_initial WHERE map = ?", arguments: [map])
            else { return nil }
            return InitialProgress(
                map: map, master: SideRole(rawValue: row["master"]) ?? .erp, phase: row["phase"], lastKey: row["last_key"],
                done: row["done"], conflicts: row["conflicts"], errors: row["errors"], startedAt: row["started_at"],
                finishedAt: row["finished_at"], otherRows: row["other_rows"])
        }
    }

    func startInitialProgress(_ progress: InitialProgress) throws {
        try queue.write { db in
            try Self.createInitialTable(db)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO _tandem_initial
                        (map, master, phase, last_key, done, conflicts, errors, started_at, other_rows)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    progress.map, progress.master.rawValue, progress.phase, progress.lastKey, progress.done,
                    progress.conflicts, progress.errors, progress.startedAt, progress.otherRows,
                ])
        }
    }

    func finishInitialProgress(map: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE _tandem_initial SET finished_at = ? WHERE map = ?", arguments: [StateStore.now, map])
        }
    }
}
