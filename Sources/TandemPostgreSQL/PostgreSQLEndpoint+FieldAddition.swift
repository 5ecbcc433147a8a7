extension PostgreSQLEndpoint {
    /// The statement that queues every row of `table` holding a value in
    /// `column` as an update of that column alone (`tandem maps
    /// add-field`), returning one row per change queued. `columns` are the
    /// table's as capture records them (reinstalled with the column).
    nonisolated public func queueExistingValuesStatement(table: String, columns: [PostgreSQLColumn], column: String) -> String {
        capture.queueExistingValues(table: table, columns: columns, column: column) + " RETURNING 1"
    }
}
