import Foundation
import GRDB

/// The change-log rows of Tandem's own writes when it makes them with the
/// capture triggers off, written by the engine instead of the triggers.
///
/// The capture triggers record an echo (Tandem's write, `origin` naming the
/// source change) the same way they record an application's change: a
/// trigger program per row, its context lookups, and a statement's worth of
/// bookkeeping per row. That cost more than the write itself (about 5 µs of a
/// 10 µs apply, see docs/BENCHMARKS.md). Where the target table has no
/// triggers but Tandem's, live sync turns triggers off for its batch and
/// appends the same rows here (table, operation, key as `quote()` gives it,
/// origin), a hundred per `INSERT`. Applications' writes are never affected:
/// the setting belongs to Tandem's connection.
struct EchoLineage {
    /// Four values per row: table, operation, key, origin.
    private var values: [SideValue] = []
    /// Rows per `INSERT`.
    static let rowsPerStatement = 100
    /// The `INSERT` of a full statement's rows, built once.
    private static let fullInsertSQL = insertSQL(rows: rowsPerStatement)

    /// Records that Tandem wrote (`operation`) the row `key` of `table` for the source change `origin`.
    mutating func append(table: String, operation: Change.Operation, key: String, origin: String) {
        values.append(contentsOf: [.text(table), .text(operation.rawValue), .text(key), .text(origin)])
    }

    /// Writes the recorded rows into the change log, in the order they were recorded.
    mutating func flush(_ db: Database) throws {
        guard !values.isEmpty else { return }
        // One time for the batch: the triggers use the statement's time, and the batch is one transaction.
        let at = SideValue.real(Date().timeIntervalSince1970 * 1000)
        let rows = values.count / 4
        let full = rows >= Self.rowsPerStatement ? try RawStatement(sql: Self.fullInsertSQL, db) : nil
        var first = 0
        while first < rows {
            let count = min(Self.rowsPerStatement, rows - first)
            // Full chunks share one statement; only the last one may be shorter.
            let statement = count == Self.rowsPerStatement ? full! : try RawStatement(sql: Self.insertSQL(rows: count), db)
            statement.bind([at] + values[(first * 4)..<((first + count) * 4)])
            try statement.execute()
            first += count
        }
        values.removeAll(keepingCapacity: true)
    }

    /// `INSERT` of `rows` echo rows; parameter 1 is the time, then four per row.
    static func insertSQL(rows: Int) -> String {
        "INSERT INTO _tandem_changes (tbl, op, key, row, at, origin, changed) VALUES "
            + (0..<rows).map { row in
                let base = 2 + row * 4
                return "(?\(base), ?\(base + 1), ?\(base + 2), NULL, ?1, ?\(base + 3), NULL)"
            }.joined(separator: ", ")
    }
}
