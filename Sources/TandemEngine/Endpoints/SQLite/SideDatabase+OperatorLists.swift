import GRDB

/// What `tandem errors` and `tandem conflicts` read of a SQLite side: its
/// parked changes and its conflicts, as stored.
extension SideDatabase {
    func conflicts(id: Int64?, map: String?, since: Double?, openOnly: Bool) throws -> [StoredConflict] {
        try queue.read { db in
            guard try db.tableExists("_tandem_conflicts") else { return [] }
            var conditions = ["1"]
            var arguments: [DatabaseValue] = []
            if let id {
                conditions.append("id = ?")
                arguments.append(id.databaseValue)
            }
            if let map {
                conditions.append("map = ?")
                arguments.append(map.databaseValue)
            }
            if let since {
                conditions.append("at >= ?")
                arguments.append(since.databaseValue)
            }
            if openOnly { conditions.append("status = 'open'") }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM _tandem_conflicts WHERE \(conditions.joined(separator: " AND ")) ORDER BY at, id",
                arguments: StatementArguments(arguments)
            ).map { row in
                StoredConflict(
                    id: row["id"],
                    record: ConflictRecord(
                        map: row["map"], key: row["key"], policy: row["policy"], winner: row["winner"], source: row["source"],
                        sourceSeq: row["source_seq"], sourceRow: row["source_row"], targetSeq: row["target_seq"],
                        targetRow: row["target_row"], status: row["status"], outcome: row["outcome"] ?? "",
                        sourceChanged: row["source_changed"], targetChanged: row["target_changed"],
                        sourceTable: row["source_table"] ?? "", targetTable: row["target_table"] ?? ""),
                    parkedID: row["parked_id"], resolvedBy: row["resolved_by"], at: row["at"], resolvedAt: row["resolved_at"])
            }
        }
    }

    func parkedRecords(id: Int64?, filter: ErrorList.Filter) throws -> [ParkedRecord] {
        try queue.read { db -> [ParkedRecord] in
            guard try db.tableExists("_tandem_parked") else { return [] }
            var conditions = ["1"]
            var arguments: StatementArguments = []
            if let id {
                conditions.append("p.id = ?")
                _ = arguments.append(contentsOf: [id])
            } else {
                if !filter.includeBehind { conditions.append("p.kind <> 'behind'") }
                if let map = filter.map {
                    conditions.append("p.map = ?")
                    _ = arguments.append(contentsOf: [map])
                }
                if let since = filter.since {
                    conditions.append("p.parked_at >= ?")
                    _ = arguments.append(contentsOf: [since])
                }
                if let errorClass = filter.errorClass {
                    conditions.append("p.error_class = ? AND p.kind <> 'behind'")
                    _ = arguments.append(contentsOf: [errorClass.rawValue])
                }
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT p.*, (SELECT COUNT(*) FROM _tandem_parked b
                                 WHERE b.map = p.map AND b.source = p.source AND b.key = p.key AND b.id <> p.id
                                   AND (b.seq > p.seq OR (b.seq = p.seq AND b.id > p.id))) AS waiting
                    FROM _tandem_parked p WHERE \(conditions.joined(separator: " AND ")) ORDER BY p.parked_at, p.id
                    """,
                arguments: arguments
            ).map { row in
                ParkedRecord(
                    id: row["id"], map: row["map"], source: row["source"], kind: row["kind"],
                    errorClass: ErrorClass(rawValue: row["error_class"]) ?? .application, reason: row["reason"],
                    attempts: row["attempts"], parkedAt: row["parked_at"], seq: row["seq"], table: row["tbl"],
                    operation: row["op"], key: row["key"], row: row["row"], waiting: row["waiting"])
            }
        }
    }

    func parkedBehind(_ record: ParkedRecord) throws -> [Int64] {
        try queue.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM _tandem_parked WHERE map = ? AND source = ? AND key = ? AND id <> ?
                    AND (seq > ? OR (seq = ? AND id > ?)) ORDER BY seq, id
                    """,
                arguments: [record.map, record.source, record.key, record.id, record.seq, record.seq, record.id])
        }
    }
}
