import Foundation
package import GRDB
import _TandemSQLiteShims

/// What Tandem puts into a side's database: a change log, a context table
/// that tells the triggers when Tandem itself is writing, the capture
/// triggers, and (as a target) checkpoints, parked changes and conflicts.
///
/// Writers need nothing from Tandem: the triggers only insert into the change
/// log, so any process and any client (the `sqlite3` CLI, Python) keeps
/// working and is captured.
package enum CaptureSchema {
    /// Every object name starts with this; user tables must not.
    package static let prefix = "_tandem_"

    /// The change log. seq never goes back (AUTOINCREMENT), even after pruning empties the log.
    ///
    /// No CHECK on `op`: only the triggers write it, and SQLite builds the
    /// list of an `IN (...)` check anew each time a trigger inserts a row,
    /// which was more than half of what capture cost an application's write
    /// (10 µs a row against 4.4 µs without it; see docs/BENCHMARKS.md).
    static let changeLog = """
        CREATE TABLE IF NOT EXISTS _tandem_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            tbl TEXT NOT NULL,
            op TEXT NOT NULL,
            key TEXT NOT NULL,
            row TEXT,
            at REAL NOT NULL,
            origin TEXT,
            changed TEXT)
        """

    /// The statements that create the side's own objects; idempotent.
    static let setup: [String] = [
        changeLog,
        // Applications' changes by table, for conflict checks and queue depths.
        // Tandem's own writes (echoes, most of a target's log) stay out of it:
        // one index write less per applied change.
        "DROP INDEX IF EXISTS _tandem_changes_tbl",
        "CREATE INDEX IF NOT EXISTS _tandem_changes_local ON _tandem_changes (tbl, seq) WHERE origin IS NULL",
        // Set and cleared inside Tandem's own write transactions: SQLite
        // serialises writers, so while the row exists every captured change is Tandem's.
        "CREATE TABLE IF NOT EXISTS _tandem_context (id INTEGER PRIMARY KEY CHECK (id = 1), origin TEXT NOT NULL)",
        "DELETE FROM _tandem_context",
        """
        CREATE TABLE IF NOT EXISTS _tandem_capture (
            tbl TEXT PRIMARY KEY, columns TEXT NOT NULL, key TEXT NOT NULL, installed_at REAL NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS _tandem_checkpoints (
            map TEXT NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (map, source))
        """,
        """
        CREATE TABLE IF NOT EXISTS _tandem_parked (
            id INTEGER PRIMARY KEY AUTOINCREMENT, map TEXT NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL,
            tbl TEXT NOT NULL, op TEXT NOT NULL, key TEXT NOT NULL, row TEXT, at REAL NOT NULL,
            kind TEXT NOT NULL, reason TEXT NOT NULL, parked_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 1,
            error_class TEXT NOT NULL DEFAULT 'application', changed TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS _tandem_parked_map ON _tandem_parked (map, seq)",
        // As a target: the source changes a write-through already applied here,
        // each consumed (deleted) when the engine reads that change.
        "CREATE TABLE IF NOT EXISTS _tandem_written (source TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (source, seq)) WITHOUT ROWID",
        """
        CREATE TABLE IF NOT EXISTS _tandem_conflicts (
            id INTEGER PRIMARY KEY AUTOINCREMENT, map TEXT NOT NULL, key TEXT NOT NULL, policy TEXT NOT NULL,
            winner TEXT NOT NULL, source TEXT NOT NULL, source_seq INTEGER NOT NULL, source_row TEXT,
            target_seq INTEGER NOT NULL, target_row TEXT, at REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'resolved', outcome TEXT, source_changed TEXT, target_changed TEXT, parked_id INTEGER,
            resolved_at REAL, resolved_by TEXT, source_table TEXT, target_table TEXT)
        """,
        // `tandem log` pages through both newest first, and retention prunes by age.
        "CREATE INDEX IF NOT EXISTS _tandem_parked_at ON _tandem_parked (parked_at)",
        "CREATE INDEX IF NOT EXISTS _tandem_conflicts_at ON _tandem_conflicts (at)",
        // As a source: per table, the highest change number pruned from the change log, so that a
        // recovery knows whether the changes it would re-send are still there.
        "CREATE TABLE IF NOT EXISTS _tandem_pruned (tbl TEXT PRIMARY KEY, seq INTEGER NOT NULL)",
    ]

    /// Milliseconds since the epoch, as SQL (statement time, millisecond resolution).
    static let nowMilliseconds = "((julianday('now') - 2440587.5) * 86400000.0)"

    /// Installs the change log and the triggers for `tables`; idempotent.
    /// A table whose columns changed since the last install gets new triggers.
    package static func install(_ db: Database, tables: [(name: String, key: [String])]) throws {
        // WAL lets the applications keep writing while Tandem reads; it is a
        // property of the file, so every client uses it from now on.
        _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        try db.inTransaction(.immediate) {
            try dropOperationCheck(db)
            for statement in setup { try db.execute(sql: statement) }
            // Environments created before these columns existed.
            for (table, column, definition) in [
                ("_tandem_parked", "error_class", "TEXT NOT NULL DEFAULT 'application'"), ("_tandem_parked", "changed", "TEXT"),
                ("_tandem_changes", "changed", "TEXT"), ("_tandem_conflicts", "status", "TEXT NOT NULL DEFAULT 'resolved'"),
                ("_tandem_conflicts", "outcome", "TEXT"), ("_tandem_conflicts", "source_changed", "TEXT"),
                ("_tandem_conflicts", "target_changed", "TEXT"), ("_tandem_conflicts", "parked_id", "INTEGER"),
                ("_tandem_conflicts", "resolved_at", "REAL"), ("_tandem_conflicts", "resolved_by", "TEXT"),
                ("_tandem_conflicts", "source_table", "TEXT"), ("_tandem_conflicts", "target_table", "TEXT"),
            ] where try !db.columns(in: table).contains(where: { $0.name == column }) {
                try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column) \(definition)")
            }
            for table in tables {
                let columns = try self.columns(db, table: table.name)
                guard !columns.isEmpty else {
                    throw SyncError(.missingTable, "table '\(table.name)' does not exist in \(db.description)")
                }
                for column in table.key where !columns.contains(column) {
                    throw SyncError(.configuration, "key column '\(column)' is not a column of table '\(table.name)'")
                }
                // Triggers are dropped and created anew on every install: a table
                // whose columns changed gets its new column list, and environments
                // made before a trigger change (such as the initial-sync condition)
                // get the current form from the next `tandem run`, `maps initial-sync`
                // or `capture install`.
                let integers = try rowidAlias(db, table: table.name).map { Set([$0]) } ?? []
                for statement in triggers(table: table.name, columns: columns, key: table.key, integers: integers) {
                    try db.execute(sql: statement)
                }
                try db.execute(
                    sql: """
                        INSERT INTO _tandem_capture (tbl, columns, key, installed_at) VALUES (?, ?, ?, \(nowMilliseconds))
                        ON CONFLICT (tbl) DO UPDATE SET columns = excluded.columns, key = excluded.key, installed_at = excluded.installed_at
                        """,
                    arguments: [table.name, jsonList(columns), jsonList(table.key)])
            }
            return .commit
        }
    }

    /// Rebuilds a change log made before its `op` column lost its CHECK
    /// (see ``changeLog``), keeping every change and the sequence: the next
    /// change still gets a number above any the log ever gave.
    private static func dropOperationCheck(_ db: Database) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '_tandem_changes'"),
            sql.contains("CHECK (op IN")
        else { return }
        let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = '_tandem_changes'") ?? 0
        let columns = try self.columns(db, table: "_tandem_changes").map(identifier).joined(separator: ", ")
        // The capture triggers name `_tandem_changes` and must go on naming it:
        // the legacy rename leaves them as they are (the modern one would
        // rewrite them to follow the old table, then refuse the missing one).
        try db.execute(sql: "PRAGMA legacy_alter_table = ON")
        defer { try? db.execute(sql: "PRAGMA legacy_alter_table = OFF") }
        try db.execute(sql: "ALTER TABLE _tandem_changes RENAME TO _tandem_changes_old")
        try db.execute(sql: changeLog)
        try db.execute(sql: "INSERT INTO _tandem_changes (\(columns)) SELECT \(columns) FROM _tandem_changes_old")
        try db.execute(sql: "DROP TABLE _tandem_changes_old")
        try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = '_tandem_changes'")
        try db.execute(
            sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('_tandem_changes', MAX(?, (SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes)))",
            arguments: [highest])
    }

    /// Removes every trigger and table Tandem installed.
    package static func remove(_ db: Database) throws {
        try db.inTransaction(.immediate) {
            let triggers = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_tandem\\_%' ESCAPE '\\'")
            for trigger in triggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(identifier(trigger))") }
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '\\_tandem\\_%' ESCAPE '\\'")
            // The side's identity stays: removing capture does not make a side forget whose it is.
            for table in tables where table != "_tandem_side" {
                try db.execute(sql: "DROP TABLE IF EXISTS \(identifier(table))")
            }
            return .commit
        }
    }

    /// Whether the change log exists.
    package static func isInstalled(_ db: Database) throws -> Bool {
        try db.tableExists("_tandem_changes")
    }

    /// The tables with capture installed, with their recorded column lists.
    package static func capturedTables(_ db: Database) throws -> [String: [String]] {
        guard try db.tableExists("_tandem_capture") else { return [:] }
        var result: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT tbl, columns FROM _tandem_capture") {
            let data = Data((row["columns"] as String).utf8)
            result[row["tbl"]] = (try? JSONDecoder().decode([String].self, from: data)) ?? []
        }
        return result
    }

    /// The columns of `table`, in declaration order, with their declared types.
    package static func columnTypes(_ db: Database, table: String) throws -> [(name: String, type: String)] {
        try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [table]).map {
            ($0["name"], $0["type"])
        }
    }

    static func columns(_ db: Database, table: String) throws -> [String] {
        try columnTypes(db, table: table).map(\.name)
    }

    /// SQL that gives the `quote()` list of `names` (qualified by `prefix`, e.g. `NEW`), as the change log stores rows.
    /// `integers` names columns that hold nothing but integers (a rowid alias), whose plain `quote()` is exact.
    static func quoteList(_ prefix: String?, _ names: [String], integers: Set<String> = []) -> String {
        names.map { name in
            let value = "\(prefix.map { "\($0)." } ?? "")\(identifier(name))"
            return integers.contains(name) ? "quote(\(value))" : quoted(value)
        }.joined(separator: " || ',' || ")
    }

    /// The column of `table` that is its rowid (`INTEGER PRIMARY KEY`), which
    /// SQLite lets hold integers only, so that the capture triggers can skip
    /// its NUL check (a quarter of the triggers' cost on a narrow table; see
    /// docs/BENCHMARKS.md). Read conservatively: a `WITHOUT ROWID` table or a
    /// `DESC` anywhere in its definition (`INTEGER PRIMARY KEY DESC` is no
    /// alias) gets the check on every column.
    static func rowidAlias(_ db: Database, table: String) throws -> String? {
        let keys = try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?) WHERE pk > 0", arguments: [table])
        guard keys.count == 1, (keys[0]["type"] as String).uppercased() == "INTEGER" else { return nil }
        let definition =
            try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", arguments: [table]) ?? ""
        let upper = definition.uppercased()
        guard !upper.contains("WITHOUT ROWID"), !upper.contains("DESC") else { return nil }
        return keys[0]["name"]
    }

    /// SQL that gives the literal of `value` as the change log stores it:
    /// `quote(value)`, except for a text holding a NUL byte, which `quote()`
    /// would cut at the NUL (it prints a C string): that one is recorded as
    /// `TX'..'`, its bytes in hex (``SQLLiteral``). `instr` compares bytes;
    /// `typeof` keeps a blob holding a zero byte a blob. `typeof` comes first:
    /// it is cheaper than `instr`, which turns a number into text to search it.
    static func quoted(_ value: String) -> String {
        "CASE WHEN typeof(\(value)) = 'text' AND instr(\(value), char(0)) THEN 'T' || quote(CAST(\(value) AS BLOB)) ELSE quote(\(value)) END"
    }

    /// The names of the three capture triggers of `table` (insert, update, delete).
    static func triggerNames(table: String) -> [String] {
        let base = "_tandem_" + table.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? String($0) : "_" }.joined()
        return ["ins", "upd", "del"].map { "\(base)_\($0)" }
    }

    /// Drops the capture triggers of `table` only; the change log, the
    /// checkpoints and the queue stay. Returns whether the table had any.
    /// Writes to the table are not captured until the next install.
    package static func removeTriggers(_ db: Database, table: String) throws -> Bool {
        var found = false
        try db.inTransaction(.immediate) {
            for name in triggerNames(table: table) where try db.triggerExists(name) {
                try db.execute(sql: "DROP TRIGGER \(identifier(name))")
                found = true
            }
            return .commit
        }
        return found
    }

    /// The three capture triggers for one table.
    static func triggers(table: String, columns: [String], key: [String], integers: Set<String> = []) -> [String] {
        func values(_ prefix: String, _ names: [String]) -> String { quoteList(prefix, names, integers: integers) }
        let name = literal(table)
        let origin = "(SELECT origin FROM _tandem_context WHERE id = 1)"
        let names = triggerNames(table: table)
        // Tandem's own writes (echoes) keep their key and origin for lineage;
        // their row is not needed, and leaving it out makes applying cheaper.
        // Writes through `tandem write` (origin `write:...`) keep theirs: if
        // Tandem dies between the two sides' commits, the engine applies them
        // from here.
        let recordsRow = "COALESCE((SELECT origin FROM _tandem_context WHERE id = 1) LIKE 'write:%', 1)"
        func row(_ prefix: String) -> String {
            "CASE WHEN \(recordsRow) THEN \(values(prefix, columns)) END"
        }
        // An application's update records which columns it changed, one '0'
        // or '1' per column: the field-level merge needs to know.
        let changed = "CASE WHEN \(recordsRow) THEN "
            + columns.map { "(CASE WHEN OLD.\(identifier($0)) IS NEW.\(identifier($0)) THEN '0' ELSE '1' END)" }.joined(separator: " || ")
            + " END"
        // Initial sync's writes are not recorded at all: live sync would only
        // skip them as echoes, and recording them cost more than the copy itself.
        // Their lineage is the map's `_tandem_initial` row. The condition reads
        // the context row, so the applications' writes (never inside Tandem's
        // transactions) are recorded as before, also while initial sync runs.
        let recordsChange = "(SELECT origin FROM _tandem_context WHERE id = 1) IS NOT \(literal(initialSyncOrigin))"
        func trigger(_ triggerName: String, _ event: String, _ op: String, key keyPrefix: String, row rowPrefix: String) -> [String] {
            let triggerName = identifier(triggerName)
            return [
                "DROP TRIGGER IF EXISTS \(triggerName)",
                """
                CREATE TRIGGER \(triggerName) AFTER \(event) ON \(identifier(table)) WHEN \(recordsChange) BEGIN
                INSERT INTO _tandem_changes (tbl, op, key, row, at, origin, changed)
                VALUES (\(name), '\(op)', \(values(keyPrefix, key)), \(row(rowPrefix)), \(nowMilliseconds), \(origin), \(op == "U" ? changed : "NULL"));
                END
                """,
            ]
        }
        // Updates and deletes record the old key (the row to find on the
        // other side); deletes record the old row so that filters and
        // transforms of key columns still have their inputs.
        return trigger(names[0], "INSERT", "I", key: "NEW", row: "NEW") + trigger(names[1], "UPDATE", "U", key: "OLD", row: "NEW")
            + trigger(names[2], "DELETE", "D", key: "OLD", row: "OLD")
    }

    /// The context origin of initial sync's writes, which the capture
    /// triggers do not record (see ``triggers(table:columns:key:)``).
    static let initialSyncOrigin = "initial-sync"

    /// Tells the triggers that the writes from here on are Tandem's, with `origin` (until ``clearContext(_:)``).
    static func setContext(_ origin: String, _ db: Database) throws {
        let statement = try RawStatement(sql: "INSERT OR REPLACE INTO _tandem_context (id, origin) VALUES (1, ?)", db)
        statement.bind(origin, at: 1)
        try statement.execute()
    }

    /// Ends ``setContext(_:_:)``: writes from here on are the applications' again.
    static func clearContext(_ db: Database) throws {
        try RawStatement(sql: "DELETE FROM _tandem_context", db).execute()
    }

    /// The tables (lowercased, as SQLite compares names) that have triggers
    /// other than Tandem's capture triggers: an application's validation or
    /// bookkeeping. Tandem turns triggers off for its own writes only into
    /// tables that have none (``enableTriggers(_:_:)``).
    static func tablesWithOtherTriggers(_ db: Database) throws -> Set<String> {
        let names = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT tbl_name FROM main.sqlite_master WHERE type = 'trigger' AND name NOT LIKE '\\_tandem\\_%' ESCAPE '\\'"))
        return Set(names.map { $0.lowercased() })
    }

    /// Turns the connection's triggers off or on (`SQLITE_DBCONFIG_ENABLE_TRIGGER`).
    /// Only this connection is affected: the applications' writes are captured
    /// as always. SQLite prepares the connection's statements again on their
    /// next use, with or without the triggers.
    static func enableTriggers(_ enabled: Bool, _ db: Database) throws {
        let code = _tandem_sqlite_enable_triggers(UnsafeMutableRawPointer(db.sqliteConnection), enabled ? 1 : 0)
        guard code == 0 else {
            throw SyncError(.database, "could not turn triggers \(enabled ? "on" : "off") on \(db.description): SQLite result \(code)")
        }
    }

    /// Marks the applications' pending changes of `key` in `table` (from
    /// `seq` on) with `note`, so that they never travel to the other side.
    static func supersede(table: String, key: String, from seq: Int64 = 0, note: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE _tandem_changes SET origin = ? WHERE tbl = ? AND key = ? AND seq >= ? AND origin IS NULL",
            arguments: [note, table, key, seq])
    }

    /// `"name"`, with embedded quotes doubled.
    package static func identifier(_ name: String) -> String {
        // Most names have no quote: skip Foundation's search and replace.
        guard name.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + name + "\"" }
        return "\"" + SQLLiteral.doubling(UInt8(ascii: "\""), in: name) + "\""
    }

    /// `'text'`, with embedded quotes doubled.
    package static func literal(_ text: String) -> String {
        "'" + SQLLiteral.doubling(UInt8(ascii: "'"), in: text) + "'"
    }

    private static func jsonList(_ names: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(names)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
