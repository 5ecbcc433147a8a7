import Foundation
import TandemPostgreSQL

/// The PostgreSQL side's change log (`_tandem_changes`, written by the
/// capture triggers of `TandemPostgreSQL`) in the engine's change form.
///
/// The triggers record a change's key and row as `jsonb` by column name;
/// the engine's ``Change`` carries them as literal lists in capture order
/// (``SQLLiteral``), the form its plans, parking and conflict lists use on
/// every side. So each change is turned into that form here: the key in the
/// map's key order, the row in the order `_tandem_capture` lists the
/// columns, the changed columns as a `0`/`1` mask over the same order, and
/// the time as ms since the epoch.
struct PostgreSQLChangeLog {
    /// The columns capture records for one table, and its key columns in the map's order.
    struct Captured {
        /// Capture order (the table's column order at install).
        var columns: [String]
        /// The key columns in the order the map names them.
        var key: [String]
    }

    /// One change as read, its values already the engine's.
    struct Entry {
        /// The change's number in the log.
        var seq: Int64
        /// The table changed.
        var table: String
        /// Insert, update or delete.
        var operation: Change.Operation
        /// The key columns' values by name.
        var key: [String: SideValue] = [:]
        /// The row's values by name.
        var row: [String: SideValue] = [:]
        /// For an update, the names of the columns it changed.
        var changed: [String]?
        /// Tandem's mark, nil for an application's write.
        var origin: String?
        /// ms since the epoch.
        var at: Double
    }

    /// The schema holding the log.
    let schema: String

    /// A qualified name of one of Tandem's objects.
    func name(_ object: String) -> String { PostgreSQLSQL.qualified(schema, object) }

    /// The separator of the changed-column list in ``select(condition:limit:)``'s rows (no column name holds it).
    static let separator = "\u{1F}"

    /// One row per change matching `condition` (which may use `$1`…), oldest
    /// first: `seq, tbl, op, origin, changed, at (UTC, the form
    /// `TandemPostgreSQL` reads), key image, row image`, the images as their
    /// `jsonb` text (``PostgreSQLJSONObject``), the row's NULL when `rows` is
    /// false. `limit` caps the changes.
    func select(condition: String, limit: String? = nil, rows: Bool = true) -> String {
        """
        SELECT c.seq, c.tbl, c.op::text, c.origin, array_to_string(c.changed, chr(31)),
            to_jsonb(c.at AT TIME ZONE 'UTC') #>> '{}', c.key::text, \(rows ? "c.row::text" : "NULL")
        FROM \(name("_tandem_changes")) c WHERE \(condition) ORDER BY seq \(limit.map { "LIMIT \($0)" } ?? "")
        """
    }

    /// ``select(condition:limit:rows:)`` that also sets the transaction-local `setting` to ''
    /// in the same statement: one exchange with the server instead of two. The `WITH` is read
    /// as the outer side of a lateral join, so it runs whether or not any change matches; that
    /// gives one row of NULLs when none does, which ``entries(_:column:)`` skips (no `seq`).
    func select(condition: String, resetting setting: String, rows: Bool = true) -> String {
        """
        WITH tandem_reset AS (SELECT set_config('\(setting)', '', true))
        SELECT l.* FROM tandem_reset LEFT JOIN LATERAL (\(select(condition: condition, rows: rows))) AS l ON true
        ORDER BY 1
        """
    }

    /// The entries of ``select(condition:limit:rows:)``'s rows; `column` gives
    /// a table's column by name (nil when the table no longer has it: its
    /// value is then read as text).
    static func entries(
        _ rows: [[String?]], column: (String, String) throws -> PostgreSQLColumn?
    ) throws -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard row.count == 8, let seqText = row[0], let seq = Int64(seqText), let table = row[1] else { continue }
            func values(_ image: String?) throws -> [String: SideValue] {
                guard let image else { return [:] }
                var values: [String: SideValue] = [:]
                for (name, text) in try PostgreSQLJSONObject.members(image) {
                    values[name] =
                        try column(table, name).map { PostgreSQLSideValues.sideValue(text: text, column: $0) }
                        ?? text.map(SideValue.text) ?? .null
                }
                return values
            }
            entries.append(
                Entry(
                    seq: seq, table: table, operation: Change.Operation(rawValue: row[2] ?? "U") ?? .update,
                    key: try values(row[6]), row: try values(row[7]),
                    changed: row[4].map { $0.isEmpty ? [] : $0.components(separatedBy: separator) }, origin: row[3],
                    at: row[5].map(milliseconds(utc:)) ?? 0))
        }
        return entries
    }

    /// The engine's change of `entry`, with `captured` (nil: the table is not captured any more,
    /// so the key and row are in name order). An echo comes without its row, as on SQLite sides:
    /// nothing applies it; a write through Tandem keeps it.
    static func change(_ entry: Entry, captured: Captured?) -> Change {
        let keyNames = captured?.key ?? entry.key.keys.sorted()
        let columns = captured?.columns ?? entry.row.keys.sorted()
        let isEcho = entry.origin != nil && entry.origin?.hasPrefix("write:") != true
        let changed = entry.changed.map { names in
            let set = Set(names)
            return String(columns.map { set.contains($0) ? "1" : "0" })
        }
        return Change(
            seq: entry.seq, table: entry.table, operation: entry.operation,
            key: SQLLiteral.quoteList(keyNames.map { entry.key[$0] ?? .null }),
            row: isEcho || entry.row.isEmpty ? nil : SQLLiteral.quoteList(columns.map { entry.row[$0] ?? .null }),
            at: entry.at, origin: entry.origin, changed: entry.operation == .update ? changed : nil)
    }

    /// ms since the epoch of a UTC time as `TandemPostgreSQL` reads it
    /// (`YYYY-MM-DDTHH:MM:SS[.ffffff]`); 0 when it is not one.
    static func milliseconds(utc text: String) -> Double {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" || $0 == " " })
        guard parts.count >= 6, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let hour = Int(parts[3]), let minute = Int(parts[4]), let second = Double(parts[5].prefix { $0 != "Z" && $0 != "+" })
        else { return 0 }
        // Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return (Double(days * 86_400 + hour * 3_600 + minute * 60) + second) * 1_000
    }
}
