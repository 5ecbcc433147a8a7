import Foundation

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
        try endpoint(entry.id.side).openConflict(parkedID: entry.id.number).map { ErrorID(side: entry.id.side, number: $0).description }
    }

    /// Decides open conflict `id`: `take` is the side whose version the row
    /// keeps, or `merged` (the incoming change's columns over the other
    /// side's, when they changed different columns).
    private func resolveConflict(_ id: ErrorID, take: String, actor: String) throws -> OperatorRequest.Result {
        let side = id.side
        let sideEndpoint = endpoint(side)
        guard let stored = try sideEndpoint.conflict(id: id.number) else {
            throw SyncError(.state, "there is no conflict \(id); `tandem conflicts list --open` shows the ones waiting")
        }
        let record = stored.record
        let map = record.map
        guard record.status == "open" else {
            throw SyncError(
                .state, "conflict \(id) is not open: \(record.outcome.isEmpty ? "decided" : record.outcome)\(stored.resolvedBy.map { " (by \($0))" } ?? "")")
        }
        try requireCompiled(map)
        guard let source = SideRole(rawValue: record.source), let plan = plans[map]?[SyncDirection(from: source)] else {
            throw SyncError(.state, "conflict \(id) names map \(map), which is not enabled here")
        }
        guard states[map]?.isActive == true else {
            let state = states[map] ?? .notRunning
            throw SyncError(.state, "map \(map) is \(state.rawValue); `tandem maps \(state == .paused ? "resume" : "run") \(map)` first")
        }
        let direction = plan.direction
        let key = record.key
        let incoming = try stored.parkedID.flatMap { try sideEndpoint.parkedChange(id: $0) }
        let sourceKey = incoming?.parked.change.key
        /// Drops parked changes of `map` coming from `from` with `parkedKey`, logging each.
        func drop(from: SideRole, parkedKey: String?, because: String) throws {
            guard let parkedKey else { return }
            let target = from.other
            let dropped = try endpoint(target).discardParked(map: map, source: from, key: parkedKey)
            var outcome = ApplyOutcome()
            for entry in dropped {
                let change = entry.parked.change
                let id = ErrorID(side: target, number: entry.id)
                outcome.unparked.append((map, parkedKey))
                let history = StateStore.ParkedHistoryEntry(
                    id: id, map: map, source: from.rawValue, seq: change.seq, operation: change.operation.rawValue,
                    key: parkedKey, kind: entry.parked.kind, errorClass: entry.parked.errorClass, reason: entry.parked.reason,
                    attempts: entry.attempts, parkedAt: entry.parkedAt, outcome: "discarded (\(because))")
                try state.archiveParked(
                    [
                        (
                            history,
                            "\(id): change \(from):\(change.seq) (\(change.operation.rawValue), key \(parkedKey)), row \(change.row ?? "NULL"); \(because)"
                        )
                    ], event: ActivityEvent.parkedChangeDiscarded, actor: actor)
            }
            commit(outcome, direction: SyncDirection(from: from))
        }
        func close(winner: String, outcome text: String) throws {
            try sideEndpoint.closeConflict(id: id.number, winner: winner, outcome: text, by: actor)
            openConflicts[map]?[side]?[key] = nil
            try state.log(actor: actor, map: map, event: "conflict resolved", details: "\(id): \(text)")
        }

        switch take {
        case source.rawValue:
            // The incoming change wins: the other side's edits of the key lose.
            try sideEndpoint.supersedeEdits(table: plan.targetTable, key: key, note: "superseded by the resolution of \(id)")
            try drop(from: side, parkedKey: key, because: "it lost conflict \(id), resolved by \(actor) for \(source)")
            try close(winner: source.rawValue, outcome: "\(source) wins: taken by \(actor)")
            if let sourceKey, let incoming {
                try sideEndpoint.markParkedError(id: incoming.id)
                try retryParked(map: map, direction: direction, scope: .keys([sourceKey]))
            }
        case side.rawValue:
            // The row keeps this side's version: the incoming change (and its key's later ones) lose.
            try drop(from: source, parkedKey: sourceKey, because: "it lost conflict \(id), resolved by \(actor) for \(side)")
            try close(winner: side.rawValue, outcome: "\(side) wins: taken by \(actor)")
            try retryParked(map: map, direction: SyncDirection(from: side), scope: .keys([key]))
        case "merged":
            let sourceColumns = record.sourceChanged.map { Set($0.split(separator: ",").map(String.init)) }
            let targetColumns = record.targetChanged.map { Set($0.split(separator: ",").map(String.init)) }
            guard let sourceColumns, let targetColumns, let incoming else {
                throw SyncError(.state, "conflict \(id) cannot be merged: one side inserted or deleted the row; take erp or crm")
            }
            let overlap = sourceColumns.intersection(targetColumns)
            guard overlap.isEmpty else {
                throw SyncError(
                    .state, "conflict \(id) cannot be merged: both sides changed \(overlap.sorted().joined(separator: ", ")); take erp or crm")
            }
            var change = incoming.parked.change
            change.table = plan.sourceTable
            guard case .success(let values)? = prepare([(plan, change, nil)]).first?.mapped else {
                throw SyncError(.state, "conflict \(id): the incoming change no longer maps; take erp or crm")
            }
            let local = LocalEdits(seq: record.targetSeq, key: key, row: nil, at: 0, columns: targetColumns)
            let merged = try sideEndpoint.writeMergedResolution(
                plan, values: values, columns: sourceColumns, local: local, origin: "\(source):\(change.seq) merged",
                note: "superseded by the merged resolution of \(id)", parkedID: incoming.id)
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
        let errorClass: ErrorClass
        let parkedAt: Double
        let attempts: Int

        /// The entry as the log's history keeps it once it left the error list.
        func history(_ outcome: String, attempts extra: Int = 0) -> StateStore.ParkedHistoryEntry {
            StateStore.ParkedHistoryEntry(
                id: id, map: map, source: direction.source.rawValue, seq: seq, operation: operation, key: key, kind: kind,
                errorClass: errorClass, reason: reason, attempts: attempts + extra, parkedAt: parkedAt, outcome: outcome)
        }
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
        if request.action == .addField {
            guard let field = request.field, let map = request.map else {
                return [OperatorRequest.Result(id: request.map ?? "*", outcome: "refused", detail: "no field given")]
            }
            do {
                return [try addField(field, map: map, actor: actor)]
            } catch let error as SyncError {
                return [OperatorRequest.Result(id: map, outcome: "refused", detail: error.message)]
            }
        }
        if request.action == .resolve {
            return try request.ids.map { text in
                do {
                    return try resolveConflict(ErrorID(parsing: text, conflict: true), take: request.take ?? "", actor: actor)
                } catch let error as SyncError {
                    return OperatorRequest.Result(id: text, outcome: "refused", detail: error.message)
                }
            }
        }
        var results: [OperatorRequest.Result] = []
        var entries: [NamedEntry] = []
        func named(_ side: SideRole, _ stored: StoredParkedChange) -> NamedEntry {
            let parked = stored.parked
            return NamedEntry(
                id: ErrorID(side: side, number: stored.id), map: parked.map,
                direction: SyncDirection(from: SideRole(rawValue: parked.source) ?? side.other), key: parked.change.key,
                seq: parked.change.seq, operation: parked.change.operation.rawValue, row: parked.change.row, reason: parked.reason,
                kind: parked.kind, errorClass: parked.errorClass, parkedAt: stored.parkedAt, attempts: stored.attempts)
        }
        func fetch(_ id: ErrorID) throws -> NamedEntry? {
            try endpoint(id.side).parkedChange(id: id.number).map { named(id.side, $0) }
        }
        if request.all {
            for side in SideRole.allCases {
                entries += try endpoint(side).parkedErrors(map: request.map).map { named(side, $0) }
            }
            if entries.isEmpty {
                return [OperatorRequest.Result(id: "*", outcome: "refused", detail: "no parked changes\(request.map.map { " of map \($0)" } ?? "")")]
            }
        } else {
            for text in request.ids {
                do {
                    let id = try ErrorID(parsing: text)
                    guard let entry = try fetch(id) else {
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
            // A discard only deletes the entry, so it needs no running map: an alert's pause
            // action leaves the map paused exactly when its errors need clearing. What waits
            // behind the entry goes on when the map runs again (``releaseUnblockedKeys(_:)``).
            guard request.action == .discard || states[entry.map]?.isActive == true else {
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
                try endpoint(entry.direction.target).deleteParked(id: entry.id.number)
                var outcome = ApplyOutcome()
                outcome.unparked = [(entry.map, entry.key)]
                commit(outcome, direction: entry.direction)
                // The entry leaves the side; the log keeps it, with who discarded it and when.
                try state.archiveParked(
                    [
                        (
                            entry.history("discarded"),
                            "\(entry.id): change \(entry.direction.source):\(entry.seq) (\(entry.operation), key \(entry.key)), row \(entry.row ?? "NULL"); it was parked because: \(entry.reason)"
                        )
                    ], event: ActivityEvent.parkedChangeDiscarded, actor: actor)
                let mapState = states[entry.map] ?? .notRunning
                if mapState.isActive {
                    results.append(OperatorRequest.Result(id: entry.id.description, outcome: "discarded"))
                } else {
                    let behind = try endpoint(entry.direction.target).parkedChanges(
                        map: entry.map, source: entry.direction.source, waitingForParents: false
                    ).filter { $0.change.key == entry.key }.count
                    results.append(
                        OperatorRequest.Result(
                            id: entry.id.description, outcome: "discarded",
                            detail: behind == 0
                                ? nil
                                : "map \(entry.map) is \(mapState.rawValue): the \(behind) later change(s) of key \(entry.key) go on when it runs again"))
                }
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
            // What left the error list stays in the log's history, with who retried it and when.
            var cleared: [(entry: StateStore.ParkedHistoryEntry, details: String?)] = []
            var keyOf: [String: String] = [:]
            for entry in entries {
                keyOf[entry.id.description] = entry.key
                if let still = try fetch(entry.id) {
                    results.append(OperatorRequest.Result(id: entry.id.description, outcome: "failed", detail: still.reason))
                } else if let by = superseded[entry.seq] {
                    results.append(
                        OperatorRequest.Result(
                            id: entry.id.description, outcome: "superseded",
                            detail: "no longer needed: the newer change \(entry.direction.source):\(by) of the same key was applied, so the row holds its latest version (this older change, which still fails on its own, was dropped)"))
                    cleared.append((entry.history("superseded on retry by \(entry.direction.source):\(by)", attempts: 1), nil))
                } else {
                    results.append(OperatorRequest.Result(id: entry.id.description, outcome: "applied"))
                    cleared.append((entry.history("applied on retry", attempts: 1), nil))
                }
            }
            try state.archiveParked(cleared, event: ActivityEvent.errorsRetried, actor: actor)
            // The key is named so that `tandem log --key` finds the retry too.
            try state.log(
                actor: actor, map: request.map, event: ActivityEvent.errorsRetried,
                details: results.map { "\($0.id)\(keyOf[$0.id].map { " (key \($0))" } ?? ""): \($0.outcome)" }.joined(separator: ", "))
        }
        return results
    }
}
