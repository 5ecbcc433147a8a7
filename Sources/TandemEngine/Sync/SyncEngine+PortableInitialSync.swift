import Foundation

/// Initial sync row by row through ``SideEndpoint``, for any pair of
/// endpoints (a PostgreSQL side on either end): the same two phases, the
/// same decisions and the same progress record as the SQLite path, with each
/// chunk's rows, conflicts and progress in one transaction on the side it
/// writes, so that a run that dies resumes after the last finished chunk.
///
/// A phase whose target is a PostgreSQL side takes the bulk path: each
/// chunk's decisions are the row path's (filters, lookups, conflicts,
/// parking, all in ``BatchApplier``), and the rows the target does not have
/// go in with one `COPY … FROM STDIN` (``PostgreSQLBulkTarget``). A phase
/// into a SQLite side goes row by row: SQLite has no COPY, and the bulk path
/// between two SQLite files (`ATTACH`) cannot reach a server.
///
/// Maps that look up rows of their own table (a customer billed to another)
/// get the SQLite path's second pass (``completeSelfReferencesPortably``).
extension SyncEngine {
    /// Initial sync of `plan`'s map from `master` (see ``initialSync(map:master:chunk:bulk:actor:progress:)``),
    /// on sides that are not both SQLite files.
    func portableInitialSync(
        map name: String, master: SideRole, plan: DirectionPlan, chunk: Int?, bulk allowBulk: Bool = true,
        actor: String, progress report: (InitialSyncProgress) -> Void
    ) throws -> InitialSyncProgress {
        let other = master.other
        let source = endpoint(master)
        let target = endpoint(other)
        let reverse = plans[name]?[SyncDirection(from: other)]
        var first = try target.initialProgress(map: name)
        let second = try source.initialProgress(map: name)
        let firstDone = first?.finishedAt != nil
        let secondDone = reverse == nil || second?.finishedAt != nil
        let resumed = first?.master == master && !(firstDone && secondDone)
        if !resumed {
            // The checkpoints start anew: what was applied before says nothing about them any more.
            try self.state.forgetApplied(map: name)
            var otherRows: Int?
            for direction in SyncDirection.allCases {
                guard let directionPlan = plans[name]?[direction] else { continue }
                let side = endpoint(direction.source)
                // The head first: a row written after it is in the change log after it, and live sync
                // carries it (again, if the scan below saw it too: applying it twice changes nothing).
                let head = try side.stableHead()
                let rows = try side.rowCount(table: directionPlan.sourceTable)
                if direction.source == other { otherRows = rows }
                try endpoint(direction.target).resetCheckpoint(CheckpointID(map: name, source: direction.source), to: head)
            }
            let now = StateStore.now
            for (side, phase) in [(target, "master"), (source, "other")] {
                try side.startInitialProgress(
                    InitialProgress(
                        map: name, master: master, phase: phase, lastKey: nil, done: 0, conflicts: 0, errors: 0,
                        startedAt: now, finishedAt: nil, otherRows: otherRows))
            }
            first = try target.initialProgress(map: name)
        }
        var state = InitialSyncProgress(
            map: name, master: master, phase: "master", done: 0, total: 0,
            conflicts: resumed ? max(first?.conflicts ?? 0, second?.conflicts ?? 0) : 0,
            errors: resumed ? max(first?.errors ?? 0, second?.errors ?? 0) : 0, resumed: resumed, path: "row")
        try self.state.log(
            actor: actor, map: name, event: ActivityEvent.initialSyncStarted,
            details: "master \(master)" + (resumed ? ", resuming where a stopped run left off" : ""))
        var paths: [String] = []
        var lastLogged = ContinuousClock.now
        func progress(_ current: InitialSyncProgress) {
            report(current)
            guard current.done >= current.total || ContinuousClock.now - lastLogged >= Self.progressLogInterval else { return }
            lastLogged = .now
            try? self.state.log(
                actor: actor, map: name, event: ActivityEvent.initialSyncProgress,
                details:
                    "\(current.phase) phase, row path: \(current.done)/\(current.total) rows; \(current.conflicts) differed, \(current.errors) parked")
        }
        let phases: [(String, DirectionPlan, any SideEndpoint, any SideEndpoint, InitialProgress?)] =
            [("master", plan, source, target, first)] + (reverse.map { [("other", $0, target, source, second)] } ?? [])
        for (phase, phasePlan, from, to, saved) in phases {
            if resumed, saved?.finishedAt != nil { continue }
            state.phase = phase
            state.done = resumed ? saved?.done ?? 0 : 0
            if phase == "other", first?.otherRows == 0 {
                state.path = "skipped"
                state.pathReason =
                    "the \(other) side had no rows when initial sync started; rows added since travel by live sync"
                state.total = 0
                progress(state)
            } else {
                let bulk = allowBulk ? to as? PostgreSQLSide : nil
                state.path = bulk != nil ? "bulk" : "row"
                state.pathReason =
                    bulk != nil
                    ? nil
                    : allowBulk
                        ? "the \(to.role) side is a SQLite file, which has no COPY; the rows go one by one"
                        : "the bulk path was turned off"
                logger.info(
                    "initial sync of \(name), \(phase) phase (\(phasePlan.direction)): \(state.path) path\(state.pathReason.map { ": \($0)" } ?? "")"
                )
                let deferred = try copyPhasePortably(
                    phasePlan, phase: phase, master: master,
                    chunk: chunk ?? (bulk != nil ? Self.initialSyncBulkChunk : Self.initialSyncChunk),
                    after: resumed ? saved?.lastKey : nil, from: from, to: to, bulk: bulk, state: &state, progress: progress)
                // Second pass: references into the map's own table, now that every row is there. Only
                // when the first pass left some empty (a resumed run cannot know what the killed one left).
                let (filled, parked) =
                    deferred > 0 || resumed ? try completeSelfReferencesPortably(phasePlan, from: from, to: to) : (0, 0)
                if filled + parked > 0 {
                    state.errors += parked
                    paths.append(
                        "\(phase) phase: \(filled) reference(s) to rows of the same map filled in a second pass, \(parked) still missing (error list)")
                }
            }
            paths.append("\(phase) phase \(state.path)" + (state.pathReason.map { " (\($0))" } ?? ""))
            try to.finishInitialProgress(map: name)
        }
        try self.state.log(
            actor: actor, map: name, event: ActivityEvent.initialSyncFinished,
            details:
                "master \(master); \(state.conflicts) rows differed (master kept), \(state.errors) parked in the error list; "
                + paths.joined(separator: "; "))
        return state
    }

