import GRDB

/// What a SQLite side tells ``UncarriedRows``: which rows its change log
/// does not hold, and which keys a table has.
extension SideDatabase {
    /// The rows of `table` that pass `filter` (SQL over the table's columns)
    /// and whose key (`key`) no change in the change log names, each as the
    /// `quote()` list of `columns`, as the change log writes keys.
    func uncapturedRows(of table: String, key: [String], filter: String?, columns: [String]) throws -> [String] {
        try queue.read { db in
            var conditions: [String] = filter.map { ["(\($0))"] } ?? []
            // Without a change log, nothing of the table was captured.
            if try CaptureSchema.isInstalled(db) {
                conditions.append(
                    "\(CaptureSchema.quoteList(nil, key)) NOT IN (SELECT key FROM _tandem_changes WHERE tbl = \(CaptureSchema.literal(table)))"
                )
            }
            let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try String.fetchAll(
                db,
                sql: "SELECT \(CaptureSchema.quoteList(nil, columns)) FROM \(CaptureSchema.identifier(table))\(clause)")
        }
    }

    /// The `quote()` lists of `columns` of every row of `table`; empty when the side lacks the table.
    func keyLiterals(of table: String, columns: [String]) throws -> Set<String> {
        try queue.read { db in
            guard try db.tableExists(table) else { return [] }
            return Set(
                try String.fetchAll(
                    db, sql: "SELECT \(CaptureSchema.quoteList(nil, columns)) FROM \(CaptureSchema.identifier(table))"))
        }
    }
}
