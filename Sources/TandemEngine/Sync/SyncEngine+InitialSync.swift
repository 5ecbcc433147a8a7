import Foundation
import GRDB

/// Initial sync: bring the rows that existed before capture into step, from
/// a master side, chunk by chunk in key order, resumable after a crash.
extension SyncEngine {
    /// Progress of one map's initial sync, for the CLI to show.
    package struct InitialSyncProgress: Sendable, Codable {
        /// The map.
        package var map: String
        /// The side whose rows win.
        package var master: SideRole
        /// `master` (master rows to the other side) or `other` (rows only the other side has, to the master).
        package var phase: String
        /// Rows done in this phase.
        package var done: Int
        /// The phase's source rows at its start.
        package var total: Int
        /// Rows where both sides had the key with different values, or the
        /// other side's applications changed the key while initial sync ran
        /// (the master's version was kept).
        package var conflicts: Int
        /// Rows parked in the error list.
        package var errors: Int
        /// Whether this run picked up where an earlier one stopped.
        package var resumed: Bool
        /// How this phase copies: `bulk` (`INSERT … SELECT` across `ATTACH`,
        /// with only the rows that need a decision going one by one), `row`
        /// (every row mapped and applied like a live change) or `skipped`.
        package var path: String
        /// Why the phase takes the row path or is skipped; nil for `bulk`.
        package var pathReason: String?
        /// Once done: the master's rows that the map's filter left out (not
        /// carried, and no error), nil when the map has no filter that way.
        package var filteredOut: Int?
        /// The filter, as written, and where it is set, when ``filteredOut`` is counted.
        package var filter: String?
        package var filterOrigin: String?
    }

    /// For the crash test: `TANDEM_FAULT=kill-after-rows:N` kills the process
    /// once a committed chunk brings the rows done to N or more.
    static let killAfterRows: Int? = {
        guard let fault = ProcessInfo.processInfo.environment["TANDEM_FAULT"], fault.hasPrefix("kill-after-rows:")
        else { return nil }
        return Int(fault.dropFirst("kill-after-rows:".count))
    }()

    /// The fault itself: a `kill -9` of the command. Under a supervisor
    /// (`tandem maps initial-sync` runs its work in a child process, which
    /// the CLI's EngineSupervisor tells its pid in `TANDEM_SUPERVISOR_PID`)
    /// that is the supervisor, which takes the child with it; killing only
    /// the child would be a crash, which the supervisor restarts.
    static func injectKill() {
        if let supervisor = ProcessInfo.processInfo.environment["TANDEM_SUPERVISOR_PID"].flatMap({ pid_t($0) }) {
            kill(supervisor, SIGKILL)
        }
        kill(getpid(), SIGKILL)
    }

    /// Rows read and applied per transaction on the row path.
    package static let initialSyncChunk = 5000

    /// Rows per transaction on the bulk path: each chunk costs a few queries
    /// and a commit besides its rows, so larger chunks come closer to one
    /// `INSERT … SELECT` of everything, while still holding the target's write
    /// lock for only tens of milliseconds at a time.
    package static let initialSyncBulkChunk = 50_000

    /// More pending edits than this in a chunk's target make the chunk go row by row
    /// (their keys are bound into the bulk statements, and SQLite limits bound values).
    private static let pendingEditsInSQL = 2000