    /// How one chunk is applied (see ``copyPhasePortably``).
    private enum ChunkWay {
        /// COPY without reading the target first: the previous chunk met no row there.
        case copyBlind
        /// Read the chunk's target rows in one statement, COPY the ones not there.
        case copyProbed
        /// Every row written alone, like a live change (a SQLite target, or a chunk whose COPY a row broke).
        case rowByRow
    }

    /// One phase: `from`'s rows in key order, chunk by chunk, each chunk
    /// applied to `to` like live changes in one transaction with the
    /// conflicts it found and its progress. With `bulk` (the target is a
    /// PostgreSQL side), the rows the target does not have go in with one
    /// COPY per chunk; the others (rows there with other values, rows its
    /// applications edited, rows a check parks) take the row path's writes.
    private func copyPhasePortably(
        _ plan: DirectionPlan, phase: String, master: SideRole, chunk size: Int, after start: String?,
        from: any SideEndpoint, to: any SideEndpoint, bulk: PostgreSQLSide?, state: inout InitialSyncProgress,
        progress: (InitialSyncProgress) -> Void
    ) throws -> Int {
        /// Rows written with a reference into their own map left empty (see ``completeSelfReferencesPortably``).
        var deferred = 0
        let masterPhase = phase == "master"
        let sourceKey = plan.sourceKey.map { plan.sourceColumns[$0] }
        let targetKey = plan.targetKey.map { plan.targetColumns[$0] }
        // The edits of `to` that have not travelled to `from` yet (made after initial sync started):
        // none when that direction does not sync.
        let editsAfter: Int64? =
            plans[plan.map]?[SyncDirection(from: to.role)] == nil
            ? nil : try from.storedCheckpoints()[CheckpointID(map: plan.map, source: to.role)] ?? 0
        // Copying without a probe needs a row that is there to fail the COPY: the map's key must be the
        // target's primary key. Only in the master phase: the other phase's rows are mostly there.
        let blindAllowed = try bulk.map { try masterPhase && $0.primaryKeyIs(targetKey, table: plan.targetTable) } ?? false
        var blind = blindAllowed
        state.total = try from.rowCount(table: plan.sourceTable)
        progress(state)
        var after = start
        // On the bulk path the next chunk is read while this one is mapped and copied: the source
        // server's work overlaps the engine's and the target's (see ReadAhead).
        let source = UncheckedSide(from)
        let (sourceTable, sourceColumns) = (plan.sourceTable, plan.sourceColumns)
        func readAhead(after: String?) -> ReadAhead<[(key: String, row: String, values: [SideValue]?)]>? {
            guard bulk != nil else { return nil }
            return ReadAhead(name: "tandem initial read") {
                try source.side.rowValuesInKeyOrder(
                    table: sourceTable, columns: sourceColumns, key: sourceKey, after: after, limit: size)
            }
        }
        var next = readAhead(after: after)
        while true {
            let rows =
                try next?.take()
                ?? from.rowValuesInKeyOrder(
                    table: plan.sourceTable, columns: plan.sourceColumns, key: sourceKey, after: after, limit: size)
            guard let last = rows.last else { break }
            next = readAhead(after: last.key)
            let prepared = prepare(
                rows.map { (plan, Self.initialChange(plan, key: $0.key, row: $0.row), nil) }, parsed: rows.map(\.values))
            let edits = try pendingEdits(of: plan, in: to, after: editsAfter)
            var way: ChunkWay = bulk == nil ? .rowByRow : blind && edits.isEmpty ? .copyBlind : .copyProbed
            while true {
                var items = prepared
                // The target's current rows of the mapped keys, in one read.
                var mapped: [(index: Int, values: [SideValue])] = []
                for (index, item) in items.enumerated() {
                    if case .success(let values)? = item.mapped { mapped.append((index, values)) }
                }
                // A blind chunk (master phase, no pending edit) reads nothing of the target and
                // decides nothing per key: every row is copied, and a row that is there after all
                // fails the COPY, which sends the chunk down the probed way. No key is built for it.
                let blindChunk = way == .copyBlind
                let keys = blindChunk ? [] : mapped.map { entry in plan.targetKey.map { entry.values[$0] } }
                let current: [[SideValue]?]
                switch way {
                case .copyBlind:
                    current = []
                case .copyProbed:
                    current = try bulk!.currentRowsByKey(
                        table: plan.targetTable, columns: plan.targetColumns, keyColumns: targetKey, keys: keys)
                case .rowByRow:
                    current = try to.currentRows(
                        table: plan.targetTable, columns: plan.targetColumns, keyColumns: targetKey, keys: keys
                    ).map { try $0.map { try SQLLiteral.parseList($0) } }
                }
                var conflicts: [ConflictRecord] = []
                var superseded: [(key: String, seq: Int64)] = []
                // Keys the target has no row of and no pending edit: these may be copied (nil: all).
                var absent: Set<String>? = blindChunk ? nil : []
                for (position, entry) in mapped.enumerated() where !blindChunk {
                    let existing = current[position]
                    let key = plan.targetKeyString(entry.values)
                    let edit = edits[key]
                    if existing == nil, edit == nil { absent?.insert(key) }
                    guard masterPhase else {
                        // Rows the master has, or whose key its applications edited, are the master's to send.
                        if existing != nil || edit != nil { items[entry.index].mapped = nil }
                        continue
                    }
                    if edit == nil {
                        guard let existing else { continue }
                        if existing == entry.values {
                            items[entry.index].mapped = nil
                            continue
                        }
                    }
                    let side = plan.direction.target
                    let outcome = Self.initialSyncOutcome(side: side, master: master, editedAt: edit?.seqs[0])
                    if let edit { superseded.append((edit.storedKey, edit.seqs[0])) }
                    let targetRow = try to.currentRows(
                        table: plan.targetTable, columns: plan.targetCaptureColumns, keyColumns: targetKey,
                        keys: [plan.targetKey.map { entry.values[$0] }]
                    ).first ?? nil
                    conflicts.append(
                        ConflictRecord(
                            map: plan.map, key: key, policy: "initial-sync",
                            winner: master.rawValue, source: master.rawValue, sourceSeq: 0,
                            sourceRow: items[entry.index].change.row, targetSeq: edit?.seqs[0] ?? 0, targetRow: targetRow,
                            status: "resolved", outcome: outcome, sourceTable: plan.sourceTable,
                            targetTable: plan.targetTable))
                }
                let done = state.done + rows.count
                let conflictTotal = state.conflicts + conflicts.count
                let errorsBefore = state.errors
                func record(_ transaction: any TargetTransaction, _ applied: ApplyOutcome) throws {
                    for conflict in conflicts { _ = try transaction.recordConflict(conflict) }
                    for (key, seq) in superseded {
                        try transaction.supersede(
                            table: plan.targetTable, key: key, from: seq, note: "superseded by initial sync from \(master)")
                    }
                    try transaction.recordInitialProgress(
                        map: plan.map, lastKey: last.key, done: done, conflicts: conflictTotal,
                        errors: errorsBefore + applied.newlyParked.count)
                }
                let outcome: ApplyOutcome
                if way == .rowByRow {
                    outcome = try applyItems(items, direction: plan.direction, mode: .initialSync) { transaction, applied in
                        try record(transaction, applied)
                    }
                } else {
                    var applier = makeApplier(direction: plan.direction, mode: .initialSync)
                    do {
                        let tables = items.filter { $0.mapped != nil }.isEmpty ? [] : [plan.targetTable]
                        outcome = try bulk!.applyInitialChunk(tables: tables, absent: absent) { target in
                            let applied = try applier.apply(items, into: target)
                            try record(target, applied)
                            return applied
                        }.result
                    } catch let refused as InitialCopyRefused {
                        if way == .copyBlind, refused.alreadyThere {
                            // A row was there: probe this chunk and the ones after it.
                            blind = false
                            way = .copyProbed
                        } else {
                            logger.notice(
                                "initial sync of \(plan.map): the \(plan.direction.target) side refused a row of the chunk ending at \(last.key) (\(refused.message)); that chunk goes row by row"
                            )
                            way = .rowByRow
                        }
                        continue
                    }
                    // Blind again once a probed chunk found none of its rows on the target.
                    if way == .copyProbed, blindAllowed, absent?.count == mapped.count { blind = true }
                }
                commit(outcome, direction: plan.direction)
                deferred += outcome.deferredReferences
                state.done = done
                state.conflicts = conflictTotal
                state.errors += outcome.newlyParked.count
                break
            }
            if let limit = Self.killAfterRows, state.done >= limit { Self.injectKill() }
            after = last.key
            progress(state)
        }
        return deferred
    }

