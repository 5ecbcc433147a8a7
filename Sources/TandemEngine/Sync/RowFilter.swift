import GRDB

/// A per-direction row predicate over the source table's columns, evaluated
/// by SQLite itself on a private in-memory connection, so that live sync,
/// initial sync and compare all judge a row by one engine's rules.
///
/// A filter in the filter language (``MapFilter/Language/filter``) is
/// compiled to SQLite with its literals as bound parameters
/// (``FilterSQL``); raw SQL (`filters_sql:`, a plugin's map) is run as
/// written, which is why only an admin may set it.
final class RowFilter {
    /// The filter as written, for messages.
    let expression: String
    /// The filter and where it is set.
    let filter: MapFilter
    /// The parsed tree, resolved against the table's columns; nil for raw SQL.
    let tree: FilterExpression?
    /// The columns the expression names (as given to ``init``): an update
    /// that changes none of them cannot move a row in or out of the filter.
    let columns: Set<String>
    /// The filter as an SQLite condition over the table's columns by name,
    /// with anonymous placeholders and their values (none for raw SQL).
    let condition: CompiledFilter<SideValue>
    /// The filter's own values, bound after the row's.
    private let parameters: [SideValue]
    /// How many row values come before the filter's own parameters.
    private let columnCount: Int
    /// The private in-memory connection the filter runs on.
    private let queue: DatabaseQueue
    /// `SELECT CASE WHEN (filter) …` over the row's values.
    private let statement: Statement

    /// Compiles `filter` over `columns`; throws with the position of a
    /// language error, or SQLite's message when raw SQL does not parse.
    init(filter: MapFilter, columns: [String], context: String) throws {
        self.filter = filter
        columnCount = columns.count
        expression = filter.text
        let tree = try filter.expression(columns: columns, context: context)
        self.tree = tree
        let condition: String
        if let tree {
            self.columns = Set(tree.columns)
            // The row's values take ?1…?N; the filter's own values follow.
            let compiled = FilterSQL.compile(
                tree, SQLiteFilterDialect(numbered: true), firstPlaceholder: columns.count + 1)
            condition = compiled.sql
            parameters = compiled.parameters
            self.condition = FilterSQL.compile(tree, SQLiteFilterDialect())
        } else {
            let words = Set(SideDatabase.tokens(filter.text).words.map { $0.lowercased() })
            self.columns = Set(columns.filter { words.contains($0.lowercased()) })
            condition = filter.text
            parameters = []
            self.condition = CompiledFilter(sql: "(\(filter.text))", parameters: [])
        }
        queue = try DatabaseQueue()
        let projection = columns.enumerated().map { "?\($0.offset + 1) AS \(CaptureSchema.identifier($0.element))" }
            .joined(separator: ", ")
        do {
            statement = try queue.inDatabase { db in
                try db.makeStatement(
                    sql: "SELECT CASE WHEN (\(condition)) THEN 1 ELSE 0 END FROM (SELECT \(projection))")
            }
        } catch let error as DatabaseError {
            throw SyncError(
                .configuration, "\(context): filter \"\(filter.text)\" does not parse: \(error.message ?? "\(error)")")
        }
    }

    /// Whether the row with `values` (in column order) passes.
    func passes(_ values: [SideValue]) throws -> Bool {
        try queue.inDatabase { db in
            // Through the C API: GRDB binds text up to its first NUL, and the filter would judge another value.
            let raw = RawStatement(statement, db)
            raw.bind(values)
            for (index, value) in parameters.enumerated() { raw.bind(value, at: Int32(columnCount + 1 + index)) }
            defer { raw.reset() }
            return try raw.step() && raw.int64(0) == 1
        }
    }
}