    /// Runs initial sync of `map` from `master` (default: the map's `master`
    /// setting): every master row is applied to the other side (the master's
    /// version wins where both have the key, recorded as a conflict), then,
    /// for maps that sync both ways, the rows only the other side has are
    /// applied to the master. Each chunk commits with its progress in the
    /// other side's `_tandem_initial`, so a run that dies resumes after the
    /// last finished chunk. `chunk` rows per chunk (default: ``initialSyncChunk``
    /// on the row path, ``initialSyncBulkChunk`` on the bulk path). Rows that
    /// fail are parked in the error list.
    /// Live sync of the map must be off (state `initializing`); the
    /// checkpoints are set at the start, so that live sync later replays
    /// exactly the changes made while this ran.
    ///
    /// Maps made of plain column copies, constants and lookups take the bulk
    /// path (`INSERT … SELECT` across `ATTACH`); maps with plugin transforms,
    /// or with `bulk` false, go row by row. Initial sync's own writes are not
    /// recorded in the change logs (no echoes); applications' writes are.
    /// The activity log gets its start, its progress (each phase's end, and
    /// every ``progressLogInterval`` in between) and its end, with `actor`.
    package func initialSync(
        map name: String, master requested: SideRole? = nil, chunk: Int? = nil, bulk allowBulk: Bool = true, actor: String = "cli",
        progress report: (InitialSyncProgress) -> Void
    ) throws -> InitialSyncProgress {
        _ = try refreshMapStates()
        guard let resolved = maps.first(where: { $0.name == name }) else {
            throw SyncError(.configuration, "map '\(name)' is not enabled in this environment")
        }
        guard states[name]?.isActive != true else {
            throw SyncError(
                .state,
                "map \(name) is \(states[name]!.rawValue); initial sync runs before live sync (`tandem maps stop \(name)` first)"
            )
        }
        let master = requested ?? resolved.settings.master
        let forward = SyncDirection(from: master)
        try requireCompiled(name)
        guard let plan = plans[name]?[forward] else {
            throw SyncError(.configuration, "map \(name) does not sync \(forward); choose the other master side")
        }
        let other = master.other
        guard sides[master] is SideDatabase, sides[other] is SideDatabase else {
            return try portableInitialSync(map: name, master: master, plan: plan, chunk: chunk, bulk: allowBulk, actor: actor, progress: report)
        }
        // Two SQLite files: the bulk path reads one from the other (ATTACH).
        let target = try sqliteSide(other, for: "initial sync")
        let source = try sqliteSide(master, for: "initial sync")
        let reverse = plans[name]?[SyncDirection(from: other)]
        // Each phase keeps its progress in the side it writes, committed with its rows.
        for side in [source, target] {
            try side.queue.write { db in try SideDatabase.createInitialTable(db) }
        }
        func record(_ side: SideDatabase) throws -> Row? {
            try side.queue.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM _tandem_initial WHERE map = ?", arguments: [name])
            }
        }
        var first = try record(target)
        let second = try record(source)
        let firstDone = first?["finished_at"] as Double? != nil
        let secondDone = reverse == nil || second?["finished_at"] as Double? != nil
        let resumed = first.map { ($0["master"] as String) == master.rawValue } == true && !(firstDone && secondDone)
        if !resumed {
            // The checkpoints start anew below: what was applied before says nothing about them any more.
            try self.state.forgetApplied(map: name)
            // Live sync will start after the changes that exist now: the rows read below already reflect them.
            var otherRows: Int?
            for direction in SyncDirection.allCases {
                guard let directionPlan = plans[name]?[direction] else { continue }
                let side = direction.source == master ? source : target
                // Read together: a row the other side gets after this count is in its change log after this head.
                let (head, rows) = try side.queue.read { db in
                    (
                        try side.headSeq(db),
                        try Int.fetchOne(
                            db, sql: "SELECT COUNT(*) FROM \(CaptureSchema.identifier(directionPlan.sourceTable))") ?? 0
                    )
                }
                if direction.source == other { otherRows = rows }
                try (direction.target == master ? source : target).queue.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO _tandem_checkpoints (map, source, seq) VALUES (?, ?, ?)
                            ON CONFLICT (map, source) DO UPDATE SET seq = excluded.seq
                            """,
                        arguments: [name, direction.source.rawValue, head])
                }
            }
            for (side, phase) in [(target, "master"), (source, "other")] {
                try side.queue.write { db in
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO _tandem_initial (map, master, phase, last_key, done, conflicts, errors, started_at, other_rows)
                            VALUES (?, ?, ?, NULL, 0, 0, 0, ?, ?)
                            """,
                        arguments: [name, master.rawValue, phase, StateStore.now, otherRows])
                }
            }
            first = try record(target)
        }
        var state = InitialSyncProgress(
            map: name, master: master, phase: "master", done: 0, total: 0,
            // Each phase's record carries the running totals of both.
            conflicts: resumed ? max(first?["conflicts"] ?? 0, second?["conflicts"] ?? 0) : 0,
            errors: resumed ? max(first?["errors"] ?? 0, second?["errors"] ?? 0) : 0, resumed: resumed, path: "row")
        var paths: [String] = []
        try self.state.log(
            actor: actor, map: name, event: ActivityEvent.initialSyncStarted,
            details: "master \(master)" + (resumed ? ", resuming where a stopped run left off" : ""))
        var lastLogged = ContinuousClock.now
        var loggedPhases: Set<String> = []
        func progress(_ current: InitialSyncProgress) {
            report(current)
            // Not per chunk: each phase's end, and a line every few seconds on a long phase.
            let finished = current.done >= current.total && !loggedPhases.contains(current.phase)
            guard finished || ContinuousClock.now - lastLogged >= Self.progressLogInterval else { return }
            lastLogged = .now
            if finished { loggedPhases.insert(current.phase) }
            let percent = current.total > 0 ? " (\(min(100, current.done * 100 / current.total)) %)" : ""
            try? self.state.log(
                actor: actor, map: name, event: ActivityEvent.initialSyncProgress,
                details:
                    "\(current.phase) phase, \(current.path) path: \(current.done)/\(current.total) rows\(percent); \(current.conflicts) differed, \(current.errors) parked")
        }

        // Phase 1: master rows to the other side. Phase 2: rows only the other side has, to the master.
        let phases: [(String, DirectionPlan, SideDatabase, SideDatabase, Row?)] =
            [("master", plan, source, target, first)] + (reverse.map { [("other", $0, target, source, second)] } ?? [])
        for (phase, phasePlan, from, to, saved) in phases {
            if resumed, saved?["finished_at"] as Double? != nil { continue }
            state.phase = phase
            state.done = resumed ? (saved?["done"] ?? 0) : 0
            let statements = InitialSyncSQL(phasePlan)
            if phase == "other", first?["other_rows"] as Int? == 0 {
                // Every row the other side has now came after the start, so its
                // change log has it, and live sync carries it to the master.
                state.path = "skipped"
                state.pathReason =
                    "the \(other) side had no rows when initial sync started; rows added since travel by live sync"
            } else if allowBulk, statements.bulk != nil {
                state.path = "bulk"
                state.pathReason = nil
            } else {
                state.path = "row"
                state.pathReason = allowBulk ? statements.rowPathReason : "the bulk path was turned off"
            }
            paths.append("\(phase) phase \(state.path)" + (state.pathReason.map { " (\($0))" } ?? ""))
            logger.info(
                "initial sync of \(name), \(phase) phase (\(phasePlan.direction)): \(state.path) path\(state.pathReason.map { ": \($0)" } ?? "")"
            )
            if state.path != "skipped" {
                let deferred = try copyPhase(
                    statements, phase: phase, master: master,
                    chunk: chunk ?? (state.path == "bulk" ? Self.initialSyncBulkChunk : Self.initialSyncChunk),
                    bulk: state.path == "bulk",
                    after: resumed ? saved?["last_key"] as String? : nil,
                    from: from, to: to, state: &state, progress: progress)
                // Second pass: references into the map's own table, now that every row is there. Only
                // when the first pass left some empty (a resumed run cannot know what the killed one left).
                let (filled, parked) = deferred > 0 || resumed ? try completeSelfReferences(phasePlan, from: from, to: to) : (0, 0)
                if filled + parked > 0 {
                    state.errors += parked
                    paths.append("\(phase) phase: \(filled) reference(s) to rows of the same map filled in a second pass, \(parked) still missing (error list)")
                    logger.info("initial sync of \(name), \(phase) phase: second pass filled \(filled) self-reference(s), parked \(parked)")
                }
            } else {
                state.total = 0
                progress(state)
            }
            try to.queue.write { db in
                try db.execute(
                    sql: "UPDATE _tandem_initial SET finished_at = ? WHERE map = ?", arguments: [StateStore.now, name])
            }
        }
        // Rows the filter leaves out are not carried and raise no error: counted, so that a row with a
        // NULL or a value in the wrong case in a filter column does not vanish unseen.
        if let filter = plan.filter {
            state.filteredOut = try source.rowsOutside(filter: filter.filter, table: plan.sourceTable)
            state.filter = filter.expression
            state.filterOrigin = plan.filterOrigin
        }
        let leftOut =
            state.filteredOut.map { $0 > 0 ? "\($0) row(s) left out by \(plan.filterOrigin) (\(state.filter ?? "")); " : "" } ?? ""
        try self.state.log(
            actor: actor, map: name, event: ActivityEvent.initialSyncFinished,
            details:
                "master \(master); \(state.conflicts) rows differed (master kept), \(state.errors) parked in the error list; "
                + leftOut + (paths.isEmpty ? "nothing left to do" : paths.joined(separator: "; ")))
        return state
    }

    /// What a conflict found by initial sync says: both sides had the row,
    /// or `side`'s applications changed it (first at `editedAt`) meanwhile.
    static func initialSyncOutcome(side: SideRole, master: SideRole, editedAt: Int64?) -> String {
        guard let editedAt else { return "initial sync: both sides had the row; the master (\(master)) version was kept" }
        return "initial sync: the \(side) side's applications changed the row while initial sync ran (\(side):\(editedAt)); "
            + "the master (\(master)) version was kept and those changes do not travel back"
    }

    /// A row read for initial sync as the change that applies it (an insert, numbered 0).
    static func initialChange(_ plan: DirectionPlan, key: String, row: String) -> Change {
        Change(seq: 0, table: plan.sourceTable, operation: .insert, key: key, row: row, at: StateStore.now, origin: nil)
    }

    /// How often a long initial sync phase writes its progress to the activity log.
    static let progressLogInterval: Duration = .seconds(5)

    /// One phase: the rows of `from` in key order, chunk by chunk, each chunk
    /// in one transaction on `to` with its progress.
    private func copyPhase(
        _ statements: InitialSyncSQL, phase: String, master: SideRole, chunk size: Int, bulk: Bool,
        after start: String?,
        from: SideDatabase, to: SideDatabase, state: inout InitialSyncProgress, progress: (InitialSyncProgress) -> Void
    ) throws -> Int {
        let plan = statements.plan
        /// Rows written with a reference into their own map left empty (see ``completeSelfReferences``).
        var deferred = 0
        // The edits of `to` that have not travelled to `from` yet (made after
        // initial sync started): nil when that direction does not sync.
        let editsAfter: Int64? =
            plans[plan.map]?[SyncDirection(from: to.role)] == nil
            ? nil
            : try from.queue.read { db in
                try from.checkpoints(db)[SideDatabase.checkpointKey(map: plan.map, source: to.role.rawValue)]
            }
        try to.queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS \(InitialSyncSQL.sourceSchema)", arguments: [from.path])
            // The SQL forms of bundled transforms call it (see BundledTransformSQL).
            try BundledTransformSQL.registerFunctions(db)
            defer { try? db.execute(sql: "DETACH DATABASE \(InitialSyncSQL.sourceSchema)") }
            state.total = try statements.sourceRows(db)
            progress(state)
            var after = start
            // Copy without probing the target first while no chunk has met a row already there.
            var optimistic = phase == "master" && plan.sqlite.upsertSQL != nil
            while true {
                var finished: InitialSyncSQL.Chunk?
                var outcome = ApplyOutcome()
                try db.inTransaction(.immediate) {
                    guard let chunk = try statements.nextChunk(after: after, size: size, db) else { return .commit }
                    try CaptureSchema.setContext(CaptureSchema.initialSyncOrigin, db)
                    let edits = try pendingEdits(table: plan.targetTable, after: editsAfter, db)
                    let rows =
                        bulk && edits.count <= Self.pendingEditsInSQL
                        ? try copyChunk(
                            statements, chunk, masterPhase: phase == "master", edits: edits, optimistic: &optimistic, db
                        )
                        : try statements.rows(chunk, .all, db)
                    let applied = try applyInitialRows(
                        rows, plan: plan, masterPhase: phase == "master", master: master, edits: edits, db)
                    state.conflicts += applied.conflicts
                    outcome = applied.outcome
                    try CaptureSchema.clearContext(db)
                    state.done += chunk.rows
                    state.errors += outcome.newlyParked.count
                    deferred += outcome.deferredReferences
                    try db.execute(
                        sql:
                            "UPDATE _tandem_initial SET last_key = ?, done = ?, conflicts = ?, errors = ? WHERE map = ?",
                        arguments: [chunk.lastText, state.done, state.conflicts, state.errors, plan.map])
                    finished = chunk
                    return .commit
                }
                guard let chunk = finished else { break }
                commit(outcome, direction: plan.direction)
                if let limit = Self.killAfterRows, state.done >= limit { Self.injectKill() }
                after = chunk.lastText
                progress(state)
            }
        }
        return deferred
    }

    /// Copies the rows of `chunk` that need no decision with one `INSERT …
    /// SELECT`, and returns the others for ``applyInitialRows(_:plan:masterPhase:master:edits:_:)``:
    /// in the master phase, rows the target has with other values, rows whose
    /// key the target's applications edited meanwhile and rows whose parent is
    /// missing; in the other phase, rows whose parent is missing on the master
    /// (rows the master has, or whose key its applications edited, are left to it).
    /// `optimistic` skips probing the target for each row: SQLite's unique key
    /// then refuses a row that is there already, and the chunk is copied again
    /// probing (as are the phase's next chunks, until one meets no such row).
    /// A row the target refuses sends the whole chunk down the row path, which
    /// parks just that row.
    private func copyChunk(
        _ statements: InitialSyncSQL, _ chunk: InitialSyncSQL.Chunk, masterPhase: Bool, edits: [String: PendingEdit],
        optimistic: inout Bool, _ db: Database
    ) throws -> [(key: String, row: String)] {
        guard let bulk = statements.bulk else { return try statements.rows(chunk, .all, db) }
        typealias Condition = InitialSyncSQL.Condition
        let edited = statements.keyIn(edits.values.map(\.key))
        let parentMissing = bulk.parentMissing.map { Condition($0) } ?? .none
        var retryOptimistic = false
        defer { if retryOptimistic { optimistic = true } }
        while true {
            let decide: Condition
            let copy: Condition
            if masterPhase {
                let routed = (optimistic ? .none : Condition(bulk.differs)).or(parentMissing).or(edited)
                decide = routed
                copy = routed.negated.and(optimistic ? .all : Condition(bulk.onTarget).negated)
            } else {
                let settled = Condition(bulk.onTarget).or(edited)
                decide = settled.negated.and(parentMissing)
                copy = settled.negated.and(parentMissing.negated)
            }
            do {
                let rows: [(key: String, row: String)]
                let inserted: Int
                if masterPhase, optimistic {
                    // The target had none of these keys: every row but the edited ones is copied,
                    // and the lookup and transform checks run once, inside the copy. A row that
                    // fails one fails the statement (tandem_require), its savepoint undoes the
                    // chunk, and the chunk is copied again the checked way below. So a clean
                    // chunk is read once, and the only rows left are the edited ones.
                    // Rows that refer into the map's own table go in a second statement, which
                    // copies those whose row is there already and leaves the others (forward
                    // references, cycles) to the row path and its second pass.
                    let own = bulk.ownReference.map { Condition($0) } ?? .none
                    inserted =
                        try statements.insert(chunk, edited.negated.and(own.negated), strict: true, failIf: bulk.strictMissing, db)
                        + (own.isNone
                            ? 0
                            : try statements.insert(
                                chunk, edited.negated.and(own).and(Condition(bulk.ownParentMissing).negated), strict: true,
                                failIf: bulk.strictMissing, db))
                    let left = own.isNone ? edited : edited.or(own.and(Condition(bulk.onTarget).negated))
                    rows = left.isNone ? [] : try statements.rows(chunk, left.and(statements.filterCondition), db)
                } else {
                    rows = decide.isNone ? [] : try statements.rows(chunk, decide.and(statements.filterCondition), db)
                    inserted = try statements.insert(chunk, copy, db)
                }
                if masterPhase, !optimistic, rows.isEmpty, inserted == chunk.rows {
                    optimistic = statements.plan.sqlite.upsertSQL != nil
                }
                return rows
            } catch let error as DatabaseError where SQLiteTargetTransaction.rowErrors.contains(error.resultCode) {
                // The savepoint undid the statement; the transaction goes on.
                if optimistic {
                    optimistic = false
                    // A row that needs the row path says nothing about the target: the next
                    // chunk is copied optimistically again. A row already on the target does.
                    if error.message?.hasPrefix(BundledTransformSQL.refusal) == true { retryOptimistic = true }
                    continue
                }
                logger.notice(
                    "initial sync of \(statements.plan.map): the \(statements.plan.direction.target) side refused a row of the chunk ending at \(chunk.lastText) (\(error.message ?? "\(error)")); that chunk goes row by row"
                )
                return try statements.rows(chunk, .all, db)
            }
        }
    }

    /// Edits of one key that the other side has not received yet.
    struct PendingEdit {
        /// The key's values, as the change log holds them.
        var key: [SideValue]
        /// The change-log rows, in order.
        var seqs: [Int64]
    }

    /// Changes of `table` in this side's change log after `seq` by the
    /// applications (or written through Tandem), by normalised key: edits
    /// made since initial sync started, which live sync has yet to carry.
    private func pendingEdits(table: String, after seq: Int64?, _ db: Database) throws -> [String: PendingEdit] {
        guard let seq else { return [:] }
        var result: [String: PendingEdit] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql:
                    "SELECT seq, CAST(key AS BLOB) FROM main._tandem_changes WHERE seq > ? AND tbl = ? AND (origin IS NULL OR origin LIKE 'write:%') ORDER BY seq"
            ),
            arguments: [seq, table])
        while let row = try rows.next() {
            guard let values = try? SQLLiteral.parseList(SQLLiteral.normalized(row[1] as Data? ?? Data())) else {
                continue
            }
            result[SQLLiteral.quoteList(values), default: PendingEdit(key: values, seqs: [])].seqs.append(row[0])
        }
        return result
    }

    /// Applies rows of a chunk one by one, like live changes, inside the
    /// caller's transaction; returns what it did and the conflicts it recorded. In the master
    /// phase, a row the target has with other values, or whose key the
    /// target's applications edited since initial sync started, is a
    /// conflict: the master's version is written, both versions are recorded,
    /// and those edits are marked superseded so that they never travel back.
    /// In the other phase, rows the master has, or whose key its applications
    /// edited, are left alone (their changes travel by live sync).
    private func applyInitialRows(
        _ rows: [(key: String, row: String)], plan: DirectionPlan, masterPhase: Bool, master: SideRole,
        edits: [String: PendingEdit],
        _ db: Database
    ) throws -> (outcome: ApplyOutcome, conflicts: Int) {
        guard !rows.isEmpty else { return (ApplyOutcome(), 0) }
        var items = prepare(rows.map { (plan, Self.initialChange(plan, key: $0.key, row: $0.row), nil) })
        let select = try RawStatement(sql: plan.sqlite.selectSQL, db)
        var conflicts = 0
        for index in items.indices {
            guard case .success(let values) = items[index].mapped else { continue }
            select.bind(plan.targetKey.map { values[$0] })
            let existing = try select.step() ? plan.targetColumns.indices.map { select.value(Int32($0)) } : nil
            select.reset()
            let edit = edits[plan.targetKeyString(values)]
            guard masterPhase else {
                if existing != nil || edit != nil { items[index].mapped = nil }
                continue
            }
            if edit == nil {
                guard let existing else { continue }
                if existing == values {
                    // Already the same on both sides: nothing to write.
                    items[index].mapped = nil
                    continue
                }
            }
            conflicts += 1
            // Both versions go into the record: the other side's row as its change log would hold it.
            let current = try RawStatement(sql: plan.sqlite.captureRowSQL(plan.targetCaptureColumns), db)
            current.bind(plan.targetKey.map { values[$0] })
            let targetRow = try current.step() ? current.literals(0) : nil
            current.reset()
            let side = plan.direction.target
            let outcome = Self.initialSyncOutcome(side: side, master: master, editedAt: edit?.seqs[0])
            if let edit {
                try db.execute(
                    sql:
                        "UPDATE _tandem_changes SET origin = ? WHERE seq IN (\(edit.seqs.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: StatementArguments(["superseded by initial sync from \(master)"] + edit.seqs))
            }
            try db.execute(
                sql: """
                    INSERT INTO _tandem_conflicts (map, key, policy, winner, source, source_seq, source_row, target_seq,
                        target_row, at, status, outcome, source_table, target_table)
                    VALUES (?, ?, 'initial-sync', ?, ?, 0, ?, ?, ?, ?, 'resolved', ?, ?, ?)
                    """,
                arguments: [
                    plan.map, plan.targetKeyString(values), master.rawValue, master.rawValue, items[index].change.row,
                    edit?.seqs[0] ?? 0,
                    targetRow, StateStore.now, outcome, plan.sourceTable, plan.targetTable,
                ])
        }
        return (try applyItems(items, direction: plan.direction, mode: .initialSync, db), conflicts)
    }
}
