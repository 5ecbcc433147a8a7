/// One statement of a ``PostgreSQLSession/pipeline(_:)``: its SQL, its
/// parameters (bound as text of unspecified type, as
/// ``PostgreSQLSession/query(_:_:table:)`` binds them) and the table an
/// error names.
package struct PostgreSQLStatement: Sendable {
    /// The SQL, one statement.
    package var sql: String
    /// The parameters `$1…`, NULL as nil.
    package var parameters: [String?]
    /// The table an error's message names, if any.
    package var table: String?

    /// The statement `sql` with `parameters`; `table` is named in an error's message.
    package init(_ sql: String, _ parameters: [String?] = [], table: String? = nil) {
        self.sql = sql
        self.parameters = parameters
        self.table = table
    }
}
