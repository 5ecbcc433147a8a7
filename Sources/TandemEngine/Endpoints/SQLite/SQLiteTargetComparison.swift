import Foundation
import GRDB
import TandemArrow

/// The SQLite side's ``TargetComparison``: the given rows go into a
/// temporary table created from the target table (so with its column
/// affinities: values are stored as the target would store them), then
/// joins on the key count and name the differences.
final class SQLiteTargetComparison: TargetComparison {
    private let side: SideDatabase
    private let plan: DirectionPlan
    private let columns: [String]
    private let keyColumns: [String]
    private let targetTable: String
    private var closed = false

    /// Creates the temporary table on `side`, which `plan` targets.
    init(side: SideDatabase, plan: DirectionPlan) throws {
        self.side = side
        self.plan = plan
        let columns = plan.targetColumns.map(CaptureSchema.identifier)
        let keyColumns = plan.targetKey.map { columns[$0] }
        let targetTable = CaptureSchema.identifier(plan.targetTable)
        self.columns = columns
        self.keyColumns = keyColumns
        self.targetTable = targetTable
        try side.queue.inDatabase { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp._tandem_compare")
            // The target's column affinities, so that values compare as the target would store them.
            try db.execute(
                sql: "CREATE TEMP TABLE _tandem_compare AS SELECT \(columns.joined(separator: ", ")) FROM main.\(targetTable) WHERE 0"
            )
            try db.execute(
                sql: "CREATE INDEX temp._tandem_compare_key ON _tandem_compare (\(keyColumns.joined(separator: ", ")))")
            // The keys of the source rows the filter leaves out (`_out`), and of the table's rows
            // that belong to other maps (`_other`), with the key columns' affinities too.
            for table in ["_tandem_compare_out", "_tandem_compare_other"] {
                try db.execute(sql: "DROP TABLE IF EXISTS temp.\(table)")
                try db.execute(
                    sql: "CREATE TEMP TABLE \(table) AS SELECT \(keyColumns.joined(separator: ", ")) FROM main.\(targetTable) WHERE 0")
                try db.execute(sql: "CREATE INDEX temp.\(table)_key ON \(table) (\(keyColumns.joined(separator: ", ")))")
            }
        }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        try? side.queue.inDatabase { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp._tandem_compare")
            try db.execute(sql: "DROP TABLE IF EXISTS temp._tandem_compare_out")
            try db.execute(sql: "DROP TABLE IF EXISTS temp._tandem_compare_other")
        }
    }

