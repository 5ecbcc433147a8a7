import Foundation
import TandemPostgreSQL

/// The PostgreSQL side's ``TargetComparison``: the given rows go into a
/// temporary table made from the target table (so with its column types:
/// values are stored as the target would store them, `'100'` in an integer
/// column is `100`), then joins on the key count and name the differences.
///
/// Equality is the column type's own: a `numeric` keeps the scale it was
/// given, and `10.50` equals `10.5` as the application would read them;
/// text compares byte for byte. A value the target column cannot hold (a
/// NUL byte in text, text that is no number for a numeric column, more
/// decimals than a `numeric(p,s)` keeps) is never stored changed: its
/// column counts as differing, as live sync would refuse to write it, and a
/// row whose key the target cannot hold is missing.
final class PostgreSQLTargetComparison: TargetComparison {
    private let side: PostgreSQLSide
    private let plan: DirectionPlan
    /// The target columns, in the plan's order.
    private let columns: [PostgreSQLColumn]
    private let keyColumns: [PostgreSQLColumn]
    /// Rows whose key the target cannot hold: missing there.
    private var unstorable = 0
    /// Up to five of their keys, for the examples.
    private var unstorableExamples: [String] = []
    private var closed = false

    /// The temporary tables, in the session's own schema.
    private static let rowsTable = "pg_temp._tandem_compare"
    private static let leftOutTable = "pg_temp._tandem_compare_out"
    private static let otherMapsTable = "pg_temp._tandem_compare_other"
    /// The column of the rows table listing the columns whose value the target cannot hold.
    private static let refused = "_tandem_refused"

    /// Creates the temporary tables on `side`, which `plan` targets.
    init(side: PostgreSQLSide, plan: DirectionPlan) throws {
        self.side = side
        self.plan = plan
        let all = try side.columns(of: plan.targetTable, reload: true)
        let columns = try plan.targetColumns.map { name in
            guard let column = all.first(where: { $0.name == name }) else {
                throw SyncError(
                    .configuration,
                    "table \(plan.targetTable) on the \(side.role) side (\(side.location)) has no column \(name); "
                        + "`tandem maps validate` names what the map expects")
            }
            return column
        }
        let keyColumns = plan.targetKey.map { columns[$0] }
        self.columns = columns
        self.keyColumns = keyColumns
        let list = columns.map { PostgreSQLSQL.identifier($0.name) }.joined(separator: ", ")
        let keyList = keyColumns.map { PostgreSQLSQL.identifier($0.name) }.joined(separator: ", ")
        let target = side.name(plan.targetTable)
        for statement in [
            "DROP TABLE IF EXISTS \(Self.rowsTable)",
            "DROP TABLE IF EXISTS \(Self.leftOutTable)",
            "DROP TABLE IF EXISTS \(Self.otherMapsTable)",
            // The target's column types (with a numeric's scale), so values are stored as it would store them.
            "CREATE TEMP TABLE _tandem_compare AS SELECT \(list) FROM \(target) WITH NO DATA",
            "ALTER TABLE \(Self.rowsTable) ADD COLUMN \(Self.refused) text[]",
            "CREATE INDEX ON \(Self.rowsTable) (\(keyList))",
            // The keys of the source rows the filter leaves out, with the key columns' types too.
            "CREATE TEMP TABLE _tandem_compare_out AS SELECT \(keyList) FROM \(target) WITH NO DATA",
            "CREATE INDEX ON \(Self.leftOutTable) (\(keyList))",
            // The keys of the table's rows that belong to other maps.
            "CREATE TEMP TABLE _tandem_compare_other AS SELECT \(keyList) FROM \(target) WITH NO DATA",
            "CREATE INDEX ON \(Self.otherMapsTable) (\(keyList))",
        ] {
            _ = try side.query(statement)
        }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        _ = try? side.query("DROP TABLE IF EXISTS \(Self.rowsTable)")
        _ = try? side.query("DROP TABLE IF EXISTS \(Self.leftOutTable)")
        _ = try? side.query("DROP TABLE IF EXISTS \(Self.otherMapsTable)")
    }

    func add(_ rows: [[SideValue]]) throws {
        var prepared: [[String?]] = []
        for values in rows {
            guard let row = try storable(values) else { continue }
            prepared.append(row)
        }
        try insertRows(prepared)
    }

    func addLeftOut(_ keys: [[SideValue]]) throws {
        try insertKeys(keys, into: Self.leftOutTable)
    }

    func addOtherMaps(_ keys: [[SideValue]]) throws {
        try insertKeys(keys, into: Self.otherMapsTable)
    }

    /// Inserts target keys into one of the key tables.
    private func insertKeys(_ keys: [[SideValue]], into table: String) throws {
        // A key the target cannot hold has no row there to be out of scope.
        let prepared = keys.compactMap { key in
            try? zip(key, keyColumns).map { value, column throws(RowRefused) in
                try PostgreSQLSideValues.parameter(value, column: column, table: plan.targetTable)
            }
        }
        try insert(prepared, into: table, columns: keyColumns)
    }

