package import TandemDocuments

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
        let constraints =
            ["PRIMARY KEY (\(key.joined(separator: ", ")))"]
            + unique.map { "UNIQUE (\($0.joined(separator: ", ")))" }
        return "CREATE TABLE IF NOT EXISTS \(name) (\((declared + constraints).joined(separator: ", ")))"
    }

    /// Which side's names of a column pair list to declare.
    package enum Side: Sendable {
        /// The ERP names (the pairs' keys).
        case erp
        /// The CRM names (the pairs' values).
        case crm
    }

    /// `NAME TYPE` for one side's names of `pairs` (ERP name to CRM name, as
    /// the field maps list them), all of one SQLite type.
    package static func columns(_ pairs: KeyValuePairs<String, String>, _ side: Side, _ type: String) -> [String] {
        pairs.map { "\(side == .erp ? $0.key : $0.value) \(type)" }
    }

    /// `NAME TYPE` for one side's columns of `maps`: each map's key first,
    /// then every other column once in field order, so the DDL cannot
    /// disagree with the maps; `types` by column name, `TEXT` otherwise.
    package static func columns(of maps: [TableMap], _ side: Side, types: [String: String]) -> [String] {
        var columns: [String] = []
        for map in maps {
            let table = side == .erp ? map.erp : map.crm
            for name in table.key where !columns.contains(name) { columns.append(name) }
            for field in map.fields {
                for name in (side == .erp ? field.erp : field.crm)?.columns ?? [] where !columns.contains(name) {
                    columns.append(name)
                }
            }
        }
        return columns.map { "\($0) \(types[$0] ?? "TEXT")" }
    }
}
