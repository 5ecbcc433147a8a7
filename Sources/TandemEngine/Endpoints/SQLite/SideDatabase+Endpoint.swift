import Foundation
import GRDB
import Logging

/// The SQLite side behind ``SideEndpoint``: the change log, checkpoints,
/// parked changes and conflicts are `_tandem_*` tables in the side's file,
/// read and written on its one connection.
extension SideDatabase: SideEndpoint {
    func hasTable(_ table: String) throws -> Bool {
        try queue.read { db in try db.tableExists(table) }
    }

    func installCapture(_ tables: [(name: String, key: [String])]) throws {
        // Install runs its own transactions (the change log's rebuild among them).
        try queue.writeWithoutTransaction { db in try CaptureSchema.install(db, tables: tables) }
    }

    func removeCapture() throws {
        try queue.writeWithoutTransaction { db in try CaptureSchema.remove(db) }
    }

    func removeCaptureTriggers(table: String) throws -> Bool {
        try queue.writeWithoutTransaction { db in try CaptureSchema.removeTriggers(db, table: table) }
    }

    func capturedColumns() throws -> [String: [String]] {
        try queue.read { db in try CaptureSchema.capturedTables(db) }
    }

    func columnTypes(of table: String) throws -> [(name: String, type: String)] {
        try queue.read { db in try CaptureSchema.columnTypes(db, table: table) }
    }

