/// One row write that Tandem applies to a side, inside ``PostgreSQLEndpoint/apply(_:checkpoint:origin:)``.
public enum PostgreSQLWrite: Sendable, Hashable {
    /// Inserts the row, or updates the row with the same primary key. `row` holds the key columns
    /// and the columns to set; columns it leaves out keep their value (or default, on insert).
    case upsert(table: String, row: [String: PostgreSQLValue])
    /// Deletes the row with this primary key; no row is no error.
    case delete(table: String, key: [String: PostgreSQLValue])

    /// The table written.
    public var table: String {
        switch self {
        case .upsert(let table, _), .delete(let table, _): table
        }
    }
}