    /// The parameters of a mapped row, with the list of its columns the
    /// target cannot hold last (their values NULL); nil when its key is one
    /// of them (the row is counted missing then).
    private func storable(_ values: [SideValue]) throws -> [String?]? {
        var parameters: [String?] = []
        var refused: [String] = []
        for (value, column) in zip(values, columns) {
            // NULL is a value like any other here (a nil parameter); only a refusal marks the column.
            let text: String?
            do {
                text = try PostgreSQLSideValues.parameter(value, column: column, table: plan.targetTable)
            } catch {
                text = nil
                refused.append(column.name)
                parameters.append(nil)
                continue
            }
            if Self.fits(text, column) {
                parameters.append(text)
            } else {
                parameters.append(nil)
                refused.append(column.name)
            }
        }
        if refused.contains(where: { name in keyColumns.contains { $0.name == name } }) {
            unstorable += 1
            if unstorableExamples.count < 5 {
                unstorableExamples.append(SQLLiteral.quoteList(plan.targetKey.map { values[$0] }))
            }
            return nil
        }
        parameters.append(refused.isEmpty ? nil : "{" + refused.map(Self.arrayElement).joined(separator: ",") + "}")
        return parameters
    }

    /// Whether a `numeric(p,s)` column keeps every decimal of `text` (the target transaction
    /// refuses more; the temporary table would round them).
    private static func fits(_ text: String?, _ column: PostgreSQLColumn) -> Bool {
        guard let text, let scale = column.numericScale, !PostgreSQLSideValues.isFloat(column) else { return true }
        guard let point = text.firstIndex(of: "."), !text.contains(where: { $0 == "e" || $0 == "E" }) else {
            return true
        }
        let decimals = text[text.index(after: point)...].reversed().drop { $0 == "0" }
        return decimals.count <= scale
    }

    /// Inserts mapped rows; when the server refuses a chunk (a value its column's type does not
    /// read, such as `abc` for an integer), row by row, each value it refuses marked as such.
    private func insertRows(_ rows: [[String?]]) throws {
        let all = columns + [nil]
        do {
            try insert(rows, into: Self.rowsTable, columns: all)
        } catch let error as PostgreSQLError where error.code != .connectionLost {
            for row in rows {
                do {
                    try insert([row], into: Self.rowsTable, columns: all)
                } catch let error as PostgreSQLError where error.code != .connectionLost {
                    var fixed = row
                    var refused: [String] = []
                    for (index, column) in columns.enumerated() {
                        guard let text = row[index] else { continue }
                        do {
                            _ = try side.query("SELECT $1::\(column.typeName)", [text])
                        } catch let error as PostgreSQLError where error.code != .connectionLost {
                            fixed[index] = nil
                            refused.append(column.name)
                        }
                    }
                    if refused.contains(where: { name in keyColumns.contains { $0.name == name } }) {
                        // Its key cannot be a key of the target: missing there.
                        unstorable += 1
                        continue
                    }
                    let earlier = row.last.flatMap { $0 } ?? "{}"
                    let names = refused.map(Self.arrayElement).joined(separator: ",")
                    fixed[fixed.count - 1] = earlier == "{}" ? "{\(names)}" : String(earlier.dropLast()) + ",\(names)}"
                    try insert([fixed], into: Self.rowsTable, columns: all)
                }
            }
        }
    }

