import GRDB

/// The SQLite side's part of `tandem maps add-field` (``FieldAddition``):
/// the new column, and the existing values queued as changes.
extension SideDatabase {
    /// Adds `column` to `table` with the declared `type`, which the caller
    /// has checked (``FieldAddition/checkedType(_:)``): SQLite appends it,
    /// so every change logged before keeps its columns where they were.
    func addColumn(_ column: String, type: String, to table: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "ALTER TABLE \(CaptureSchema.identifier(table)) ADD COLUMN \(CaptureSchema.identifier(column)) \(type)")
        }
    }

    /// Queues every row of `table` that holds a value in `column` as an
    /// update of that column alone, in the change log, behind every change
    /// already there: an application's change to the engine (origin NULL),
    /// so it is mapped, checked and applied as any other, and a row whose
    /// other side changed meanwhile meets the map's conflict policy. Capture
    /// must already record `column` (the map compiled again). Returns the
    /// number of rows queued.
    func queueExistingValues(of column: String, in table: String, key: [String]) throws -> Int {
        try queue.write { db in
            let columns = try CaptureSchema.columns(db, table: table)
            guard let position = columns.firstIndex(where: { $0.lowercased() == column.lowercased() }) else {
                throw SyncError(.configuration, "table '\(table)' on the \(role) side has no column '\(column)'")
            }
            // The same literal forms as the capture triggers (``CaptureSchema/triggers(table:columns:key:integers:)``).
            let integers = try CaptureSchema.rowidAlias(db, table: table).map { Set([$0]) } ?? []
            let mask = String(columns.indices.map { $0 == position ? "1" : "0" })
            try db.execute(
                sql: """
                    INSERT INTO _tandem_changes (tbl, op, key, row, at, origin, changed)
                    SELECT ?, 'U', \(CaptureSchema.quoteList(nil, key, integers: integers)),
                        \(CaptureSchema.quoteList(nil, columns, integers: integers)), \(CaptureSchema.nowMilliseconds), NULL, ?
                    FROM \(CaptureSchema.identifier(table)) WHERE \(CaptureSchema.identifier(columns[position])) IS NOT NULL
                    """,
                arguments: [table, mask])
            return db.changesCount
        }
    }
}
