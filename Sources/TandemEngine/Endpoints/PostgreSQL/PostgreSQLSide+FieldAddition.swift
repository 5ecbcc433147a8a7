import TandemPostgreSQL

/// The PostgreSQL side's part of `tandem maps add-field` (``FieldAddition``).
extension PostgreSQLSide {
    /// Adds `column` to `table` with the declared `type` (checked by
    /// ``FieldAddition/checkedType(_:)``; SQLite type words such as `BLOB`
    /// are translated as a plugin's DDL is, see ``PostgreSQLDDL``).
    func addColumn(_ column: String, type: String, to table: String) throws {
        try executeDDL([
            "ALTER TABLE \(PostgreSQLSQL.identifier(table)) ADD COLUMN \(PostgreSQLSQL.identifier(column)) \(type)"
        ])
        _ = try columns(of: table, reload: true)
    }

    /// Queues every row of `table` holding a value in `column` as an update
    /// of that column alone, behind every change already in the log (see
    /// ``SideDatabase/queueExistingValues(of:in:key:)``). Returns how many.
    func queueExistingValues(of column: String, in table: String, key: [String]) throws -> Int {
        let columns = try self.columns(of: table, reload: true)
        guard let named = columns.first(where: { $0.name == column }) else {
            throw SyncError(.configuration, "table '\(table)' on the \(role) side has no column '\(column)'")
        }
        let statement = endpoint.queueExistingValuesStatement(table: table, columns: columns, column: named.name)
        let rows = try query("WITH queued AS (\(statement)) SELECT count(*)::text FROM queued", table: table)
        return rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
    }
}
