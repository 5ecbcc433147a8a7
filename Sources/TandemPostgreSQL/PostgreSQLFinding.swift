/// Something `maps validate` reports about a side: a table or a column that a
/// map names and the database lacks.
public struct PostgreSQLFinding: Sendable, Hashable, CustomStringConvertible {
    /// The table the finding is about.
    public var table: String
    /// The column, when the finding is about one column.
    public var column: String?
    /// What is wrong and what to do.
    public var message: String

    /// A finding about `table` (and `column`).
    public init(table: String, column: String?, message: String) {
        self.table = table
        self.column = column
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