    /// An element of a PostgreSQL array literal: quoted, with `"` and `\` escaped.
    private static func arrayElement(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Inserts `rows` into `table` in statements of at most a few thousand parameters.
    private func insert(_ rows: [[String?]], into table: String, columns: [PostgreSQLColumn?]) throws {
        guard !rows.isEmpty else { return }
        let casts = columns.map { $0.map { "::\($0.typeName)" } ?? "::text[]" }
        let perStatement = max(1, 8000 / columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var parameters: [String?] = []
            var tuples: [String] = []
            for row in chunk {
                tuples.append(
                    "(" + casts.indices.map { "$\(parameters.count + $0 + 1)\(casts[$0])" }.joined(separator: ", ")
                        + ")")
                parameters += row
            }
            _ = try side.query("INSERT INTO \(table) VALUES \(tuples.joined(separator: ", "))", parameters)
            start += perStatement
        }
    }

    func finish() throws -> ComparedRows {
        var result = ComparedRows()
        let target = side.name(plan.targetTable)
        func quoted(_ column: PostgreSQLColumn) -> String { PostgreSQLSQL.identifier(column.name) }
        let sameKey = keyColumns.map { "t.\(quoted($0)) = c.\(quoted($0))" }.joined(separator: " AND ")
        let defaults = plan.defaultTargets.subtracting(plan.targetKey)
        let compared = columns.indices.filter { !defaults.contains($0) }
        let decimals = plan.decimalTargets
        let columns = columns
        /// Whether column `position` holds the same value in the target row `t` and the given row `c`.
        func same(_ position: Int) -> String {
            let column = columns[position]
            let name = quoted(column)
            let given = "NOT coalesce(\(PostgreSQLSQL.literal(column.name)) = ANY (c.\(Self.refused)), false)"
            let equal: String
            switch column.typeName {
            // Types without an equality operator compare as their text.
            case "json", "xml", "point":
                equal = "t.\(name)::text IS NOT DISTINCT FROM c.\(name)::text"
            default:
                if decimals.contains(position), column.kind == .text {
                    // Exact decimals kept as text: by value, as the other side may keep fewer trailing zeros.
                    let number = "'^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)\\s*$'"
                    // CASE, not AND: the server may evaluate AND's operands in any order, and the cast fails on words.
                    equal = """
                        (t.\(name) IS NOT DISTINCT FROM c.\(name) OR CASE WHEN t.\(name) ~ \(number) AND c.\(name) ~ \(number)
                        THEN t.\(name)::numeric = c.\(name)::numeric ELSE false END)
                        """
                } else {
                    equal = "t.\(name) IS NOT DISTINCT FROM c.\(name)"
                }
            }
            return "(\(equal) AND \(given))"
        }
        let sameRow = compared.isEmpty ? "true" : compared.map(same).joined(separator: " AND ")
        /// The key of rows of `alias`, read as the side reads values.
        func keyRead(_ alias: String) -> String {
            keyColumns.map { $0.kind.readExpression("\(alias).\(quoted($0))") }.joined(separator: ", ")
        }
        let keyOrder = keyColumns.map { "c.\(quoted($0))" }.joined(separator: ", ")
        let targetKeyOrder = keyColumns.map { "t.\(quoted($0))" }.joined(separator: ", ")
        func keys(_ rows: [[String?]], from offset: Int = 0) -> [String] {
            rows.map { row in
                SQLLiteral.quoteList(
                    zip(row.dropFirst(offset), keyColumns).map { PostgreSQLSideValues.sideValue(text: $0, column: $1) })
            }
        }
        func count(_ from: String, alias: String, order: String, kind: String) throws -> Int {
            result.examples[kind] = keys(try side.query("SELECT \(keyRead(alias)) \(from) ORDER BY \(order) LIMIT 5"))
            return try side.query("SELECT count(*) \(from)").first?[0].flatMap(Int.init) ?? 0
        }
        result.targetRows = try side.query("SELECT count(*) FROM \(target)").first?[0].flatMap(Int.init) ?? 0
        result.equal =
            try side.query(
                "SELECT count(*) FROM \(Self.rowsTable) c WHERE EXISTS (SELECT 1 FROM \(target) t WHERE \(sameKey) AND \(sameRow))"
            ).first?[0].flatMap(Int.init) ?? 0
        let missing = "FROM \(Self.rowsTable) c WHERE NOT EXISTS (SELECT 1 FROM \(target) t WHERE \(sameKey))"
        result.missing = try count(missing, alias: "c", order: keyOrder, kind: "missing")
        // Rows whose key the target cannot hold are missing too.
        result.missing += unstorable
        result.examples["missing"] = Array((result.examples["missing", default: []] + unstorableExamples).prefix(5))
        let joined = "FROM \(Self.rowsTable) c JOIN \(target) t ON \(sameKey) WHERE NOT (\(sameRow))"
        result.differing = try count(joined, alias: "c", order: keyOrder, kind: "differing")
        // Which columns differ, for each example key: one flag per compared column.
        let flags = compared.map { "(\(same($0)))::text" }.joined(separator: ", ")
        let rows = try side.query(
            "SELECT \(keyRead("c")), \(flags) \(joined) ORDER BY \(keyOrder) LIMIT 5")
        for (row, key) in zip(rows, keys(rows)) {
            let flagsRead = row.dropFirst(keyColumns.count)
            result.differingColumns[key] = zip(compared, flagsRead).filter { $0.1 != "true" }.map {
                plan.targetColumns[$0.0]
            }
        }
        let only = "FROM \(target) t WHERE NOT EXISTS (SELECT 1 FROM \(Self.rowsTable) c WHERE \(sameKey))"
        let leftOut = "EXISTS (SELECT 1 FROM \(Self.leftOutTable) c WHERE \(sameKey))"
        let other = "EXISTS (SELECT 1 FROM \(Self.otherMapsTable) c WHERE \(sameKey))"
        result.onlyTarget = try count(
            "\(only) AND NOT \(leftOut) AND NOT \(other)", alias: "t", order: targetKeyOrder, kind: "onlyTarget")
        result.otherMaps =
            try side.query("SELECT count(*) \(only) AND NOT \(leftOut) AND \(other)").first?[0].flatMap(Int.init) ?? 0
        result.outOfScope = try count("\(only) AND \(leftOut)", alias: "t", order: targetKeyOrder, kind: "outOfScope")
        result.examples = result.examples.filter { !$0.value.isEmpty }
        return result
    }
}
