import Foundation

/// One-way fields of two-way maps (`->` or `<-` in a map that syncs both
/// ways): the side the field comes from owns it, as the source side owns a
/// one-way map (``guardOneWayMaps()``). When an application of the other
/// side edits such a field, the field is put back as the owning side has it
/// and the edit is reported in the conflict list (policy `one-way`, with
/// the edited row), right after the batch that carried the rest of the edit.
/// Without this the edit stays on its side, unreported, until the owning
/// side changes the field, and `maps compare` calls the row out of step.
///
/// The put-back is a transaction of its own after the batch's: an engine
/// killed between the two leaves that one edit in place (and unreported).
extension SyncEngine {
    /// One edit of a one-way field: the change, the owning side's key of
    /// its row, and the target positions (of the owning direction's plan) it
    /// edited.
    private struct OneWayFieldEdit {
        let change: Change
        let key: [SideValue]
        let positions: [Int]
    }

    /// After a batch of `direction` committed: puts back the one-way fields
    /// of the other direction that its applications' updates edited.
    func putBackOneWayFields(_ items: [ApplyItem], direction: SyncDirection) throws {
        let owning = SyncDirection(from: direction.target)
        var edits: [String: (plan: DirectionPlan, edits: [OneWayFieldEdit])] = [:]
        for item in items {
            // Updates only: a row made on this side has no value of the owning side's to put back.
            guard item.change.operation == .update, item.change.origin == nil, let mask = item.change.changed,
                case .success(let values)? = item.mapped, let plan = plans[item.plan.map]?[owning],
                !plan.oneWayTargets.isEmpty
            else { continue }
            let edited = item.plan.changedSourceColumns(mask)
            let positions = plan.oneWayTargets.filter { edited.contains(plan.targetColumns[$0]) }.sorted()
            guard !positions.isEmpty else { continue }
            // This batch's target key is the owning side's key, in its key order.
            let edit = OneWayFieldEdit(change: item.change, key: item.plan.targetKey.map { values[$0] }, positions: positions)
            edits[plan.map, default: (plan, [])].edits.append(edit)
        }
        for map in edits.keys.sorted() {
            let (plan, mapEdits) = edits[map]!
            try putBack(mapEdits, plan: plan)
        }
    }

    /// Writes the owning side's values of the edited one-way fields over the
    /// edited rows and records each edit.
    private func putBack(_ edits: [OneWayFieldEdit], plan: DirectionPlan) throws {
        let direction = plan.direction
        let rows = try endpoint(direction.source).currentRows(
            table: plan.sourceTable, columns: plan.sourceColumns, keyColumns: plan.sourceKey.map { plan.sourceColumns[$0] },
            keys: edits.map(\.key))
        let pairs = zip(edits, rows).map { edit, row in
            (
                plan,
                Change(
                    seq: edit.change.seq, table: plan.sourceTable, operation: .update, key: SQLLiteral.quoteList(edit.key),
                    row: row, at: StateStore.now, origin: nil),
                Int64?.none
            )
        }
        let items = prepare(pairs)
        let origin = direction.source.rawValue
        try endpoint(direction.target).applyBatch(items, checkpoints: [:], fastPath: false, logger: logger) { target in
            try target.begin(.live)
            for (edit, item) in zip(edits, items) {
                let fields = edit.positions.map { plan.targetColumns[$0] }.joined(separator: ", ")
                var outcome =
                    "map \(plan.map): \(fields) \(edit.positions.count == 1 ? "is" : "are") one-way \(direction)"
                // Once per edit, even if a crash makes this run twice.
                guard try !target.hasConflict(map: plan.map, targetSeq: edit.change.seq, policy: "one-way") else {
                    continue
                }
                switch item.mapped {
                case .success(let values)? where try !target.rowExists(plan, key: plan.targetKey.map { values[$0] }):
                    // Deleted on the target since the edit (its delete travels on its own): a put-back
                    // would write the row again, a row that neither side has any more.
                    outcome += "; the \(direction.target) row is gone since, so there is nothing to put back"
                case .success(let values)?:
                    try target.markSource("\(origin):\(edit.change.seq)")
                    do {
                        try target.write(.update, plan: plan, values: values, oldKey: nil, only: Set(edit.positions))
                        outcome += "; the \(direction.target) side edited it, so it was put back as the \(direction.source) side has it"
                    } catch let refused as RowRefused {
                        outcome += "; the \(direction.target) edit is kept: the \(direction.target) side refused the \(direction.source) value (\(refused.message))"
                    }
                case .failure(let error)?:
                    outcome += "; the \(direction.target) edit is kept: the \(direction.source) value does not map (\(error.message))"
                case nil:
                    outcome +=
                        item.change.row == nil
                        ? "; the \(direction.target) edit is kept: the \(direction.source) side has no row with this key"
                        : "; the \(direction.target) edit is kept: the \(direction.source) row is outside the map's filter"
                }
                _ = try target.recordConflict(
                    ConflictRecord(
                        map: plan.map, key: edit.change.key, policy: "one-way",
                        winner: origin, source: origin, sourceSeq: 0, sourceRow: nil, targetSeq: edit.change.seq,
                        targetRow: edit.change.row, status: "resolved", outcome: outcome,
                        targetChanged: edit.positions.map { plan.targetColumns[$0] }.sorted().joined(separator: ","),
                        sourceTable: plan.sourceTable, targetTable: plan.targetTable))
                logger.notice("\(outcome) (key \(edit.change.key))")
            }
            try target.finish()
        }
    }
}
