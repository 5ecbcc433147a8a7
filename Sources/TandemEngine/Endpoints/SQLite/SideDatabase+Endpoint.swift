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

    func prepareTarget(_ plan: DirectionPlan) throws {
        try queue.read { db in plan.enableUpsert(db) }
    }

    func commitToken() throws -> Int {
        // Per connection: it moves when another connection commits, not for this one's writes.
        try queue.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
    }

    func changes(after seq: Int64, limit: Int) throws -> [Change] {
        try queue.inDatabase { db in try changes(after: seq, limit: limit, db) }
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
