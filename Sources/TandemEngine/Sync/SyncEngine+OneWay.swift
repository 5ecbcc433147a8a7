import Foundation
import GRDB
import TandemDocuments

/// One-way maps (released products, units, legal entities): the source side
/// is the only master. When an application edits, inserts or deletes a row
/// of the target table, the row is put back as the source has it, at once,
/// and the edit is reported in the conflict list (`tandem conflicts list`),
/// with the overwritten row. Dual-write overwrites such an edit only at the
/// next source change and says nothing; here the two sides never disagree
/// for longer than one engine pass, and the admin sees who edited what.
///
/// A row that only the target has (created there) is reported and left
/// alone: the map does not carry anything back, and Tandem does not delete
/// what it did not write.
extension SyncEngine {
    /// The one-way plan of every active map that has one.
    private func oneWayPlans() -> [(plan: DirectionPlan, reverse: SyncDirection)] {
        maps.compactMap { map in
            guard states[map.name]?.isActive == true, let plan = oneWayPlan(map.name) else { return nil }
            return (plan, SyncDirection(from: plan.direction.target))
        }
    }

    /// The plan of `map` when it syncs one way only (nil: both ways, or not compiled).
    func oneWayPlan(_ map: String) -> DirectionPlan? {
        guard let byDirection = plans[map], byDirection.count == 1 else { return nil }
        return byDirection.first?.value
    }

    /// Puts back what the target's applications changed in one-way maps;
    /// returns whether anything was read.
    func guardOneWayMaps() throws -> Bool {
        let guarded = oneWayPlans()
        guard !guarded.isEmpty else { return false }
        var worked = false
        for role in Set(guarded.map(\.reverse.source)) {
            let side = sides[role]!
            let version = try side.queue.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
            guard version != oneWayVersion[role] else { continue }
            var more = false
            for (plan, reverse) in guarded where reverse.source == role {
                let read = try guardOneWay(plan, reverse: reverse)
                worked = worked || read > 0
                more = more || read == batchSize
            }
            // A full batch: look again next pass even without a new commit.
            if !more { oneWayVersion[role] = version }
        }
        return worked
    }