    func columnDetails(of table: String) throws -> [String: SideColumn] {
        try queue.read { db in
            var result: [String: SideColumn] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)",
                arguments: [table])
            {
                let type: String = row["type"]
                result[row["name"]] = SideColumn(
                    type: type, valueClass: Self.affinity(type), notNull: (row["notnull"] as Int) == 1,
                    hasDefault: (row["dflt_value"] as String?) != nil, generated: [2, 3].contains(row["hidden"] as Int),
                    primaryKey: (row["pk"] as Int) > 0)
            }
            return result
        }
    }

    /// SQLite's affinity of a declared type (the rules of "Determination of
    /// Column Affinity", in their order).
    static func affinity(_ declared: String) -> String {
        let type = declared.uppercased()
        if type.contains("INT") { return "integer" }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return "text" }
        if type.contains("BLOB") || type.isEmpty { return "blob" }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return "real" }
        return "numeric"
    }

    func prepareTarget(_ plan: DirectionPlan) throws {
        let statements = SQLiteTargetStatements(plan)
        try queue.read { db in statements.enableUpsert(db, table: plan.targetTable) }
        plan.targetPreparation = statements
    }

    func commitToken() throws -> Int {
        // Per connection: it moves when another connection commits, not for this one's writes.
        try queue.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
    }

    func changes(after seq: Int64, limit: Int) throws -> [Change] {
        try queue.inDatabase { db in try changes(after: seq, limit: limit, db) }
    }

    var location: String { path }

    func headSeq() throws -> Int64 {
        try queue.read { db in try headSeq(db) }
    }

    func position(before at: Double) throws -> Int64 {
        try queue.read { db in
            guard try db.tableExists("_tandem_changes") else { return 0 }
            guard let first = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM _tandem_changes WHERE at >= ?", arguments: [at])
            else { return try headSeq(db) }
            return first - 1
        }
    }

    func issuedHead() throws -> Int64 {
        try queue.read { db in
            // AUTOINCREMENT's high-water mark, which pruning never lowers.
            let issued =
                try db.tableExists("sqlite_sequence")
                ? Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = '_tandem_changes'") ?? 0 : 0
            // The sequence row may be missing for a log that never held a row; the rows themselves are the floor.
            let highest =
                try db.tableExists("_tandem_changes")
                ? Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM _tandem_changes") ?? 0 : 0
            return max(issued, highest)
        }
    }

    func changeIdentity(_ seq: Int64) throws -> (at: Double, table: String)? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT at, tbl FROM _tandem_changes WHERE seq = ?", arguments: [seq]).map { ($0[0], $0[1]) }
        }
    }

    func applicationEdits(table: String, after seq: Int64, limit: Int) throws -> [Change] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, CAST(key AS BLOB), op, CAST(row AS BLOB), at, changed FROM _tandem_changes
                        WHERE tbl = ? AND origin IS NULL AND seq > ? ORDER BY seq LIMIT ?
                        """),
                arguments: [table, seq, limit])
        }.map { row in
            // Key and row as bytes (GRDB would repair text that is not valid UTF-8), normalised as the change reader does.
            Change(
                seq: row[0], table: table, operation: Change.Operation(rawValue: row[2]) ?? .update,
                key: SQLLiteral.normalized(row[1] as Data? ?? Data()), row: (row[3] as Data?).map(SQLLiteral.normalized),
                at: row[4], origin: nil, changed: row[5])
        }
    }

    func currentRows(table: String, columns: [String], keyColumns: [String], keys: [[SideValue]]) throws -> [String?] {
        let sql = """
            SELECT \(CaptureSchema.quoteList(nil, columns)) FROM \(CaptureSchema.identifier(table))
            WHERE \(keyColumns.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: " AND "))
            """
        // One read transaction, one cached statement; through the C API: GRDB binds text up to
        // its first NUL, which would find another row.
        return try queue.read { db in
            let select = try RawStatement(sql: sql, db)
            return try keys.map { key in
                select.bind(key)
                defer { select.reset() }
                return try select.step() ? select.literals(0) : nil
            }
        }
    }

    func storedCheckpoints() throws -> [CheckpointID: Int64] {
        try queue.read { db in
            guard try db.tableExists("_tandem_checkpoints") else { return [:] }
            var result: [CheckpointID: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT map, source, seq FROM _tandem_checkpoints") {
                // A source this version does not know is no checkpoint of its maps.
                guard let source = SideRole(rawValue: row[1]) else { continue }
                result[CheckpointID(map: row[0], source: source)] = row[2]
            }
            return result
        }
    }

    func storeCheckpoints(_ checkpoints: [CheckpointID: Int64]) throws {
        guard !checkpoints.isEmpty else { return }
        try queue.write { db in try Self.store(checkpoints, db) }
    }

    /// Moves the stored checkpoints forward (never back) inside the caller's transaction.
    static func store(_ checkpoints: [CheckpointID: Int64], _ db: Database) throws {
        for (id, seq) in checkpoints {
            try db.execute(
                sql: """
                    INSERT INTO _tandem_checkpoints (map, source, seq) VALUES (?, ?, ?)
                    ON CONFLICT (map, source) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > seq
                    """,
                arguments: [id.map, id.source.rawValue, seq])
        }
    }

    func parkedKeys(source: SideRole, map: String?) throws -> [(map: String, key: String)] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT map, key FROM _tandem_parked WHERE source = ?1 AND (?2 IS NULL OR map = ?2)",
                arguments: [source.rawValue, map]
            ).map { ($0[0], $0[1]) }
        }
    }

    func parkedChanges(map: String, source: SideRole, waitingForParents: Bool) throws -> [(id: Int64, change: Change)] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, seq, tbl, op, key, row, at, changed FROM _tandem_parked WHERE map = ?1 AND source = ?2
                    \(waitingForParents ? "AND key IN (SELECT key FROM _tandem_parked WHERE map = ?1 AND source = ?2 AND kind = 'parent')" : "")
                    ORDER BY seq, id
                    """,
                arguments: [map, source.rawValue]
            ).map { row in
                (
                    row[0],
                    Change(
                        seq: row[1], table: row[2], operation: Change.Operation(rawValue: row[3]) ?? .update, key: row[4],
                        row: row[5], at: row[6], origin: nil, changed: row[7])
                )
            }
        }
    }

    func openConflicts(source: SideRole) throws -> [(id: Int64, map: String, key: String)] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, map, key FROM _tandem_conflicts WHERE status = 'open' AND source = ?",
                arguments: [source.rawValue]
            ).map { ($0[0], $0[1], $0[2]) }
        }
    }

    // MARK: Operator actions

    private static let parkedColumns = "id, map, source, seq, tbl, op, key, row, at, changed, kind, reason, error_class, parked_at, attempts"

    private static func parked(_ row: Row) -> StoredParkedChange {
        StoredParkedChange(
            id: row[0],
            parked: ParkedChange(
                map: row[1], source: row[2],
                change: Change(
                    seq: row[3], table: row[4], operation: Change.Operation(rawValue: row[5]) ?? .update, key: row[6],
                    row: row[7], at: row[8], origin: nil, changed: row[9]),
                kind: row[10], reason: row[11], errorClass: ErrorClass(rawValue: row[12]) ?? .application),
            parkedAt: row[13], attempts: row[14])
    }

    func parkedChange(id: Int64) throws -> StoredParkedChange? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.parkedColumns) FROM _tandem_parked WHERE id = ?", arguments: [id]).map(Self.parked)
        }
    }

    func parkedErrors(map: String?) throws -> [StoredParkedChange] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.parkedColumns) FROM _tandem_parked
                    WHERE kind NOT IN ('behind', 'conflict') AND (?1 IS NULL OR map = ?1) ORDER BY seq, id
                    """,
                arguments: [map]
            ).map(Self.parked)
        }
    }

    func deleteParked(id: Int64) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [id]) }
    }

    func discardParked(map: String, source: SideRole, key: String) throws -> [StoredParkedChange] {
        try queue.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.parkedColumns) FROM _tandem_parked WHERE map = ? AND source = ? AND key = ? ORDER BY seq, id",
                arguments: [map, source.rawValue, key])
            try db.execute(
                sql: "DELETE FROM _tandem_parked WHERE map = ? AND source = ? AND key = ?", arguments: [map, source.rawValue, key])
            return rows.map(Self.parked)
        }
    }

    func markParkedError(id: Int64) throws {
        try queue.write { db in try db.execute(sql: "UPDATE _tandem_parked SET kind = 'error' WHERE id = ?", arguments: [id]) }
    }

    func openConflict(parkedID: Int64) throws -> Int64? {
        try queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM _tandem_conflicts WHERE parked_id = ? AND status = 'open'", arguments: [parkedID])
        }
    }

    func closeConflict(id: Int64, winner: String, outcome: String, by actor: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE _tandem_conflicts SET status = 'resolved', winner = ?, outcome = ?, resolved_at = ?, resolved_by = ? WHERE id = ?",
                arguments: [winner, outcome, StateStore.now, actor, id])
        }
    }

    func supersedeEdits(table: String, key: String, note: String) throws {
        try queue.write { db in try CaptureSchema.supersede(table: table, key: key, note: note, db) }
    }

    func writeMergedResolution(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, origin: String, note: String,
        parkedID: Int64
    ) throws -> Bool {
        try queue.write { db -> Bool in
            try CaptureSchema.setContext(origin, db)
            let merged = try SQLiteTargetTransaction.writeMerged(plan, values: values, columns: columns, local: local, note: note, db)
            try CaptureSchema.clearContext(db)
            if merged { try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [parkedID]) }
            return merged
        }
    }

    // MARK: Write-through

    func pruneFacts(youngSince cutoff: Double?) throws -> (head: Int64, tables: [String], firstYoung: Int64?) {
        try queue.read { db in
            // sqlite_sequence: the number AUTOINCREMENT last gave out, which deleting rows never lowers.
            let head = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = '_tandem_changes'") ?? 0
            let tables = try String.fetchAll(db, sql: "SELECT tbl FROM _tandem_capture")
            // Once for the whole log: `at` grows with `seq`, so this reads only the old rows before it (which
            // pruning removes), where a per-table query could not use the (tbl, seq) index (it holds the
            // applications' changes only) and would read every row kept, for every table, every round.
            let young = try cutoff.flatMap {
                try Int64.fetchOne(
                    db, sql: "SELECT seq FROM _tandem_changes WHERE at >= ? ORDER BY seq LIMIT 1", arguments: [$0])
            }
            return (head, tables, young)
        }
    }

    func pruneChanges(table: String, through floor: Int64, limit: Int) throws -> Bool {
        try queue.writeWithoutTransaction { db in
            // Nothing of this table at or below the floor (pruned already): no write transaction,
            // which would take the side's lock every round for nothing.
            guard
                try Int64.fetchOne(
                    db, sql: "SELECT seq FROM _tandem_changes WHERE tbl = ? AND seq <= ? LIMIT 1", arguments: [table, floor])
                    != nil
            else { return false }
            var more = false
            try db.inTransaction(.immediate) {
                // The chunk's upper bound first, then one range delete on the (tbl, seq) index.
                let bound = try Int64.fetchOne(
                    db, sql: "SELECT seq FROM _tandem_changes WHERE tbl = ? AND seq <= ? ORDER BY seq LIMIT 1 OFFSET ?",
                    arguments: [table, floor, limit - 1])
                let through = bound ?? floor
                try db.execute(sql: "DELETE FROM _tandem_changes WHERE tbl = ? AND seq <= ?", arguments: [table, through])
                if db.changesCount > 0 {
                    // What a recovery needs to know: the changes of this table up to here are gone.
                    try db.execute(
                        sql: "INSERT INTO _tandem_pruned (tbl, seq) VALUES (?, ?) ON CONFLICT (tbl) DO UPDATE SET seq = max(seq, excluded.seq)",
                        arguments: [table, through])
                }
                more = bound != nil
                return .commit
            }
            return more
        }
    }

    func checkpointLog(unlessAt mark: LogMark?) throws -> LogMark? {
        // A stat, not a checkpoint, while nothing was written: a passive checkpoint of an idle side
        // still takes its locks and reads its index.
        guard let wal = Self.walMark(path), wal != mark else { return mark }
        let done = try queue.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        // (busy, frames in the WAL, frames checkpointed): a checkpoint that a reader held back is
        // tried again next time even if nothing new was written.
        let complete = done.map { row in (row[1] as Int?) == (row[2] as Int?) } ?? false
        return complete ? wal : nil
    }

    /// What `stat` says of the database's `-wal` file (inode, size, modification
    /// time), which changes with every commit; nil when there is none.
    private static func walMark(_ database: String) -> LogMark? {
        var info = stat()
        guard stat(database + "-wal", &info) == 0 else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return LogMark(parts: [Int64(info.st_ino), Int64(info.st_size), Int64(time.tv_sec), Int64(time.tv_nsec)])
    }

    func prunedThrough(table: String) throws -> Int64 {
        try queue.read { db in
            try db.tableExists("_tandem_pruned")
                ? Int64.fetchOne(db, sql: "SELECT seq FROM _tandem_pruned WHERE tbl = ?", arguments: [table]) ?? 0 : 0
        }
    }

    func echoes(table: String, after seq: Int64, from origin: SideRole) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin LIKE ? || ':%'",
                arguments: [table, seq, origin.rawValue]) ?? 0
        }
    }

    func firstChange(table: String, through seq: Int64, after time: Double) throws -> Int64? {
        try queue.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(seq) FROM _tandem_changes WHERE tbl = ? AND seq <= ? AND at > ?",
                arguments: [table, seq, time])
        }
    }

    func resetCheckpoint(_ id: CheckpointID, to seq: Int64) throws {
        try queue.write { db in
            // Set, not moved forward, and made where there was none (an initial sync's start).
            try db.execute(
                sql: """
                    INSERT INTO _tandem_checkpoints (map, source, seq) VALUES (?, ?, ?)
                    ON CONFLICT (map, source) DO UPDATE SET seq = excluded.seq
                    """,
                arguments: [id.map, id.source.rawValue, seq])
        }
    }

    func openReader() throws -> any SideEndpoint {
        try SideDatabase(role: role, path: path, readOnly: true, background: true)
    }

    func tableRows(_ table: String, columns: [String]) throws -> [[SideValue]] {
        let list = columns.map(CaptureSchema.identifier).joined(separator: ", ")
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT \(list) FROM \(CaptureSchema.identifier(table)) ORDER BY \(list)").map { row in
                columns.indices.map { row[$0] as SideValue }
            }
        }
    }

    func scanRows(table: String, columns: [String], after position: [SideValue]?, limit: Int) throws
        -> [(position: [SideValue], values: [SideValue]?)]
    {
        // By rowid, from the lowest: rowids (and INTEGER PRIMARY KEY keys) may be zero or negative.
        let select = "SELECT rowid, \(CaptureSchema.quoteList(nil, columns)) FROM \(CaptureSchema.identifier(table))"
        let after: Int64? = position.flatMap { if case .integer(let rowid)? = $0.first { rowid } else { nil } }
        return try queue.read { db in
            // Through the C API: read as bytes (NULs and text that is not valid UTF-8 as they are).
            let statement = try RawStatement(
                sql: "\(select) \(after == nil ? "" : "WHERE rowid > ?1") ORDER BY rowid LIMIT \(limit)", db)
            if let after { statement.bind(.integer(after), at: 1) }
            defer { statement.reset() }
            var rows: [(position: [SideValue], values: [SideValue]?)] = []
            while try statement.step() {
                let values = try? SQLLiteral.parseList(statement.literals(1) ?? "", names: columns)
                rows.append(([.integer(statement.int64(0))], values))
            }
            return rows
        }
    }

    func beginComparison(_ plan: DirectionPlan) throws -> any TargetComparison {
        try SQLiteTargetComparison(side: self, plan: plan)
    }

    func readOnlyTarget<T>(_ body: (any TargetTransaction) throws -> T) throws -> T {
        // GRDB's read: a deferred transaction with `query_only` on, so that a write fails rather than lands.
        try queue.read { db in
            try SQLiteTargetTransaction.run(db, logger: Logger(label: "tandem.preview")) { try body($0) }
        }
    }

    func writeThrough<T>(tag: String, _ body: (any OriginWrite) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
            do {
                let result = try body(try SQLiteOriginWrite(db, role: role, tag: tag))
                // Not committed by `body`: nothing is kept.
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                return result
            } catch {
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                throw error
            }
        }
    }

    func applyWriteThrough<T>(
        _ items: [ApplyItem], logger: Logger, _ body: (any TargetTransaction) throws -> T, beforeCommit: () throws -> Void
    ) throws -> T {
        try queue.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
            let result: T
            do {
                result = try SQLiteTargetTransaction.run(db, logger: logger) { try body($0) }
                try beforeCommit()
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
            do {
                try db.cachedStatement(sql: "COMMIT").execute()
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw TargetCommitFailed(underlying: error)
            }
            return result
        }
    }

    func applyBatch<T>(
        _ items: [ApplyItem], checkpoints: [CheckpointID: Int64], fastPath: Bool, logger: Logger,
        _ body: (any TargetTransaction) throws -> T
    ) throws -> T {
        try queue.writeWithoutTransaction { db in
            var result: T?
            // IMMEDIATE: the write lock from the start, so that no application's write slips in
            // between the reads that decide (local edits, parents) and the writes.
            try db.inTransaction(.immediate) {
                let quiet = try fastPath && SQLiteTargetTransaction.canApplyQuietly(items, db)
                result = try SQLiteTargetTransaction.run(db, quiet: quiet, logger: logger) { try body($0) }
                try Self.store(checkpoints, db)
                return .commit
            }
            return result!
        }
    }
}
