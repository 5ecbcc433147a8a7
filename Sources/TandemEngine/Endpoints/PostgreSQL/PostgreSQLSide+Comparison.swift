import Foundation
import TandemPostgreSQL

/// What `tandem maps compare`, `tandem status` and `tandem maps validate`
/// read of a PostgreSQL side's tables: its rows chunk by chunk in primary
/// key order, the comparison of mapped rows with a target table, and what a
/// map's filter leaves out.
///
/// A filter is judged by ``RowFilter`` (SQLite), exactly as the engine
/// judges each change: the counts run it row by row here over the table
/// read in key order, since raw SQL filters are SQLite's language.
extension PostgreSQLSide {
    func scanRows(
        table: String, columns names: [String], after position: [SideValue]?, limit: Int
    ) throws
        -> [(position: [SideValue], values: [SideValue]?)]
    {
        let all = try columns(of: table, reload: position == nil)
        // The primary key orders the scan: rows made or changed meanwhile do not move the others.
        let key = all.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
        guard !key.isEmpty else {
            throw SyncError(
                .configuration,
                "\(endpoint.config.schema).\(table) on the \(role) side (\(location)) has no primary key; "
                    + "a whole-table read (maps compare, a filter's counts) walks it in key order: add one")
        }
        let selected = try names.map { name in
            guard let column = all.first(where: { $0.name == name }) else {
                throw SyncError(
                    .configuration, "table \(table) on the \(role) side (\(location)) has no column \(name)")
            }
            return column
        }
        let read = (key + selected).map { $0.kind.readExpression(PostgreSQLSQL.identifier($0.name)) }
        let keyList = key.map { PostgreSQLSQL.identifier($0.name) }.joined(separator: ", ")
        var parameters: [String?] = []
        var condition = ""
        if let position {
            // The position is a key this side gave out, so every value of it is one its column holds.
            parameters = try zip(position, key).map { value, column in
                do throws(RowRefused) {
                    return try PostgreSQLSideValues.parameter(value, column: column, table: table)
                } catch {
                    throw SyncError(.configuration, error.message)
                }
            }
            let placeholders = key.enumerated().map { "$\($0.offset + 1)::\($0.element.typeName)" }
            condition = "WHERE (\(keyList)) > (\(placeholders.joined(separator: ", ")))"
        }
        let rows = try query(
            "SELECT \(read.joined(separator: ", ")) FROM \(name(table)) \(condition) ORDER BY \(keyList) LIMIT \(limit)",
            parameters, table: table)
        let described = key + selected
        return rows.map { row in
            let values = zip(row, described).map { PostgreSQLSideValues.sideValue(text: $0, column: $1) }
            return (Array(values.prefix(key.count)), Array(values.dropFirst(key.count)))
        }
    }

    func beginComparison(_ plan: DirectionPlan) throws -> any TargetComparison {
        try PostgreSQLTargetComparison(side: self, plan: plan)
    }

    func readOnlyTarget<T>(_ body: (any TargetTransaction) throws -> T) throws -> T {
        try withSession { session in
            // READ ONLY: the server refuses any write; the ROLLBACK ends it whatever happened.
            _ = try query(session, "BEGIN READ ONLY")
            defer { _ = try? query(session, "ROLLBACK") }
            return try body(PostgreSQLTargetTransaction(side: self, session: session))
        }
    }

    // MARK: Filters

    func rowsOutside(filter: MapFilter, table: String) throws -> Int {
        var count = 0
        try eachRowLeftOut(by: filter, table: table) { _, _ in count += 1 }
        return count
    }

    func filterMisses(filter: MapFilter, table: String) throws -> FilterMisses {
        let columns = try columnTypes(of: table).map(\.name)
        let (names, literals) = try SideDatabase.namesAndLiterals(filter, columns: columns, context: "\(table) on the \(role) side")
        // The table's columns the filter reads; RowFilter (SQLite) matches names without regard to case.
        var read: [String] = []
        for name in names {
            if let column = columns.first(where: { $0.lowercased() == name.lowercased() }), !read.contains(column) {
                read.append(column)
            }
        }
        var nulls = [Int](repeating: 0, count: read.count)
        // Per column and literal, how many left-out rows hold each near value.
        var near: [Int: [String: [String: Int]]] = [:]
        let sortedLiterals = Set(literals).sorted()
        /// SQLite's `lower(trim(x))`: ASCII letters only, spaces only.
        func folded(_ text: String) -> String {
            let lowered = String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
            return lowered.trimmingCharacters(in: CharacterSet(charactersIn: " "))
        }
        let positions = read.map { column in columns.firstIndex(of: column)! }
        try eachRowLeftOut(by: filter, table: table) { values, _ in
            for (index, position) in positions.enumerated() {
                switch values[position] {
                case .null: nulls[index] += 1
                case .text(let text):
                    for literal in sortedLiterals where text != literal && folded(text) == folded(literal) {
                        near[index, default: [:]][literal, default: [:]][text, default: 0] += 1
                    }
                default: break
                }
            }
        }
        var result = FilterMisses()
        for (index, column) in read.enumerated() {
            // A filter that tests the column for NULL itself means to leave those rows out: no warning.
            result.nulls.append((column, SideDatabase.testsNull(column, in: filter, words: names, columns: columns) ? 0 : nulls[index]))
            for literal in sortedLiterals {
                // As on SQLite sides: the five most frequent values per column and literal.
                let values = (near[index]?[literal] ?? [:]).sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
                for (value, rows) in values {
                    result.nearMisses.append(
                        FilterMisses.NearMiss(column: column, value: value, literal: literal, rows: rows))
                }
            }
        }
        result.nearMisses.sort { $0.rows > $1.rows }
        return result
    }

    /// Calls `body` with the values (all of `table`'s columns, in table
    /// order) of each row that `filter` leaves out: false or NULL, as
    /// ``RowFilter`` judges a change.
    private func eachRowLeftOut(
        by filter: MapFilter, table: String, _ body: ([SideValue], [SideValue]) throws -> Void
    )
        throws
    {
        let columns = try columnTypes(of: table).map(\.name)
        let rowFilter = try RowFilter(
            filter: filter, columns: columns, context: "\(endpoint.config.schema).\(table) on the \(role) side")
        var position: [SideValue]?
        while true {
            let rows = try scanRows(table: table, columns: columns, after: position, limit: 5000)
            guard let last = rows.last else { return }
            position = last.position
            for row in rows {
                guard let values = row.values else { continue }
                if try !rowFilter.passes(values) { try body(values, row.position) }
            }
        }
    }
}
