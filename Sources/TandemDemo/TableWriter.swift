import TandemEngine
import GRDB

/// Inserts rows given as column-value pairs into one table, keeping only the
/// columns the table has: the demo's data describes the standard tables by
/// their real column names, and a plugin that leaves a column out simply
/// does not get it. A required column (NOT NULL without a default) that the
/// data does not fill is an error that names it, not a silent gap.
///
/// Into a SQLite database (the sample data, ``init(_:_:)``), each row is
/// written at once; for a ``DemoApplication`` (``init(_:application:)``),
/// the rows become ``statements`` for one of its transactions, on either kind
/// of side.
struct TableWriter {
    let table: String
    private let columns: Set<String>
    private let required: Set<String>
    private let db: Database?
    /// Rows written so far.
    private(set) var count = 0
    /// The inserts made for a ``DemoApplication``, in order.
    private(set) var statements: [DemoStatement] = []

    init(_ table: String, _ db: Database) throws {
        let info = try Row.fetchAll(db, sql: "SELECT name, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", arguments: [table])
        guard !info.isEmpty else {
            throw SyncError(.configuration, "demo: table \(table) does not exist; the plugin that provides it did not load (`tandem plugins list`)")
        }
        self.table = table
        self.db = db
        columns = Set(info.map { $0["name"] as String })
        required = Set(info.filter { ($0["notnull"] as Int) == 1 && ($0["dflt_value"] as String?) == nil }.map { $0["name"] as String })
    }

    /// A writer whose rows become ``statements`` for `application`'s side.
    init(_ table: String, application: DemoApplication) throws {
        self.table = table
        db = nil
        (columns, required) = try application.columns(of: table)
    }

    /// Whether the table has `column`.
    func has(_ column: String) -> Bool { columns.contains(column) }

    /// Inserts one row; pairs naming columns the table lacks are dropped.
    mutating func insert(_ pairs: KeyValuePairs<String, (any DatabaseValueConvertible)?>) throws {
        var names: [String] = []
        var values: [DatabaseValue] = []
        for (name, value) in pairs where columns.contains(name) {
            names.append(name)
            values.append(value?.databaseValue ?? .null)
        }
        if let missing = required.subtracting(names).sorted().first {
            throw SyncError(.configuration, "demo: table \(table) requires column \(missing), which the demo data does not fill")
        }
        // Quoted names: both databases keep their case then.
        let quoted = { (name: String) in "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let sql = "INSERT INTO \(quoted(table)) (\(names.map(quoted).joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        if let db {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
        } else {
            statements.append(DemoStatement(sql: sql, arguments: values.map { SideValue($0) }))
        }
        count += 1
    }
}