    /// Initial sync's second pass on any pair of endpoints (the SQLite pair's is
    /// ``completeSelfReferences(_:from:to:)``): the rows of `from` that refer
    /// to a row of their own map, chunk by chunk; where the referenced row is on
    /// `to` now, the reference is written (that column only), and a row whose
    /// reference is still missing is parked, waiting for its parent, as live
    /// sync would park it. Returns how many it filled and how many it parked.
    func completeSelfReferencesPortably(_ plan: DirectionPlan, from: any SideEndpoint, to: any SideEndpoint) throws
        -> (filled: Int, parked: Int)
    {
        let checks = plan.parentChecks.enumerated().filter { $0.element.map == plan.map }
        guard !checks.isEmpty else { return (0, 0) }
        let sourceKey = plan.sourceKey.map { plan.sourceColumns[$0] }
        var filled = 0
        var parked = 0
        var after: String?
        while true {
            let rows = try from.rowsInKeyOrder(
                table: plan.sourceTable, columns: plan.sourceColumns, key: sourceKey, after: after, limit: Self.initialSyncChunk)
            guard let last = rows.last else { break }
            after = last.key
            let items = prepare(rows.map { (plan, Self.initialChange(plan, key: $0.key, row: $0.row), nil) })
            // Only the rows that refer to another row of the map.
            let referring = items.filter { item in
                guard case .success(let values)? = item.mapped else { return false }
                return checks.contains { check in
                    !values[check.element.target].isNull
                        && !(check.element.ownColumn.map { values[$0] == values[check.element.target] } ?? false)
                }
            }
            if !referring.isEmpty {
                var applier = makeApplier(direction: plan.direction, mode: .live)
                let outcome = try to.applyBatch(referring, checkpoints: [:], fastPath: false, logger: logger) { transaction in
                    try transaction.begin(.initialSync)
                    var missing: [ApplyItem] = []
                    for item in referring {
                        guard case .success(let values)? = item.mapped else { continue }
                        // A row the first pass did not write (parked, for another reason) stays where it is.
                        guard try transaction.rowExists(plan, key: plan.targetKey.map { values[$0] }) else { continue }
                        for (index, check) in checks where !values[check.target].isNull {
                            if let own = check.ownColumn, values[own] == values[check.target] { continue }
                            guard try transaction.parentExists(index, of: plan, values: values) else {
                                missing.append(item)
                                break
                            }
                            do {
                                try transaction.write(.update, plan: plan, values: values, oldKey: nil, only: [check.target])
                                filled += 1
                            } catch is RowRefused {
                                missing.append(item)
                                break
                            }
                        }
                    }
                    try transaction.finish()
                    // A reference to a row that is still missing: the whole row is parked, as live sync would.
                    return try applier.apply(missing, into: transaction)
                }
                parked += outcome.newlyParked.count
                commit(outcome, direction: plan.direction)
            }
            if rows.count < Self.initialSyncChunk { break }
        }
        return (filled, parked)
    }

    /// The applications' changes of `plan`'s target table in `side` after
    /// `seq` (nil: none wanted), by normalised target key.
    private func pendingEdits(of plan: DirectionPlan, in side: any SideEndpoint, after seq: Int64?) throws
        -> [String: (storedKey: String, seqs: [Int64])]
    {
        guard let seq else { return [:] }
        var result: [String: (storedKey: String, seqs: [Int64])] = [:]
        var from = seq
        while true {
            let edits = try side.applicationEdits(table: plan.targetTable, after: from, limit: 10_000)
            for edit in edits {
                guard let values = try? SQLLiteral.parseList(edit.key) else { continue }
                result[plan.keyString(values), default: (edit.key, [])].seqs.append(edit.seq)
            }
            guard edits.count == 10_000, let last = edits.last else { return result }
            from = last.seq
        }
    }
}

/// A side handed to ``ReadAhead``'s thread. `@unchecked Sendable`: a
/// PostgreSQL side serialises its callers on its own lock (its calls from
/// several threads take turns on its session) and a SQLite side is
/// `Sendable`; the endpoint protocol does not say so for every side.
private struct UncheckedSide: @unchecked Sendable {
    let side: any SideEndpoint
    init(_ side: any SideEndpoint) { self.side = side }
}
