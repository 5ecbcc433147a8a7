import Foundation
import TandemPostgreSQL

/// The rows a batch into a PostgreSQL side has written but not yet sent, and
/// the multi-row statements that send them (see docs/ENDPOINTS.md, "Applying
/// into a PostgreSQL side").
///
/// One statement per run of rows with the same table, operation and
/// columns: `INSERT … SELECT FROM unnest($1::text[], …) ON CONFLICT … DO
/// UPDATE` or `DELETE … USING unnest(…)`. One statement a row cost a server
/// round trip each (about 1 ms a row, measured); one a run costs one for
/// all of them. A run ends where a key comes again (`ON CONFLICT DO UPDATE`
/// cannot touch a row twice, and the later change must land after the
/// earlier), so each key's changes keep their order, and runs keep the
/// batch's order between tables (a parent written before its child).
///
/// Values travel as `text[]` arrays, each element cast to its column's type
/// without the type modifier: the cast parses the text as an untyped
/// parameter is parsed, and the modifier is then checked as on any insert
/// (`varchar(2)` refuses a longer text rather than cutting it, which an
/// explicit cast to `varchar(2)` would do).
struct PostgreSQLBulkWrites {
    /// One row written.
    struct Row {
        /// The table written.
        let table: String
        /// Whether the row is deleted (else inserted or updated by key).
        let delete: Bool
        /// The columns given (every target column, or the key for a delete).
        let columns: [String]
        /// Their parameter texts.
        let values: [String?]
        /// The key columns, in the map's order.
        let keyNames: [String]
        /// The key's parameter texts.
        let key: [String?]
        /// The non-key columns an insert that meets the row updates.
        let update: [String]
        /// The source change the row applies: its `tandem.origin`.
        let origin: String
    }

    /// One multi-row statement's rows.
    struct Run {
        let rows: [Row]
        /// Whether the rows apply different source changes: their echoes are logged with a
        /// marker, then given each row's own origin (``originFixUp(_:columns:schema:bound:)``).
        var mixedOrigins: Bool { rows.contains { $0.origin != rows[0].origin } }
    }

    /// The rows not sent yet, in the batch's order.
    private(set) var rows: [Row] = []

    /// The origin the capture triggers log a run of mixed origins with, until each log row is
    /// given its own (in the same transaction: no committed change ever has it).
    static let pendingOrigin = "tandem:bulk"

    /// Whether no row waits.
    var isEmpty: Bool { rows.isEmpty }

    /// Whether a row of `table` waits (a read of `table` must see it).
    func touches(_ table: String) -> Bool { rows.contains { $0.table == table } }

    /// Adds a row after the others.
    mutating func append(_ row: Row) { rows.append(row) }

    /// The waiting rows as runs, in order; none wait afterwards.
    mutating func takeRuns() -> [Run] {
        var runs: [Run] = []
        var current: [Row] = []
        var keys = Set<[String?]>()
        for row in rows {
            if let first = current.first,
                first.table != row.table || first.delete != row.delete || first.columns != row.columns
                    || first.update != row.update || keys.contains(row.key)
            {
                runs.append(Run(rows: current))
                current = []
                keys = []
            }
            current.append(row)
            keys.insert(row.key)
        }
        if !current.isEmpty { runs.append(Run(rows: current)) }
        rows = []
        return runs
    }

