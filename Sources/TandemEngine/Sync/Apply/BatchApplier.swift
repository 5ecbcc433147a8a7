import Logging

/// The apply step of the pipeline (read → map → decide → apply →
/// checkpoint): takes a batch of mapped items and decides, item by item,
/// whether it is written, skipped, parked or is a conflict, and how the
/// conflict is resolved. It holds no SQL: the endpoint's
/// ``TargetTransaction`` does the writing, inside the caller's transaction.
struct BatchApplier {
    /// The direction the batch travels.
    let direction: SyncDirection
    let mode: ApplyMode
    /// Keys with a parked change, per map: their later changes wait behind it.
    var blocked: [String: Set<String>]
    /// The open conflict (its id) that changes of `key` in map `map` wait for.
    let openConflict: (_ map: String, _ key: String) -> String?
    /// Whether the next change of `key` in `map` writes its whole row
    /// (``SyncEngine/wholeRowKeys``).
    var wholeRow: (_ map: String, _ key: String) -> Bool = { _, _ in false }
    /// The stored position of the reverse direction per map, for the
    /// target's edits that have not travelled yet; nil when the reverse
    /// direction is not active (no conflict can be seen then).
    let reverseCheckpoint: (DirectionPlan) -> Int64?
    let logger: Logger

    /// Applies `items` in order into `target`; returns what happened, for
    /// the engine to take in once the transaction commits.
    mutating func apply(_ items: [ApplyItem], into target: any TargetTransaction) throws -> ApplyOutcome {
        var outcome = ApplyOutcome()
        let origin = direction.source.rawValue
        let writeThrough = mode == .writeThrough
        let operatorRetry = mode == .operatorRetry
        try target.begin(mode)
        // Parked items being retried only block their own later items.
        if items.first?.parkedID != nil { blocked = [:] }
        var pending: [ObjectIdentifier: [String: LocalEdits]] = [:]
        /// Operator retries: parked rows of a key that failed again, superseded if a later one applies.
        var failedAgain: [String: [(id: Int64, seq: Int64)]] = [:]

        for item in items {
            let plan = item.plan
            func count(_ update: (inout (applied: Int, skipped: Int, conflicts: Int)) -> Void) {
                update(&outcome.counters[plan.map, default: (0, 0, 0)])
            }
            @discardableResult
            func park(_ kind: String, _ reason: String, _ errorClass: ErrorClass = .application) throws -> Int64? {
                if writeThrough {
                    throw SyncError(errorClass == .plugin ? .plugin : .badValue, "key \(item.change.key): \(reason)")
                }
                var parkedID = item.parkedID
                if let id = item.parkedID {
                    try target.parkAgain(id: id, kind: kind, reason: reason, errorClass: errorClass)
                    if operatorRetry { failedAgain[item.change.key, default: []].append((id, item.change.seq)) }
                } else {
                    parkedID = try target.park(
                        ParkedChange(
                            map: plan.map, source: origin, change: item.change, kind: kind, reason: reason, errorClass: errorClass))
                    outcome.newlyParked.append((plan.map, item.change.key))
                }
                if !operatorRetry { blocked[plan.map, default: []].insert(item.change.key) }
                if kind == "error" { outcome.errors[plan.map] = reason }
                if kind == "error" || kind == "conflict" { outcome.failures.append((plan.map, errorClass)) }
                return parkedID
            }
            func unpark() throws {
                guard let id = item.parkedID else { return }
                try target.unpark(id: id)
                outcome.unparked.append((plan.map, item.change.key))
                // The earlier failures of this key are superseded by this newer row.
                for failed in failedAgain.removeValue(forKey: item.change.key) ?? [] {
                    try target.unpark(id: failed.id)
                    outcome.unparked.append((plan.map, item.change.key))
                    outcome.superseded.append((plan.map, item.change.key, failed.seq, item.change.seq))
                }
            }
            func applied() {
                outcome.wrote = true
                outcome.appliedSeqs.append(item.change.seq)
                outcome.appliedMaps.append(plan.map)
                outcome.appliedAt.append(item.change.at)
                count { $0.applied += 1 }
            }

            /// An update the filter leaves out: when the target still has the row it carried while
            /// the row was in scope, the plan's `out_of_scope` decides (report or delete); true
            /// when it acted. Not in a write-through (the live loop takes its captured change).
            func leaveScope() throws -> Bool {
                guard item.leftScope, mode == .live || operatorRetry,
                    let key = Self.targetKey(ofSourceKey: item.change.key, plan),
                    try target.rowExists(plan, key: key)
                else { return false }
                // A key with an earlier change waiting keeps its row until that change is done.
                let waits =
                    blocked[plan.map]?.contains(item.change.key) == true || openConflict(plan.map, item.change.key) != nil
                var deleted = false
                if plan.outOfScope == .delete, !waits {
                    var values = [SideValue](repeating: .null, count: plan.targetColumns.count)
                    for (index, position) in plan.targetKey.enumerated() { values[position] = key[index] }
                    try target.markSource("\(origin):\(item.change.seq)")
                    do {
                        try target.write(.delete, plan: plan, values: values, oldKey: nil)
                    } catch let refused as RowRefused {
                        try park(
                            "error",
                            "the row left the filter's scope (\(plan.filterOrigin)) and the \(direction.target) side refused to delete it: \(refused.message)")
                        return true
                    }
                    applied()
                    deleted = true
                } else {
                    count { $0.skipped += 1 }
                }
                try unpark()
                outcome.leftScope.append((plan.map, item.change.seq, item.change.key, plan.keyString(key), deleted))
                return true
            }

            guard let mapped = item.mapped else {
                if try leaveScope() { continue }
                // An echo of Tandem's own write, or a row the filter leaves out.
                count { $0.skipped += 1 }
                try unpark()
                continue
            }
            if item.change.isWriteThrough, !writeThrough, item.parkedID == nil {
                // A write-through's change: its marker says it was applied here already.
                // Without one, Tandem died between the two commits, and this applies it.
                if try target.consumeWrittenMarker(source: origin, seq: item.change.seq) {
                    count { $0.skipped += 1 }
                    continue
                }
                logger.notice(
                    "map \(plan.map): applying write-through change \(origin):\(item.change.seq), which did not reach the \(direction.target) side")
            }
            if blocked[plan.map]?.contains(item.change.key) == true {
                try park("behind", "waits behind an earlier parked change of the same key")
                continue
            }
            if let conflict = openConflict(plan.map, item.change.key) {
                try park("behind", "waits for conflict \(conflict) to be resolved (`tandem conflicts show \(conflict)`)")
                continue
            }
            var values: [SideValue]
            switch mapped {
            case .failure(let error):
                try park("error", error.message, ErrorClass(error))
                continue
            case .success(let result):
                values = result
            }
            if item.change.operation != .delete {
                var missing: String?
                for (index, check) in plan.parentChecks.enumerated() where !values[check.target].isNull {
                    // A row that refers to itself (billed to its own account) is its own parent.
                    if let own = check.ownColumn, values[own] == values[check.target] { continue }
                    if try target.parentExists(index, of: plan, values: values) { continue }
                    if mode == .initialSync, check.map == plan.map {
                        // Initial sync's first pass writes the row without its reference into its own
                        // table (the referenced row may come later, or refer back: a cycle); the second
                        // pass (``SyncEngine/completeSelfReferences``) fills it in.
                        values[check.target] = .null
                        outcome.deferredReferences += 1
                        continue
                    }
                    missing =
                        "waits for its parent in map \(check.map): \(ValueConversion.describe(values[check.target])) is not on the \(direction.target) side yet"
                    break
                }
                if let missing {
                    try park("parent", missing)
                    continue
                }
            }
            // Conflict: the target's applications changed the same key and the
            // reverse direction has not carried that over yet.
            let id = ObjectIdentifier(plan)
            if pending[id] == nil {
                pending[id] = try reverseCheckpoint(plan).map { try target.pendingLocalEdits(plan, after: $0) } ?? [:]
            }
            // The columns an update writes; the whole row where the target's own edits lost a conflict,
            // so that none of them stays behind on this side alone.
            // A parked change applied late, or an edit that won a conflict, writes its whole row: the other
            // side's columns it meets may be ones that lost.
            var written = item.parkedID == nil ? plan.writtenTargets(item.change) : nil
            if written != nil, wholeRow(plan.map, item.change.key) {
                written = nil
                outcome.wroteWholeRows.append((plan.map, item.change.key))
            }
            if pending[id]?.isEmpty == false, case let targetKey = plan.targetKeyString(values), let local = pending[id]?[targetKey] {
                try target.captureNeeded()
                if writeThrough {
                    throw SyncError(
                        .state,
                        "the \(direction.target) side has edits of key \(local.key) that have not synced yet (\(direction.target):\(local.seq)); write again once they have"
                    )
                }
                let conflict = ConflictDecision(
                    policy: plan.policy, direction: direction, change: item.change,
                    sourceColumns: item.change.operation == .update ? plan.changedTargetColumns(item.change.changed) : nil,
                    local: local, fieldPolicies: plan.fieldPolicies)
                let conflictID = try target.recordConflict(
                    ConflictRecord(
                        map: plan.map, key: local.key, policy: plan.policy.rawValue, winner: conflict.winner, source: origin,
                        sourceSeq: item.change.seq, sourceRow: item.change.row, targetSeq: local.seq, targetRow: local.row,
                        status: conflict.resolution == .manual ? "open" : "resolved", outcome: conflict.outcome,
                        sourceChanged: conflict.sourceColumns.map { $0.sorted().joined(separator: ",") },
                        targetChanged: local.wholeRow ? nil : local.columns.sorted().joined(separator: ","),
                        sourceTable: plan.sourceTable, targetTable: plan.targetTable))
                count { $0.conflicts += 1 }
                switch conflict.resolution {
                case .source:
                    // The target's own pending edits lost: they must not travel back.
                    try target.supersede(
                        table: plan.targetTable, key: local.key, from: local.seq, note: "superseded by \(origin):\(item.change.seq)")
                    pending[id]?[targetKey] = nil
                    written = nil
                case .target:
                    // The target's edit travels back whole, over the columns of this change that lost.
                    outcome.wholeRowsNext.append((plan.map, local.key))
                    count { $0.skipped += 1 }
                    try unpark()
                    continue
                case .merge(let columns):
                    try target.markMerge("\(origin):\(item.change.seq) merged")
                    let merged = try target.writeMerged(
                        plan, values: values, columns: columns, local: local,
                        note: "superseded by the merge of \(origin):\(item.change.seq)")
                    if !merged {
                        // The row is gone from the target: nothing to merge into; the change applies as it is.
                        pending[id]?[targetKey] = nil
                        written = nil
                        break
                    }
                    try unpark()
                    applied()
                    continue
                case .manual:
                    let entry = ErrorID(side: direction.target, number: conflictID)
                    let parkedID = try park(
                        "conflict",
                        "the \(direction.target) side changed this row too (\(direction.target):\(local.seq)) and map \(plan.map) resolves conflicts by hand: `tandem conflicts resolve \(entry) --take erp|crm|merged`",
                        .conflict)
                    if let parkedID { try target.linkConflict(conflictID, parked: parkedID) }
                    outcome.openConflicts.append((plan.map, direction.target, local.key, entry.description))
                    continue
                }
            }

            try target.markSource("\(origin):\(item.change.seq)")
            var oldKey: [SideValue]?
            if item.change.operation == .update, let old = try Self.oldTargetKey(item, plan), old != plan.targetKey.map({ values[$0] }) {
                oldKey = old
            }
            do {
                try target.write(item.change.operation, plan: plan, values: values, oldKey: oldKey, only: written)
            } catch let refused as RowRefused {
                // The database undid the failed statement only; the row waits in the parking table.
                try park("error", "the \(direction.target) side refused the row: \(refused.message)")
                continue
            }
            if item.change.operation != .delete, mode != .initialSync {
                try writeShared(plan, values: values, written: written, into: target)
            }
            try unpark()
            if writeThrough { try target.markWritten(source: origin, seq: item.change.seq) }
            applied()
        }
        try target.finish()
        outcome.quietEchoes = target.recordedEchoes
        return outcome
    }

