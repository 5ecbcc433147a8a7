import Foundation
import GRDB
import TandemArrow

/// Whether a map's two tables are in step, checked row by row: every source
/// row the map carries (every rowid, negative and zero included) is mapped
/// (filters and transforms included) and compared, column by column, with
/// the target row of the same key, with the target column's own type rules
/// (a temporary table with the target's column affinities does the
/// comparison in SQLite, so `'100'` in an INTEGER column equals `100`, as the
/// application would read it, and as live sync would store it). Beyond that
/// the comparison is byte for byte: text with its NULs, and the storage
/// class (an integer `1` differs from a text `'1'` where the target column's
/// affinity keeps them apart). Columns a `default` fills are not compared:
/// the value is the map's, not the source row's.
extension SyncEngine {
    /// The outcome of ``compare(map:)``.
    package struct MapComparison: Sendable, Encodable {
        /// The map.
        package var map: String
        /// The direction compared (ERP to CRM when the map syncs that way).
        package var direction: SyncDirection
        /// Rows in each side's table (all of them, filters aside).
        package var sourceRows: Int
        package var targetRows: Int
        /// Source rows the map carries (passing its filter).
        package var carried: Int
        /// Carried rows the target has with the same values.
        package var equal: Int
        /// Carried rows the target has with other values.
        package var differing: Int
        /// Carried rows the target does not have.
        package var missing: Int
        /// Target rows whose key no carried source row has.
        package var onlyTarget: Int
        /// Source rows the map cannot map (a transform or value error; they are in the error list when synced).
        package var unmappable: Int
        /// Up to five keys of each kind of difference, as the target stores them.
        package var examples: [String: [String]]
        /// For each example key of `differing`, the target columns whose values differ.
        package var differingColumns: [String: [String]] = [:]

        /// Whether both tables hold the same rows.
        package var inStep: Bool { differing == 0 && missing == 0 && onlyTarget == 0 && unmappable == 0 }

        private enum CodingKeys: String, CodingKey {
            case map, direction, sourceRows, targetRows, carried, equal, differing, missing, onlyTarget, unmappable,
                examples, differingColumns
            case inStep
        }

        /// Encodes the counts and ``inStep``, so that scripts need not recompute it.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(map, forKey: .map)
            try container.encode(direction, forKey: .direction)
            try container.encode(sourceRows, forKey: .sourceRows)
            try container.encode(targetRows, forKey: .targetRows)
            try container.encode(carried, forKey: .carried)
            try container.encode(equal, forKey: .equal)
            try container.encode(differing, forKey: .differing)
            try container.encode(missing, forKey: .missing)
            try container.encode(onlyTarget, forKey: .onlyTarget)
            try container.encode(unmappable, forKey: .unmappable)
            try container.encode(examples, forKey: .examples)
            try container.encode(differingColumns, forKey: .differingColumns)
            try container.encode(inStep, forKey: .inStep)
        }
    }

    /// Compares `map`'s tables on both sides now. Reads only; run it while
    /// the engine is between batches (or stopped) for a stable answer.
    package func compare(map name: String) throws -> MapComparison {
        guard let byDirection = plans[name], !byDirection.isEmpty else {
            throw SyncError(.configuration, "map '\(name)' is not enabled in this environment")
        }
        let direction: SyncDirection = byDirection[.erpToCrm] != nil ? .erpToCrm : .crmToErp
        let plan = byDirection[direction]!
        let source = sides[direction.source]!
        let target = sides[direction.target]!
        let sourceTable = CaptureSchema.identifier(plan.sourceTable)
        let targetTable = CaptureSchema.identifier(plan.targetTable)
        var result = MapComparison(
            map: name, direction: direction, sourceRows: 0, targetRows: 0, carried: 0, equal: 0, differing: 0, missing: 0, onlyTarget: 0,
            unmappable: 0, examples: [:])
        let columns = plan.targetColumns.map(CaptureSchema.identifier)
        let keyColumns = plan.targetKey.map { columns[$0] }
        try target.queue.inDatabase { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp._tandem_compare")
            // The target's column affinities, so that values compare as the target would store them.
            try db.execute(sql: "CREATE TEMP TABLE _tandem_compare AS SELECT \(columns.joined(separator: ", ")) FROM main.\(targetTable) WHERE 0")
            try db.execute(sql: "CREATE INDEX temp._tandem_compare_key ON _tandem_compare (\(keyColumns.joined(separator: ", ")))")
        }
        defer { try? target.queue.inDatabase { db in try db.execute(sql: "DROP TABLE IF EXISTS temp._tandem_compare") } }
        let insert = "INSERT INTO temp._tandem_compare VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        // Every rowid, from the lowest: rowids (and INTEGER PRIMARY KEY keys) may be zero or negative.
        var lastRowID: Int64?
        let chunk = 5000
        let select = "SELECT rowid, \(CaptureSchema.quoteList(nil, plan.sourceColumns)) FROM \(sourceTable)"
        while true {
            // Through the C API: read as bytes (NULs and text that is not valid UTF-8 as they are).
            let rows = try source.queue.read { db in
                let statement = try RawStatement(
                    sql: "\(select) \(lastRowID == nil ? "" : "WHERE rowid > ?1") ORDER BY rowid LIMIT \(chunk)", db)
                if let lastRowID { statement.bind(.integer(lastRowID), at: 1) }
                defer { statement.reset() }
                var rows: [(rowid: Int64, literals: String)] = []
                while try statement.step() { rows.append((statement.int64(0), statement.literals(1) ?? "")) }
                return rows
            }
            guard let last = rows.last else { break }
            lastRowID = last.rowid
            result.sourceRows += rows.count
            var decoded: [[SideValue]] = []
            for row in rows {
                guard let values = try? SQLLiteral.parseList(row.literals, names: plan.sourceColumns) else {
                    result.unmappable += 1
                    continue
                }
                if let filter = plan.filter, (try? filter.passes(values)) != true { continue }
                decoded.append(values)
            }
            result.carried += decoded.count
            let mapped = plan.mapRows(decoded)
            try target.queue.inDatabase { db in
                // Through the C API: GRDB binds text up to its first NUL.
                let statement = try RawStatement(sql: insert, db)
                for outcome in mapped {
                    guard case .success(let values) = outcome else {
                        result.unmappable += 1
                        continue
                    }
                    statement.bind(values)
                    try statement.execute()
                }
            }
        }
        let sameKey = keyColumns.map { "t.\($0) IS c.\($0)" }.joined(separator: " AND ")
        // Exact decimals compare by value: the other side may keep fewer trailing zeros.
        let decimals = plan.decimalTargets
        let defaults = plan.defaultTargets.subtracting(plan.targetKey)
        let compared = columns.indices.filter { !defaults.contains($0) }
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
        try target.queue.inDatabase { db in
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
            result.onlyTarget = try count(only, example: targetKeyText, kind: "onlyTarget")
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