    func add(_ rows: [[SideValue]]) throws {
        let insert = "INSERT INTO temp._tandem_compare VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        try side.queue.inDatabase { db in
            // Through the C API: GRDB binds text up to its first NUL.
            let statement = try RawStatement(sql: insert, db)
            for values in rows {
                statement.bind(values)
                try statement.execute()
            }
        }
    }

    func addLeftOut(_ keys: [[SideValue]]) throws {
        try insertKeys(keys, into: "temp._tandem_compare_out")
    }

    func addOtherMaps(_ keys: [[SideValue]]) throws {
        try insertKeys(keys, into: "temp._tandem_compare_other")
    }

    /// Inserts target keys into one of the key tables.
    private func insertKeys(_ keys: [[SideValue]], into table: String) throws {
        let insert = "INSERT INTO \(table) VALUES (\(keyColumns.map { _ in "?" }.joined(separator: ", ")))"
        try side.queue.inDatabase { db in
            // Through the C API: GRDB binds text up to its first NUL.
            let statement = try RawStatement(sql: insert, db)
            for key in keys {
                statement.bind(key)
                try statement.execute()
            }
        }
    }

    func finish() throws -> ComparedRows {
        var result = ComparedRows()
        let sameKey = keyColumns.map { "t.\($0) IS c.\($0)" }.joined(separator: " AND ")
        // Exact decimals compare by value: the other side may keep fewer trailing zeros.
        let decimals = plan.decimalTargets
        let defaults = plan.defaultTargets.subtracting(plan.targetKey)
        let compared = columns.indices.filter { !defaults.contains($0) }
        let columns = columns
        // `IS` compares text byte for byte (NULs included) but calls 1 and 1.0 equal: the storage class must match too.
        func same(_ position: Int) -> String {
            let column = columns[position]
            return decimals.contains(position)
                ? "tandem_decimal(t.\(column)) IS tandem_decimal(c.\(column))"
                : "(t.\(column) IS c.\(column) AND typeof(t.\(column)) = typeof(c.\(column)))"
        }
        let sameRow = compared.isEmpty ? "1" : compared.map(same).joined(separator: " AND ")
        let keyText = CaptureSchema.quoteList("c", plan.targetKey.map { plan.targetColumns[$0] })
        let targetKeyText = CaptureSchema.quoteList("t", plan.targetKey.map { plan.targetColumns[$0] })
        let targetTable = targetTable
        try side.queue.inDatabase { db in
            db.add(function: Self.decimalFunction)
            defer { db.remove(function: Self.decimalFunction) }
            result.targetRows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM main.\(targetTable)") ?? 0
            func count(_ from: String, example key: String, kind: String) throws -> Int {
                // As bytes: keys that are not valid UTF-8 show as `TX'..'` rather than repaired.
                result.examples[kind] = try Data.fetchAll(db, sql: "SELECT CAST(\(key) AS BLOB) \(from) LIMIT 5").map(
                    SQLLiteral.normalized)
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)") ?? 0
            }
            let equal = "FROM temp._tandem_compare c WHERE EXISTS (SELECT 1 FROM main.\(targetTable) t WHERE \(sameRow))"
            result.equal = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(equal)") ?? 0
            let missing =
                "FROM temp._tandem_compare c WHERE NOT EXISTS (SELECT 1 FROM main.\(targetTable) t WHERE \(sameKey))"
            result.missing = try count(missing, example: keyText, kind: "missing")
            let differing = """
                FROM temp._tandem_compare c WHERE EXISTS (SELECT 1 FROM main.\(targetTable) t WHERE \(sameKey))
                AND NOT EXISTS (SELECT 1 FROM main.\(targetTable) t WHERE \(sameRow))
                """
            result.differing = try count(differing, example: keyText, kind: "differing")
            // Which columns differ, for each example key: one 0/1 per compared column. These rows
            // are the examples, so that every example key has its columns.
            let flags = compared.map { "(\(same($0)))" }.joined(separator: ", ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT CAST(\(keyText) AS BLOB), \(flags) FROM temp._tandem_compare c JOIN main.\(targetTable) t ON \(sameKey)
                    WHERE NOT (\(sameRow)) LIMIT 5
                    """)
            if !rows.isEmpty { result.examples["differing"] = [] }
            for row in rows {
                let key = SQLLiteral.normalized(row[0] as Data? ?? Data())
                if result.examples["differing"]?.contains(key) == false { result.examples["differing"]?.append(key) }
                let names = compared.enumerated().filter { (row[$0.offset + 1] as Int64?) != 1 }.map {
                    plan.targetColumns[$0.element]
                }
                result.differingColumns[key] = names
            }
            let only =
                "FROM main.\(targetTable) t WHERE NOT EXISTS (SELECT 1 FROM temp._tandem_compare c WHERE \(sameKey))"
            let leftOut = "EXISTS (SELECT 1 FROM temp._tandem_compare_out c WHERE \(sameKey))"
            let other = "EXISTS (SELECT 1 FROM temp._tandem_compare_other c WHERE \(sameKey))"
            result.onlyTarget = try count(
                "\(only) AND NOT \(leftOut) AND NOT \(other)", example: targetKeyText, kind: "onlyTarget")
            result.otherMaps = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(only) AND NOT \(leftOut) AND \(other)") ?? 0
            result.outOfScope = try count("\(only) AND \(leftOut)", example: targetKeyText, kind: "outOfScope")
        }
        result.examples = result.examples.filter { !$0.value.isEmpty }
        return result
    }

    /// `tandem_decimal(x)`: decimal text in its shortest form (`2500.00` → `2500`); anything else unchanged.
    private static let decimalFunction = DatabaseFunction("tandem_decimal", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let number = ExactDecimal(text) else { return values[0] }
        return number.normalized.description
    }
}
