import Foundation
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
            let version = try endpoint(role).commitToken()
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
        let target = endpoint(direction.target)
        let source = endpoint(direction.source)
        guard let from = checkpoints[reverse]?[plan.map] else {
            // First pass for this map: edits made before it was started are not Tandem's to
            // undo; those made since are, even when no engine ran then (`maps run` with the
            // engine stopped, or an edit in the moment before this pass). So the guard starts
            // where the map did, by the capture's clock, not where this engine found the log.
            let started = try state.mapStates()[plan.map]?.changedAt
            let position = try started.map { try target.position(before: $0) } ?? target.headSeq()
            try source.storeCheckpoints([CheckpointID(map: plan.map, source: reverse.source): position])
            checkpoints[reverse, default: [:]][plan.map] = position
            return try guardOneWay(plan, reverse: reverse)
        }
        let edits = try target.applicationEdits(table: plan.targetTable, after: from, limit: batchSize)
        guard let last = edits.last?.seq else { return 0 }
        // The latest edit of each key; earlier ones are put back by the same overwrite.
        var latest: [String: Change] = [:]
        var order: [String] = []
        for edit in edits {
            if latest.updateValue(edit, forKey: edit.key) == nil { order.append(edit.key) }
        }
        var reports: [(edit: Change, outcome: String)] = []
        let oneWay = "map \(plan.map) is one-way \(direction)"
        // The source key of each edited target key, from the target key columns that copy it.
        var wanted: [(edit: Change, sourceKey: [SideValue])] = []
        for key in order {
            let edit = latest[key]!
            let targetKey = (try? SQLLiteral.parseList(key)) ?? []
            let sourceKey = plan.sourceKey.indices.map { position in
                plan.targetKeyFromSourceKey.firstIndex(of: position).flatMap { $0 < targetKey.count ? targetKey[$0] : nil }
            }
            guard targetKey.count == plan.targetKey.count, sourceKey.allSatisfy({ $0 != nil }) else {
                reports.append((edit, "\(oneWay); the \(direction.target) edit is kept: its key does not name a \(direction.source) row"))
                continue
            }
            wanted.append((edit, sourceKey.map { $0! }))
        }
        // The batch's source rows in one read.
        let rows = try source.currentRows(
            table: plan.sourceTable, columns: plan.sourceColumns, keyColumns: plan.sourceKey.map { plan.sourceColumns[$0] },
            keys: wanted.map(\.sourceKey))
        var pairs: [(DirectionPlan, Change, Int64?)] = []
        for ((edit, values), row) in zip(wanted, rows) {
            guard let row else {
                reports.append((edit, "\(oneWay); the \(direction.target) row is kept but not synced: the \(direction.source) side has no row with this key"))
                continue
            }
            let change = Change(
                seq: edit.seq, table: plan.sourceTable, operation: .update, key: SQLLiteral.quoteList(values), row: row, at: StateStore.now,
                origin: nil, changed: nil)
            pairs.append((plan, change, nil))
            let what = edit.operation == .delete ? "deleted" : edit.operation == .insert ? "inserted" : "edited"
            reports.append(
                (
                    edit,
                    "\(oneWay); the \(direction.target) side \(what) the row, so it was put back as the \(direction.source) side has it"
                ))
        }
        let items = prepare(pairs)
        let outcome = try applyItems(items, direction: direction) { target, _ in
            for (edit, outcome) in reports {
                // Once per target change, even if a crash makes this batch run twice.
                guard try !target.hasConflict(map: plan.map, targetSeq: edit.seq, policy: "one-way") else { continue }
                _ = try target.recordConflict(
                    ConflictRecord(
                        map: plan.map, key: edit.key, policy: "one-way", winner: direction.source.rawValue,
                        source: direction.source.rawValue, sourceSeq: 0, sourceRow: nil, targetSeq: edit.seq, targetRow: edit.row,
                        status: "resolved", outcome: outcome, sourceTable: plan.sourceTable, targetTable: plan.targetTable))
                self.logger.notice("map \(plan.map): \(outcome) (key \(edit.key))")
            }
        }
        commit(outcome, direction: direction)
        // The consumed position lives with the other checkpoints of this source (on the other side).
        try source.storeCheckpoints([CheckpointID(map: plan.map, source: reverse.source): last])
        checkpoints[reverse, default: [:]][plan.map] = last
        return edits.count
    }
}
