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
enum UncarriedRows {
    /// How many rows of `map`'s table on `master` live sync will not carry to `other`.
    static func count(
        _ map: ResolvedMap, master role: SideRole, master: SideDatabase, other: SideDatabase
    ) throws -> Int {
        let toCRM = role == .erp
        let source = toCRM ? map.map.erp : map.map.crm
        let target = toCRM ? map.map.crm : map.map.erp
        let filter =
            map.settings.filters.flatMap { toCRM ? $0.erpToCrm : $0.crmToErp }
            ?? map.map.filters.flatMap { toCRM ? $0.erpToCrm : $0.crmToErp }
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
        guard copiedFrom.count == target.key.count else {
            return try master.uncapturedRows(of: source.table, key: source.key, filter: filter, columns: source.key)
                .count
        }
        let keys = try master.uncapturedRows(of: source.table, key: source.key, filter: filter, columns: copiedFrom)
        guard !keys.isEmpty else { return 0 }
        let present = try other.keyLiterals(of: target.table, columns: target.key)
        return keys.filter { !present.contains($0) }.count
    }
}