    /// One batch of target-side edits of `plan`'s table; returns how many were read.
    private func guardOneWay(_ plan: DirectionPlan, reverse: SyncDirection) throws -> Int {
        let direction = SyncDirection(from: reverse.target)
        let target = sides[direction.target]!
        let source = sides[direction.source]!
        guard let from = checkpoints[reverse]?[plan.map] else {
            // First pass for this map: edits made before it ran are not Tandem's to undo.
            let head = try target.queue.read { db in try target.headSeq(db) }
            try source.storeCheckpoints([CheckpointID(map: plan.map, source: reverse.source): head])
            checkpoints[reverse, default: [:]][plan.map] = head
            return 0
        }
        let edits = try target.queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, CAST(key AS BLOB), op, CAST(row AS BLOB) FROM _tandem_changes
                        WHERE tbl = ? AND origin IS NULL AND seq > ? ORDER BY seq LIMIT ?
                        """),
                arguments: [plan.targetTable, from, batchSize])
        }.map { row in
            // Key and row as bytes (GRDB would repair text that is not valid UTF-8), normalised as the change reader does.
            (
                seq: row[0] as Int64, key: SQLLiteral.normalized(row[1] as Data? ?? Data()), op: row[2] as String,
                row: (row[3] as Data?).map(SQLLiteral.normalized)
            )
        }
        guard let last = edits.last?.seq else { return 0 }
        // The latest edit of each key; earlier ones are put back by the same overwrite.
        var latest: [String: (seq: Int64, key: String, op: String, row: String?)] = [:]
        var order: [String] = []
        for edit in edits {
            let key = edit.key
            if latest.updateValue(edit, forKey: key) == nil { order.append(key) }
        }
        var pairs: [(DirectionPlan, Change, Int64?)] = []
        var reports: [(edit: (seq: Int64, key: String, op: String, row: String?), outcome: String)] = []
        let sourceKeyColumns = plan.sourceKey.map { plan.sourceColumns[$0] }
        let selectSource = """
            SELECT \(CaptureSchema.quoteList(nil, plan.sourceColumns)) FROM \(CaptureSchema.identifier(plan.sourceTable))
            WHERE \(sourceKeyColumns.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: " AND "))
            """
        let oneWay = "map \(plan.map) is one-way \(direction)"
        // The batch's source rows in one read transaction, through one cached statement.
        try source.queue.read { db in
            for key in order {
                let edit = latest[key]!
                let seq = edit.seq
                let targetKey = (try? SQLLiteral.parseList(key)) ?? []
                // The source key, from the target key columns that copy it.
                let sourceKey = plan.sourceKey.indices.map { position in
                    plan.targetKeyFromSourceKey.firstIndex(of: position).flatMap { $0 < targetKey.count ? targetKey[$0] : nil }
                }
                guard targetKey.count == plan.targetKey.count, sourceKey.allSatisfy({ $0 != nil }) else {
                    reports.append((edit, "\(oneWay); the \(direction.target) edit is kept: its key does not name a \(direction.source) row"))
                    continue
                }
                let values = sourceKey.map { $0! }
                // Through the C API: GRDB binds text up to its first NUL, which would find another row.
                let select = try RawStatement(sql: selectSource, db)
                select.bind(values)
                let row = try select.step() ? select.literals(0) : nil
                select.reset()
                guard let row else {
                    reports.append((edit, "\(oneWay); the \(direction.target) row is kept but not synced: the \(direction.source) side has no row with this key"))
                    continue
                }
                let change = Change(
                    seq: seq, table: plan.sourceTable, operation: .update, key: SQLLiteral.quoteList(values), row: row, at: StateStore.now,
                    origin: nil, changed: nil)
                pairs.append((plan, change, nil))
                let what = edit.op == "D" ? "deleted" : edit.op == "I" ? "inserted" : "edited"
                reports.append(
                    (
                        edit,
                        "\(oneWay); the \(direction.target) side \(what) the row, so it was put back as the \(direction.source) side has it"
                    ))
            }
        }
        let items = prepare(pairs)
        let outcome = try target.queue.writeWithoutTransaction { db in
            var outcome = ApplyOutcome()
            try db.inTransaction(.immediate) { () -> Database.TransactionCompletion in
                outcome = try self.applyItems(items, direction: direction, db)
                for (edit, outcome) in reports {
                    // Once per target change, even if a crash makes this batch run twice.
                    let seq = edit.seq
                    guard
                        try Int.fetchOne(
                            db,
                            sql:
                                "SELECT 1 FROM _tandem_conflicts WHERE map = ? AND target_seq = ? AND policy = 'one-way'",
                            arguments: [plan.map, seq]) == nil
                    else { continue }
                    try db.execute(
                        sql: """
                            INSERT INTO _tandem_conflicts (map, key, policy, winner, source, source_seq, source_row, target_seq, target_row, at,
                                status, outcome, source_table, target_table)
                            VALUES (?, ?, 'one-way', ?, ?, 0, NULL, ?, ?, ?, 'resolved', ?, ?, ?)
                            """,
                        arguments: [
                            plan.map, edit.key, direction.source.rawValue, direction.source.rawValue, seq, edit.row,
                            StateStore.now, outcome, plan.sourceTable, plan.targetTable,
                        ])
                    logger.notice("map \(plan.map): \(outcome) (key \(edit.key))")
                }
                return .commit
            }
            return outcome
        }
        commit(outcome, direction: direction)
        // The consumed position lives with the other checkpoints of this source (on the other side).
        try source.storeCheckpoints([CheckpointID(map: plan.map, source: reverse.source): last])
        checkpoints[reverse, default: [:]][plan.map] = last
        return edits.count
    }
}
