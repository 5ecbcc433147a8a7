import Foundation
import GRDB

/// Initial sync's second pass for lookups into the map's own table: a
/// customer billed to another customer that sorts after it, or two customers
/// billed to each other (a cycle). The first pass writes such a row with the
/// reference left empty (see ``applyItems``); this pass, once every row of
/// the phase is on the target, fills the references in. A reference whose row
/// still does not exist goes to the error list as a parked change that waits
/// for its parent, like any live change would.
extension SyncEngine {
    /// Fills in the self-references of `plan`'s rows read from `from`; returns how many it filled and how many it parked.
    func completeSelfReferences(_ plan: DirectionPlan, from: SideDatabase, to: SideDatabase) throws -> (filled: Int, parked: Int) {
        let checks = plan.parentChecks.filter { $0.map == plan.map }
        guard !checks.isEmpty else { return (0, 0) }
        // The source column each reference is copied from.
        let sources: [String] = checks.compactMap { check in
            for step in plan.steps where step.targets == [check.target] {
                if case .copy(let source) = step.kind { return plan.sourceColumns[source] }
            }
            return nil
        }
        guard sources.count == checks.count else { return (0, 0) }
        let keyColumns = plan.sourceKey.map { plan.sourceColumns[$0] }
        let keyList = keyColumns.map(CaptureSchema.identifier).joined(separator: ", ")
        let table = CaptureSchema.identifier(plan.sourceTable)
        let referencing = sources.map { "\(CaptureSchema.identifier($0)) IS NOT NULL" }.joined(separator: " OR ")
        let targetTable = CaptureSchema.identifier(plan.targetTable)
        // Per reference: does its row exist, and set it where the first pass left it empty.
        let statements = checks.map { check in
            let column = CaptureSchema.identifier(plan.targetColumns[check.target])
            return (exists: SQLiteTargetStatements.parentSQL(check), fill: "UPDATE \(targetTable) SET \(column) = ? WHERE \(plan.sqlite.keyCondition) AND \(column) IS NULL")
        }
        var filled = 0
        var parked = 0
        // The last key read, as the change log writes keys; put into the SQL as literals
        // (a key that is not valid UTF-8 has no Swift string to bind).
        var after: String?
        while true {
            // Through the C API: GRDB binds text up to its first NUL and repairs text that is not valid UTF-8.
            let rows = try from.queue.read { db in
                let lower = try after.map { "AND (\(keyList)) > (\(try SQLLiteral.sqlExpressions($0)))" } ?? ""
                let statement = RawStatement(
                    try db.makeStatement(
                        sql: """
                            SELECT \(CaptureSchema.quoteList(nil, keyColumns)), \(CaptureSchema.quoteList(nil, plan.sourceColumns)) FROM \(table)
                            WHERE (\(referencing)) \(lower) ORDER BY \(keyList) LIMIT \(Self.initialSyncChunk)
                            """), db)
                defer { statement.reset() }
                var rows: [(key: String, row: String)] = []
                while try statement.step() { rows.append((statement.literals(0) ?? "", statement.literals(1) ?? "")) }
                return rows
            }
            guard let last = rows.last else { break }
            after = last.key
            let items = prepare(
                rows.map { row in
                    (
                        plan,
                        Change(
                            seq: 0, table: plan.sourceTable, operation: .insert, key: row.key, row: row.row,
                            at: StateStore.now, origin: nil), nil
                    )
                })
            let outcome = try to.queue.writeWithoutTransaction { db -> ApplyOutcome in
                var outcome = ApplyOutcome()
                try db.inTransaction(.immediate) {
                    try CaptureSchema.setContext(CaptureSchema.initialSyncOrigin, db)
                    var missing: [ApplyItem] = []
                    for item in items {
                        guard case .success(let values)? = item.mapped else { continue }
                        let key = plan.targetKey.map { values[$0] }
                        for (check, sql) in zip(checks, statements) where !values[check.target].isNull {
                            if let own = check.ownColumn, values[own] == values[check.target] { continue }
                            let exists = try RawStatement(sql: sql.exists, db)
                            exists.bind(check.arguments(values))
                            let found = try exists.step()
                            exists.reset()
                            guard found else {
                                missing.append(item)
                                break
                            }
                            // Only the reference, and only where the first pass left it empty: an
                            // application's edit of the row since then is not overwritten.
                            let fill = try RawStatement(sql: sql.fill, db)
                            fill.bind([values[check.target]] + key)
                            try fill.execute()
                            filled += db.changesCount
                        }
                    }
                    // A reference to a row that is still missing: park the whole row, as live sync would.
                    outcome = try self.applyItems(missing, direction: plan.direction, db)
                    try CaptureSchema.clearContext(db)
                    return .commit
                }
                return outcome
            }
            parked += outcome.newlyParked.count
            commit(outcome, direction: plan.direction)
            if rows.count < Self.initialSyncChunk { break }
        }
        return (filled, parked)
    }
}
