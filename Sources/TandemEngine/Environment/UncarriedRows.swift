import TandemDocuments

/// The rows of a map's master table that live sync will not carry to the
/// other side, so that `tandem maps run` offers initial sync only when it is
/// needed.
///
/// Capture is installed by `tandem init`, and a map that never ran reads its
/// side's change log from the start: rows written after `init` are changes
/// that live sync carries. Counting every row of the table told a user who
/// loaded data after `init` that live sync "does not carry" rows it went on
/// to carry. The rows it does not carry are those with no change in the log
/// (they predate capture, or the log was pruned), that the map's filter lets
/// through (initial sync leaves the others out too), and whose key the other
/// side does not have already.
///
/// Read through the endpoint interface, so that a PostgreSQL side is counted
/// as a SQLite one is: the change log's keys, then the master table in key
/// order with the filter evaluated row by row (``RowFilter``, as a server
/// side's status counts), then the other side's keys. It reads the whole
/// table and change log, once, when `maps run` starts a map that never ran.
enum UncarriedRows {
    /// Rows read a query.
    static let chunk = 5000

    /// How many rows of `map`'s table on `master` live sync will not carry to `other`.
    static func count(
        _ map: ResolvedMap, master role: SideRole, master: any SideEndpoint, other: any SideEndpoint
    ) throws -> Int {
        let toCRM = role == .erp
        let source = toCRM ? map.map.erp : map.map.crm
        let target = toCRM ? map.map.crm : map.map.erp
        let filter = MapFilter.of(map: map.map, settings: map.settings, toCRM: toCRM)
        // The other side's key columns, each copied from one master column: then the
        // other side's rows can be matched by key. A key that a transform computes cannot.
        let copiedFrom: [String] = target.key.compactMap { column in
            map.map.fields.first { field in
                let flows = field.direction == .both || (field.direction == .erpToCrm) == toCRM
                let from = toCRM ? field.erp : field.crm
                let to = toCRM ? field.crm : field.erp
                return flows && field.transform == nil && to?.columns == [column] && from?.columns.count == 1
            }.flatMap { toCRM ? $0.erp?.columns.first : $0.crm?.columns.first }
        }
        guard try master.hasTable(source.table) else { return 0 }
        let captured = try capturedKeys(master, table: source.table)
        let columns = try master.columnTypes(of: source.table).map(\.name)
        let rowFilter = try filter.map {
            try RowFilter(filter: $0, columns: columns, context: "\(source.table) on the \(role) side")
        }
        let matchable = copiedFrom.count == target.key.count
        let positions = copiedFrom.compactMap { name in columns.firstIndex(of: name) }
        var uncarried: [String] = []
        var after: String?
        while true {
            let rows = try master.rowsInKeyOrder(
                table: source.table, columns: columns, key: source.key, after: after, limit: chunk)
            guard let last = rows.last else { break }
            after = last.key
            for row in rows where !captured.contains(row.key) {
                let values = try SQLLiteral.parseList(row.row)
                if let rowFilter, try !rowFilter.passes(values) { continue }
                uncarried.append(matchable ? SQLLiteral.quoteList(positions.map { values[$0] }) : row.key)
            }
        }
        guard matchable, !uncarried.isEmpty, try other.hasTable(target.table) else { return uncarried.count }
        let present = try keys(other, table: target.table, key: target.key)
        return uncarried.filter { !present.contains($0) }.count
    }

    /// The keys of `table` that the change log of `side` names, as literal lists.
    static func capturedKeys(_ side: any SideEndpoint, table: String) throws -> Set<String> {
        var result: Set<String> = []
        var seq: Int64 = 0
        while true {
            let changes = try side.changes(after: seq, limit: chunk)
            guard let last = changes.last else { return result }
            seq = last.seq
            for change in changes where change.table == table { result.insert(change.key) }
        }
    }

    /// Every key of `table` on `side`, as literal lists of `key`.
    static func keys(_ side: any SideEndpoint, table: String, key: [String]) throws -> Set<String> {
        var result: Set<String> = []
        var after: String?
        while true {
            let rows = try side.rowsInKeyOrder(table: table, columns: key, key: key, after: after, limit: chunk)
            guard let last = rows.last else { return result }
            after = last.key
            result.formUnion(rows.map(\.key))
        }
    }
}
