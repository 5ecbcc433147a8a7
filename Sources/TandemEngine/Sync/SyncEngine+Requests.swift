import Foundation
import GRDB

/// Operator requests (`tandem errors retry|discard`, `tandem conflicts
/// resolve`, `tandem write`): queued in the state database by the CLI and
/// carried out here, by the one engine that writes the sides.
extension SyncEngine {
    /// Handles the operator requests waiting in the state database. The
    /// running engine does this between batches; `tandem errors retry` calls
    /// it itself (holding the environment lock) when no engine runs.
    package func processPendingRequests() throws {
        try refreshStates()
    }

    func handleRequests() throws {
        for (id, request, actor) in try state.pendingRequests() {
            let results: [OperatorRequest.Result]
            do {
                results = try handle(request, actor: actor)
            } catch {
                results = [OperatorRequest.Result(id: "*", outcome: "refused", detail: "\(error)")]
            }
            try state.finish(id, results: results)
        }
    }

    /// The open conflict that parked `entry`, as an ID.
    private func conflictOf(_ entry: NamedEntry) throws -> String? {
        try sides[entry.id.side]!.queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM _tandem_conflicts WHERE parked_id = ? AND status = 'open'", arguments: [entry.id.number])
        }.map { ErrorID(side: entry.id.side, number: $0).description }
    }

    /// Decides open conflict `id`: `take` is the side whose version the row
    /// keeps, or `merged` (the incoming change's columns over the other
    /// side's, when they changed different columns).
    private func resolveConflict(_ id: ErrorID, take: String, actor: String) throws -> OperatorRequest.Result {
        let side = id.side
        guard let record = try sides[side]!.queue.read({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM _tandem_conflicts WHERE id = ?", arguments: [id.number])
        }) else {
            throw SyncError(.state, "there is no conflict \(id); `tandem conflicts list --open` shows the ones waiting")
        }
        let map: String = record["map"]
        guard (record["status"] as String) == "open" else {
            throw SyncError(
                .state, "conflict \(id) is not open: \(record["outcome"] as String? ?? "decided")\((record["resolved_by"] as String?).map { " (by \($0))" } ?? "")")
        }
        guard let source = SideRole(rawValue: record["source"]), let plan = plans[map]?[SyncDirection(from: source)] else {
            throw SyncError(.state, "conflict \(id) names map \(map), which is not enabled here")
        }
        guard states[map]?.isActive == true else {
            let state = states[map] ?? .notRunning
            throw SyncError(.state, "map \(map) is \(state.rawValue); `tandem maps \(state == .paused ? "resume" : "run") \(map)` first")
        }
        let direction = plan.direction
        let key: String = record["key"]
        let incoming = try sides[side]!.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT key, seq, op, row, at, changed, id FROM _tandem_parked WHERE id = ?", arguments: [record["parked_id"] as Int64?])
        }
        let sourceKey: String? = incoming?[0]
        /// Drops parked changes of `map` coming from `from` with `parkedKey`, logging each.
        func drop(from: SideRole, parkedKey: String?, because: String) throws {
            guard let parkedKey else { return }
            let target = from.other
            let dropped = try sides[target]!.queue.write { db -> [Row] in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, seq, op, row FROM _tandem_parked WHERE map = ? AND source = ? AND key = ? ORDER BY seq, id",
                    arguments: [map, from.rawValue, parkedKey])
                try db.execute(
                    sql: "DELETE FROM _tandem_parked WHERE map = ? AND source = ? AND key = ?", arguments: [map, from.rawValue, parkedKey])
                return rows
            }
            var outcome = ApplyOutcome()
            for row in dropped {
                outcome.unparked.append((map, parkedKey))
                try state.log(
                    actor: actor, map: map, event: "parked change discarded",
                    details: "\(ErrorID(side: target, number: row[0])): change \(from):\(row[1] as Int64) (\(row[2] as String), key \(parkedKey)), row \(row[3] as String? ?? "NULL"); \(because)")
            }
            commit(outcome, direction: SyncDirection(from: from))
        }
        func close(winner: String, outcome text: String) throws {
            try sides[side]!.queue.write { db in
                try db.execute(
                    sql: "UPDATE _tandem_conflicts SET status = 'resolved', winner = ?, outcome = ?, resolved_at = ?, resolved_by = ? WHERE id = ?",
                    arguments: [winner, text, StateStore.now, actor, id.number])
            }
            openConflicts[map]?[side]?[key] = nil
            try state.log(actor: actor, map: map, event: "conflict resolved", details: "\(id): \(text)")
        }

        switch take {
        case source.rawValue:
            // The incoming change wins: the other side's edits of the key lose.
            try sides[side]!.queue.write { db in
                try CaptureSchema.supersede(table: plan.targetTable, key: key, note: "superseded by the resolution of \(id)", db)
            }
            try drop(from: side, parkedKey: key, because: "it lost conflict \(id), resolved by \(actor) for \(source)")
            try close(winner: source.rawValue, outcome: "\(source) wins: taken by \(actor)")
            if let sourceKey {
                try sides[side]!.queue.write { db in
                    try db.execute(sql: "UPDATE _tandem_parked SET kind = 'error' WHERE id = ?", arguments: [incoming?[6] as Int64?])
                }
                try retryParked(map: map, direction: direction, scope: .keys([sourceKey]))
            }
        case side.rawValue:
            // The row keeps this side's version: the incoming change (and its key's later ones) lose.
            try drop(from: source, parkedKey: sourceKey, because: "it lost conflict \(id), resolved by \(actor) for \(side)")
            try close(winner: side.rawValue, outcome: "\(side) wins: taken by \(actor)")
            try retryParked(map: map, direction: SyncDirection(from: side), scope: .keys([key]))
        case "merged":
            let sourceColumns = (record["source_changed"] as String?).map { Set($0.split(separator: ",").map(String.init)) }
            let targetColumns = (record["target_changed"] as String?).map { Set($0.split(separator: ",").map(String.init)) }
            guard let sourceColumns, let targetColumns, let incoming else {
                throw SyncError(.state, "conflict \(id) cannot be merged: one side inserted or deleted the row; take erp or crm")
            }
            let overlap = sourceColumns.intersection(targetColumns)
            guard overlap.isEmpty else {
                throw SyncError(
                    .state, "conflict \(id) cannot be merged: both sides changed \(overlap.sorted().joined(separator: ", ")); take erp or crm")
            }
            let change = Change(
                seq: incoming[1], table: plan.sourceTable, operation: Change.Operation(rawValue: incoming[2]) ?? .update, key: incoming[0],
                row: incoming[3], at: incoming[4], origin: nil, changed: incoming[5])
            guard case .success(let values)? = prepare([(plan, change, nil)]).first?.mapped else {
                throw SyncError(.state, "conflict \(id): the incoming change no longer maps; take erp or crm")
            }
            let local = LocalEdits(seq: record["target_seq"], key: key, row: nil, at: 0, columns: targetColumns)
            let merged = try sides[side]!.queue.write { db -> Bool in
                try CaptureSchema.setContext("\(source):\(change.seq) merged", db)
                let merged = try SQLiteTargetTransaction.writeMerged(
                    plan, values: values, columns: sourceColumns, local: local, note: "superseded by the merged resolution of \(id)", db)
                try CaptureSchema.clearContext(db)
                if merged { try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [incoming[6] as Int64]) }
                return merged
            }
            guard merged else { throw SyncError(.state, "conflict \(id) cannot be merged: the row is gone from the \(side) side; take erp or crm") }
            var outcome = ApplyOutcome()
            outcome.unparked = [(map, change.key)]
            commit(outcome, direction: direction)
            dirty[side] = true
            // The other side's edits travel inside the merged row now.
            try drop(from: side, parkedKey: key, because: "merged into the resolution of conflict \(id)")
            try close(winner: "merged", outcome: "merged by \(actor): \(source) changed \(sourceColumns.sorted().joined(separator: ", ")); \(side) changed \(targetColumns.sorted().joined(separator: ", "))")
            try retryParked(map: map, direction: direction, scope: .keys([change.key]))
        default:
            throw SyncError(.state, "--take must be erp, crm or merged, not '\(take)'")
        }
        return OperatorRequest.Result(id: id.description, outcome: "resolved", detail: take == "merged" ? "merged" : "\(take) wins")
    }

    /// A parked change an operator named.
    private struct NamedEntry {
        let id: ErrorID
        let map: String
        let direction: SyncDirection
        let key: String
        let seq: Int64
        let operation: String
        let row: String?
        let reason: String
        let kind: String
    }

    private func handle(_ request: OperatorRequest, actor: String) throws -> [OperatorRequest.Result] {
        if request.action == .write {
            guard let spec = request.write else { return [OperatorRequest.Result(id: "write", outcome: "refused", detail: "no rows")] }
            // A `tandem write` killed part-way left its request queued. Carried out
            // by the next engine, it would overwrite whatever the row became since,
            // without anyone being told; what it wrote before it died reaches the
            // other side through capture instead.
            if let submitter = request.submitter, kill(submitter, 0) != 0, errno == ESRCH {
                return [
                    OperatorRequest.Result(
                        id: "write", outcome: "refused",
                        detail: "the tandem write that asked for it (pid \(submitter)) is gone; not carried out: what it wrote before it stopped reaches the other side through capture")
                ]
            }
            do {
                let rows = try WriteRequest.parseRows(spec.rows)
                let result = try write(WriteRequest(side: spec.side, table: spec.table, rows: rows, operation: spec.operation))
                let detail = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
                return [OperatorRequest.Result(id: "write", outcome: "written", detail: detail)]
            } catch let error as SyncError {
                return [OperatorRequest.Result(id: "write", outcome: "refused", detail: error.message)]
            }
        }
        if request.action == .resolve {
            return try request.ids.map { text in
                do {
                    return try resolveConflict(ErrorID(parsing: text), take: request.take ?? "", actor: actor)
                } catch let error as SyncError {
                    return OperatorRequest.Result(id: text, outcome: "refused", detail: error.message)
                }
            }
        }
        var results: [OperatorRequest.Result] = []
        var entries: [NamedEntry] = []
        func fetch(_ side: SideRole, _ condition: String, _ arguments: StatementArguments) throws -> [NamedEntry] {
            try sides[side]!.queue.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT id, map, source, key, seq, op, row, reason, kind FROM _tandem_parked WHERE \(condition) ORDER BY seq, id",
                    arguments: arguments
                ).map { row in
                    NamedEntry(
                        id: ErrorID(side: side, number: row[0]), map: row[1], direction: SyncDirection(from: SideRole(rawValue: row[2]) ?? side.other),
                        key: row[3], seq: row[4], operation: row[5], row: row[6], reason: row[7], kind: row[8])
                }
            }
        }
        if request.all {
            for side in SideRole.allCases {
                let errors = "kind NOT IN ('behind', 'conflict')"
                entries += try request.map.map { try fetch(side, "\(errors) AND map = ?", [$0]) } ?? fetch(side, errors, [])
            }
            if entries.isEmpty {
                return [OperatorRequest.Result(id: "*", outcome: "refused", detail: "no parked changes\(request.map.map { " of map \($0)" } ?? "")")]
            }
        } else {
            for text in request.ids {
                do {
                    let id = try ErrorID(parsing: text)
                    guard let entry = try fetch(id.side, "id = ?", [id.number]).first else {
                        throw SyncError(.state, "there is no parked change \(id) (applied or discarded already?); `tandem errors list` shows the current ones")
                    }
                    entries.append(entry)
                } catch let error as SyncError {
                    results.append(OperatorRequest.Result(id: text, outcome: "refused", detail: error.message))
                }
            }
        }
        entries = entries.filter { entry in
            if entry.kind == "conflict" {
                let conflict = (try? conflictOf(entry)) ?? "its conflict"
                results.append(
                    OperatorRequest.Result(
                        id: entry.id.description, outcome: "refused",
                        detail: "it waits for a conflict to be decided: `tandem conflicts resolve \(conflict) --take erp|crm|merged`"))
                return false
            }
            guard states[entry.map]?.isActive == true else {
                let state = states[entry.map] ?? .notRunning
                results.append(
                    OperatorRequest.Result(
                        id: entry.id.description, outcome: "refused",
                        detail: "map \(entry.map) is \(state.rawValue); `tandem maps \(state == .paused ? "resume" : "run") \(entry.map)` first"))
                return false
            }
            return true
        }
        var keys: [SyncDirection: [String: Set<String>]] = [:]
        for entry in entries { keys[entry.direction, default: [:]][entry.map, default: []].insert(entry.key) }

        if request.action == .discard {
            for entry in entries {
                try sides[entry.direction.target]!.queue.write { db in
                    try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [entry.id.number])
                }
                var outcome = ApplyOutcome()
                outcome.unparked = [(entry.map, entry.key)]
                commit(outcome, direction: entry.direction)
                try state.log(
                    actor: actor, map: entry.map, event: "parked change discarded",
                    details: "\(entry.id): change \(entry.direction.source):\(entry.seq) (\(entry.operation), key \(entry.key)), row \(entry.row ?? "NULL"); it was parked because: \(entry.reason)")
                results.append(OperatorRequest.Result(id: entry.id.description, outcome: "discarded"))
            }
        }
        // Retry (or, after a discard, let the changes behind go on), in order per key.
        var superseded: [Int64: Int64] = [:]
        for (direction, byMap) in keys {
            for (map, mapKeys) in byMap {
                let outcome = try retryParked(map: map, direction: direction, scope: .keys(mapKeys))
                for entry in outcome.superseded { superseded[entry.seq] = entry.by }
            }
        }
        if request.action == .retry {
            for entry in entries {
                if let still = try fetch(entry.id.side, "id = ?", [entry.id.number]).first {
                    results.append(OperatorRequest.Result(id: entry.id.description, outcome: "failed", detail: still.reason))
                } else if let by = superseded[entry.seq] {
                    results.append(
                        OperatorRequest.Result(
                            id: entry.id.description, outcome: "superseded",
                            detail: "no longer needed: the newer change \(entry.direction.source):\(by) of the same key was applied, so the row holds its latest version (this older change, which still fails on its own, was dropped)"))
                } else {
                    results.append(OperatorRequest.Result(id: entry.id.description, outcome: "applied"))
                }
            }
            try state.log(
                actor: actor, map: request.map, event: "errors retried",
                details: results.map { "\($0.id): \($0.outcome)" }.joined(separator: ", "))
        }
        return results
    }
}