    /// The type `column` is cast to from text: its type without the modifier (`numeric(12,2)` →
    /// `numeric`, `timestamp(3) without time zone` → `timestamp without time zone`).
    static func castType(_ column: PostgreSQLColumn) -> String {
        column.typeName.replacingOccurrences(of: #"\(\d+(,\s*\d+)?\)"#, with: "", options: .regularExpression)
    }

    /// A `text[]` literal of `items`, NULL elements as NULL.
    static func arrayLiteral(_ items: [String?]) -> String {
        var out = "{"
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            guard let item else {
                out += "NULL"
                continue
            }
            out += "\""
            for scalar in item.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }

    /// The column arrays of `run` as parameters: one `text[]` per column of `names`, taken from
    /// each row by `value`.
    private static func arrays(_ run: Run, count: Int, _ value: (Row, Int) -> String?) -> [String?] {
        (0..<count).map { index in arrayLiteral(run.rows.map { value($0, index) }) }
    }

    /// The statement that writes `run` into `target` (qualified), with its parameters; `columns`
    /// describes the table.
    static func statement(
        _ run: Run, target: String, columns: [String: PostgreSQLColumn]
    ) throws
        -> (sql: String, parameters: [String?])
    {
        let first = run.rows[0]
        func cast(_ name: String, _ position: Int) throws -> String {
            guard let column = columns[name] else {
                throw SyncError(.missingTable, "column \(name) is not in \(target); add it, or fix the map")
            }
            return "u.v\(position)::\(castType(column))"
        }
        let names = first.columns
        let list = (1...names.count).map { "v\($0)" }.joined(separator: ", ")
        let unnest = "unnest(" + (1...names.count).map { "$\($0)::text[]" }.joined(separator: ", ") + ")"
        let parameters = arrays(run, count: names.count) { row, index in row.values[index] }
        if first.delete {
            let condition = try names.enumerated().map { position, name in
                "t.\(PostgreSQLSQL.identifier(name)) = \(try cast(name, position + 1))"
            }.joined(separator: " AND ")
            return ("DELETE FROM \(target) AS t USING \(unnest) AS u(\(list)) WHERE \(condition)", parameters)
        }
        let selected = try names.enumerated().map { try cast($0.element, $0.offset + 1) }.joined(separator: ", ")
        let action =
            first.update.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET "
                + first.update.map { "\(PostgreSQLSQL.identifier($0)) = EXCLUDED.\(PostgreSQLSQL.identifier($0))" }
                .joined(separator: ", ")
        let sql = """
            INSERT INTO \(target) (\(names.map(PostgreSQLSQL.identifier).joined(separator: ", ")))
            SELECT \(selected) FROM \(unnest) WITH ORDINALITY AS u(\(list), tandem_row) ORDER BY tandem_row
            ON CONFLICT (\(first.keyNames.map(PostgreSQLSQL.identifier).joined(separator: ", "))) \(action)
            """
        return (sql, parameters)
    }

    /// The statement that gives each log row `run` wrote (origin ``pendingOrigin``, above
    /// `bound`) its own row's origin, matched by the key image the capture trigger logged; it
    /// returns how many it changed and the log sequence's last value. It goes out in one pipeline
    /// with the run's statement, so the next run's fix-up uses the same bound (a row an earlier
    /// run wrote has its own origin by then, and no fix-up meets it again).
    /// `keyColumns`: the table's primary key as capture logs it.
    static func originFixUp(
        _ run: Run, keyColumns: [PostgreSQLColumn], log: String, sequence: String, bound: Int64
    ) -> (sql: String, parameters: [String?]) {
        let first = run.rows[0]
        // The key image as the trigger builds it: the same expressions over the same typed values
        // (cast with the modifier: the value stored went through it).
        func pair(_ column: PostgreSQLColumn) -> String {
            let position: Int = (first.keyNames.firstIndex(of: column.name) ?? 0) + 1
            let value: String = "u.v\(position)::\(column.typeName)"
            return PostgreSQLSQL.literal(column.name) + ", " + column.kind.captureExpression(value)
        }
        let image = stride(from: 0, to: keyColumns.count, by: 50).map { start -> String in
            let pairs: [String] = keyColumns[start..<min(start + 50, keyColumns.count)].map(pair)
            return "jsonb_build_object(" + pairs.joined(separator: ", ") + ")"
        }.joined(separator: " || ")
        let count = first.keyNames.count
        let list = (1...count).map { "v\($0)" }.joined(separator: ", ")
        let unnest = "unnest(" + (1...count + 1).map { "$\($0 + 3)::text[]" }.joined(separator: ", ") + ")"
        // A look-up object (key image's text → origin) built once, not a join: on a log the planner
        // has no statistics for yet (a side's first minutes), a join was planned as a nested loop
        // over the log, whose cost grew with the backlog (measured: a 50,000-change drain at a
        // fifth of a 10,000-change one's rate). A row it does not name keeps the marker.
        let sql = """
            WITH fixed AS (
                UPDATE \(log) AS c SET origin = COALESCE((
                    SELECT jsonb_object_agg((\(image))::text, u.origin) FROM \(unnest) AS u(\(list), origin)
                ) ->> (c.key::text), c.origin)
                WHERE c.seq > $1 AND c.tbl = $2 AND c.origin = $3
                RETURNING 1)
            SELECT count(*), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM \(sequence)) FROM fixed
            """
        let parameters: [String?] =
            [String(bound), first.table, pendingOrigin] + arrays(run, count: count) { row, index in row.key[index] }
            + [arrayLiteral(run.rows.map(\.origin))]
        return (sql, parameters)
    }

    /// A multi-row statement of a batch was refused for one of its rows: the
    /// batch is rolled back to its start and written again row by row, so that
    /// only the refused row is parked, with the database's reason (see
    /// ``PostgreSQLSide/applyBatch(_:checkpoints:fastPath:logger:_:)``).
    struct Refused: Error {
        /// The database's words (for the log; the row-by-row run parks with its own).
        let message: String
    }
}
