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
    }

    /// Where a run logs its own echoes (``statement(_:target:columns:logged:)``).
    struct Logged {
        /// The table as the change log names it (`tbl`).
        let table: String
        /// The change log, qualified.
        let log: String
        /// The table's primary key, in key order: the key image the capture trigger would log.
        let keyColumns: [PostgreSQLColumn]
    }

    /// The rows not sent yet, in the batch's order.
    private(set) var rows: [Row] = []

    /// The origin of a write a run made but did not log itself: a row an application's trigger
    /// wrote in another table (the capture triggers log it under the transaction's
    /// `tandem.origin`, which is this during a run), or a row whose key the run cannot match (an
    /// application's trigger changed it). An echo all the same: never sent back.
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
    ///
    /// Two types mean one character or one bit without their modifier, and an explicit cast to
    /// them cuts the value to that (`'usmf'::character` is `'u'`): `character(n)` is cast to
    /// `bpchar` and `bit(n)` to `bit varying`, which keep every character and bit, and the
    /// column's length is then checked on the insert, as for any other type.
    static func castType(_ column: PostgreSQLColumn) -> String {
        let base = withoutModifiers(column.typeName)
        // An array keeps its element's rule.
        let element = base.hasSuffix("[]") ? String(base.dropLast(2)) : base
        let suffix = base.hasSuffix("[]") ? "[]" : ""
        switch element {
        case "character": return "bpchar" + suffix
        case "bit": return "bit varying" + suffix
        default: return base
        }
    }

    /// `type` without its modifiers: each `(n)` or `(n, m)` of digits removed. By hand, not by a
    /// regular expression: every statement casts its parameters, and the expression (Foundation's
    /// `NSRegularExpression`, built on each call) was 3.5 % of a write-through's CPU.
    static func withoutModifiers(_ type: String) -> String {
        guard type.utf8.contains(UInt8(ascii: "(")) else { return type }
        var result = ""
        var rest = Substring(type)
        while let open = rest.firstIndex(of: "(") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: ")"), Self.isModifier(after[..<close]) else {
                result.append("(")
                rest = after
                continue
            }
            rest = after[after.index(after: close)...]
        }
        return result + rest
    }

    /// Whether `inside` (what stands between a pair of parentheses) is `n` or `n, m` in digits.
    private static func isModifier(_ inside: Substring) -> Bool {
        let digit = { (character: Character) in character >= "0" && character <= "9" }
        let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let first = parts.first, !first.isEmpty,
            first.allSatisfy(digit)
        else { return false }
        guard parts.count == 2 else { return true }
        let second = parts[1].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return !second.isEmpty && second.allSatisfy(digit)
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
    ///
    /// With `logged` (the table is captured), the statement also logs the echo of each row it
    /// wrote, with the row's own origin, in the same statement: the rows it inserted, updated or
    /// deleted come back through `RETURNING`, are matched to their source rows by key, and go
    /// into the change log with their key image (as the capture trigger builds it) and no row
    /// image (nothing applies an echo). The caller sets ``PostgreSQLCapture/loggedSetting``
    /// around it, so that the trigger records nothing for these rows. Before, the trigger logged
    /// every echo under one marker and a second statement gave each its origin: every echo was
    /// written twice, which cost 40 % of the apply's server time (docs/BENCHMARKS.md).
    static func statement(
        _ run: Run, target: String, columns: [String: PostgreSQLColumn], logged: Logged? = nil
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
        var list = (1...names.count).map { "v\($0)" }.joined(separator: ", ")
        var arrays = (1...names.count).map { "$\($0)::text[]" }
        var parameters = Self.arrays(run, count: names.count) { row, index in row.values[index] }
        if logged != nil {
            // Each row's origin travels beside its values.
            list += ", tandem_origin"
            arrays.append("$\(names.count + 1)::text[]")
            parameters.append(arrayLiteral(run.rows.map(\.origin)))
        }
        let unnest = "unnest(" + arrays.joined(separator: ", ") + ")"
        let keys = logged?.keyColumns ?? []
        let returning = keys.enumerated().map { "t.\(PostgreSQLSQL.identifier($0.element.name)) AS tandem_k\($0.offset + 1)" }
        /// The change log's key image of a row `w` returned, as the capture trigger builds it from `NEW`/`OLD`.
        func image() -> String {
            stride(from: 0, to: keys.count, by: 50).map { start -> String in
                let pairs = (start..<min(start + 50, keys.count)).map { index in
                    PostgreSQLSQL.literal(keys[index].name) + ", " + keys[index].kind.captureExpression("w.tandem_k\(index + 1)")
                }
                return "jsonb_build_object(" + pairs.joined(separator: ", ") + ")"
            }.joined(separator: " || ")
        }
        if first.delete {
            let condition = try names.enumerated().map { position, name in
                "t.\(PostgreSQLSQL.identifier(name)) = \(try cast(name, position + 1))"
            }.joined(separator: " AND ")
            guard let logged else {
                return ("DELETE FROM \(target) AS t USING \(unnest) AS u(\(list)) WHERE \(condition)", parameters)
            }
            let sql = """
                WITH w AS (
                    DELETE FROM \(target) AS t USING \(unnest) WITH ORDINALITY AS u(\(list), tandem_row) WHERE \(condition)
                    RETURNING \(returning.joined(separator: ", ")), u.tandem_origin, u.tandem_row)
                INSERT INTO \(logged.log) (tbl, op, key, origin)
                SELECT \(PostgreSQLSQL.literal(logged.table)), 'D', \(image()), COALESCE(w.tandem_origin, \(PostgreSQLSQL.literal(pendingOrigin)))
                FROM w ORDER BY w.tandem_row
                """
            return (sql, parameters)
        }
        let selected = try names.enumerated().map { try cast($0.element, $0.offset + 1) }.joined(separator: ", ")
        let action =
            first.update.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET "
                + first.update.map { "\(PostgreSQLSQL.identifier($0)) = EXCLUDED.\(PostgreSQLSQL.identifier($0))" }
                .joined(separator: ", ")
        let conflict = first.keyNames.map(PostgreSQLSQL.identifier).joined(separator: ", ")
        let insert = "INSERT INTO \(target) AS t (\(names.map(PostgreSQLSQL.identifier).joined(separator: ", ")))"
        guard let logged else {
            let sql = """
                \(insert)
                SELECT \(selected) FROM \(unnest) WITH ORDINALITY AS u(\(list), tandem_row) ORDER BY tandem_row
                ON CONFLICT (\(conflict)) \(action)
                """
            return (sql, parameters)
        }
        // An insert's RETURNING cannot name the rows it selected from: each row written is matched
        // to its source row by the key as stored. A row not matched (an application's trigger
        // changed its key) keeps the marker, still an echo.
        let match = try keys.enumerated().map { index, column -> String in
            guard let position = names.firstIndex(of: column.name) else {
                throw SyncError(.missingTable, "key column \(column.name) of \(target) is not written by the map; fix the map")
            }
            return "w.tandem_k\(index + 1) = \(try cast(column.name, position + 1))"
        }.joined(separator: " AND ")
        let sql = """
            WITH u AS (SELECT * FROM \(unnest) WITH ORDINALITY AS u(\(list), tandem_row)),
            w AS (
                \(insert)
                SELECT \(selected) FROM u ORDER BY tandem_row
                ON CONFLICT (\(conflict)) \(action)
                RETURNING \(returning.joined(separator: ", ")), (t.xmax = 0) AS tandem_inserted)
            INSERT INTO \(logged.log) (tbl, op, key, origin)
            SELECT \(PostgreSQLSQL.literal(logged.table)), CASE WHEN w.tandem_inserted THEN 'I' ELSE 'U' END, \(image()),
                COALESCE(u.tandem_origin, \(PostgreSQLSQL.literal(pendingOrigin)))
            FROM w LEFT JOIN u ON \(match) ORDER BY u.tandem_row
            """
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