    /// The target key of the row whose source key is `text` (a change's
    /// key), when the map copies each target key column from the source
    /// key; nil when it computes one (a transform), or `text` does not parse.
    static func targetKey(ofSourceKey text: String, _ plan: DirectionPlan) -> [SideValue]? {
        guard let source = try? SQLLiteral.parseList(text) else { return nil }
        var result: [SideValue] = []
        for position in plan.targetKeyFromSourceKey {
            guard let position, position < source.count else { return nil }
            result.append(source[position])
        }
        return result
    }

    /// Writes the columns the row just written shares with other rows on
    /// the target side (``DirectionPlan/sharedWithParents`` and
    /// ``DirectionPlan/sharedWithChildren``): a customer renamed in the CRM
    /// renames its party in F&O, a party renamed there renames its
    /// customers, as F&O keeps them, one name. Only the columns this change
    /// wrote; a refusal is logged and the row stays written.
    private func writeShared(
        _ plan: DirectionPlan, values: [SideValue], written: Set<Int>?, into target: any TargetTransaction
    ) throws {
        var writes: [(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue)] = []
        for shared in plan.sharedWithParents where written?.contains(shared.target) ?? true {
            let check = plan.parentChecks[shared.check]
            guard !values[check.target].isNull else { continue }
            let keys = zip([check.column] + check.companions.map(\.column), check.arguments(values)).map { ($0, $1) }
            writes.append((check.table, keys, shared.column, values[shared.target]))
        }
        for child in plan.sharedWithChildren where written?.contains(child.source) ?? true {
            writes.append((child.table, child.keys.map { ($0.column, values[$0.target]) }, child.column, values[child.source]))
        }
        for write in writes {
            do {
                try target.writeShared(table: write.table, keys: write.keys, column: write.column, value: write.value)
            } catch let refused as RowRefused {
                logger.warning(
                    "map \(plan.map): \(write.table).\(write.column), which the row shares, was not written: \(refused.message)")
            }
        }
    }

    /// The target key the row had before an update, when its source key
    /// changed; nil when it did not.
    static func oldTargetKey(_ item: ApplyItem, _ plan: DirectionPlan) throws -> [SideValue]? {
        let oldSource = try SQLLiteral.parseList(item.change.key)
        let newSource = plan.sourceKey.map { $0 < item.sourceRow.count ? item.sourceRow[$0] : .null }
        guard oldSource != newSource else { return nil }
        var result: [SideValue] = []
        for position in plan.targetKeyFromSourceKey {
            guard let position, position < oldSource.count else {
                throw SyncError(.badValue, "the key changed and map \(plan.map) computes its target key; delete and re-insert the row instead")
            }
            result.append(oldSource[position])
        }
        return result
    }
}
