/// `CREATE TABLE` statements for the standard maps' tables.
///
/// Conventions, the same on every table so that the engine's exactness holds:
/// money, quantities, factors and exchange rates are `TEXT` holding the exact
/// decimal (SQLite's `REAL` would round them through a double); F&O enums,
/// `NoYes` included, are `TEXT` holding the enum name; Dataverse booleans and
/// option sets are `INTEGER`; dates and date-times are ISO 8601 `TEXT`.
package enum SQLiteTable {
    /// `CREATE TABLE IF NOT EXISTS name (columns..., PRIMARY KEY (key))`, with
    /// `NOT NULL` added to the key columns (SQLite would otherwise accept NULL
    /// in a primary key that is not an integer, and NULL never equals a key).
    ///
    /// - Parameters:
    ///   - columns: `NAME TYPE [constraints]`, in the order the reference lists them.
    ///   - unique: further column sets that must be unique (an alternate key).
    package static func create(_ name: String, key: [String], _ columns: [String], unique: [[String]] = []) -> String {
        let declared = columns.map { column in
            let columnName = column.split(separator: " ", maxSplits: 1).first.map(String.init) ?? column
            return key.contains(columnName) ? column + " NOT NULL" : column
        }
        let constraints = ["PRIMARY KEY (\(key.joined(separator: ", ")))"]
            + unique.map { "UNIQUE (\($0.joined(separator: ", ")))" }
        return "CREATE TABLE IF NOT EXISTS \(name) (\((declared + constraints).joined(separator: ", ")))"
    }
}
