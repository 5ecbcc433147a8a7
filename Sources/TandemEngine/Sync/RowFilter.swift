import GRDB

/// A per-direction row predicate, written in SQLite's expression language over
/// the source table's columns (`DATAAREAID = 'usmf' AND CUSTGROUP IN ('10','20')`),
/// evaluated by SQLite itself on a private in-memory connection, so its
/// semantics are exactly SQL's.
final class RowFilter {
    let expression: String
    /// The columns the expression names (as given to ``init``): an update
    /// that changes none of them cannot move a row in or out of the filter.
    let columns: Set<String>
    private let queue: DatabaseQueue
    private let statement: Statement

    /// Compiles `expression` over `columns`; throws with SQLite's message when it does not parse.
    init(expression: String, columns: [String], context: String) throws {
        self.expression = expression
        let words = Set(SideDatabase.tokens(expression).words.map { $0.lowercased() })
        self.columns = Set(columns.filter { words.contains($0.lowercased()) })
        queue = try DatabaseQueue()
        let projection = columns.enumerated().map { "?\($0.offset + 1) AS \(CaptureSchema.identifier($0.element))" }
            .joined(separator: ", ")
        do {
            statement = try queue.inDatabase { db in
                try db.makeStatement(sql: "SELECT CASE WHEN (\(expression)) THEN 1 ELSE 0 END FROM (SELECT \(projection))")
            }
        } catch let error as DatabaseError {
            throw SyncError(.configuration, "\(context): filter \"\(expression)\" does not parse: \(error.message ?? "\(error)")")
        }
    }

    /// Whether the row with `values` (in column order) passes.
    func passes(_ values: [SideValue]) throws -> Bool {
        try queue.inDatabase { db in
            // Through the C API: GRDB binds text up to its first NUL, and the filter would judge another value.
            let raw = RawStatement(statement, db)
            raw.bind(values)
            defer { raw.reset() }
            return try raw.step() && raw.int64(0) == 1
        }
    }
}
