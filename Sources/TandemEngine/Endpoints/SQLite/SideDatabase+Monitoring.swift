import GRDB

/// A SQLite side's answers to `tandem status` and to alert rules, and the
/// plugin DDL it runs: reads of its change log and bookkeeping that the
/// engine's loop never makes.
extension SideDatabase {
    func executeDDL(_ statements: [String]) throws {
        guard !statements.isEmpty else { return }
        try queue.write { db in
            for statement in statements { try db.execute(sql: statement) }
        }
    }

    func pendingChanges(table: String, after seq: Int64, count: Bool) throws -> (queued: Int?, oldest: Double?) {
        try queue.read { db in
            guard try db.tableExists("_tandem_changes") else { return (count ? 0 : nil, nil) }
            // Both use the (tbl, seq) index of the applications' changes; the oldest is the first by seq.
            let oldest = try Double.fetchOne(
                db,
                sql: "SELECT at FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin IS NULL ORDER BY seq LIMIT 1",
                arguments: [table, seq])
            let queued =
                count
                ? try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin IS NULL",
                    arguments: [table, seq]) ?? 0 : nil
            return (queued, oldest)
        }
    }

    func errorCount(map: String, errorClass: ErrorClass?, since: Double, parentWait: Double) throws -> Int {
        try queue.read { db -> Int in
            guard try db.tableExists("_tandem_parked") else { return 0 }
            // A change waiting for its parent row is not an error (it applies when the parent
            // arrives, as during every catch-up) until it has waited engine.parent_wait_s: then
            // the parent may never come (a reference in the wrong case), and it counts from the
            // moment it became overdue. One that only waits behind an earlier change of its key never counts.
            var sql = """
                SELECT COUNT(*) FROM _tandem_parked WHERE map = ?1 AND (
                    (kind NOT IN ('behind', 'parent') AND parked_at >= ?2)
                    OR (kind = 'parent' AND parked_at <= ?3 AND parked_at >= ?2 - ?4))
                """
            var arguments: StatementArguments = [map, since, StateStore.now - parentWait, parentWait]
            if let errorClass {
                sql += " AND error_class = ?5"
                _ = arguments.append(contentsOf: [errorClass.rawValue])
            }
            return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }

    func overdueParents(map: String, source: SideRole, parkedBefore: Double) throws -> Int {
        try queue.read { db -> Int in
            guard try db.tableExists("_tandem_parked") else { return 0 }
            return try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM _tandem_parked WHERE map = ? AND source = ? AND kind = 'parent' AND parked_at < ?",
                arguments: [map, source.rawValue, parkedBefore]) ?? 0
        }
    }

    func conflictCount(map: String, since: Double) throws -> Int {
        try queue.read { db -> Int in
            guard try db.tableExists("_tandem_conflicts") else { return 0 }
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM _tandem_conflicts WHERE map = ? AND at >= ?", arguments: [map, since]) ?? 0
        }
    }

    func watchCommits(after: @escaping @Sendable () -> Int64, wake: @escaping @Sendable () -> Void) throws
        -> (any CommitWatch)?
    {
        // The engine's CommitWaiter watches the file itself.
        nil
    }
}
