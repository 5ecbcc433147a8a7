import Foundation
import GRDB

/// Initial sync: bring the rows that existed before capture into step, from
/// a master side, chunk by chunk in key order, resumable after a crash.
extension SyncEngine {
    /// Progress of one map's initial sync, for the CLI to show.
    public struct InitialSyncProgress: Sendable, Codable {
        /// The map.
        public var map: String
        /// The side whose rows win.
        public var master: SideRole
        /// `master` (master rows to the other side) or `other` (rows only the other side has, to the master).
        public var phase: String
        /// Rows done in this phase, and the phase's total at its start.
        public var done: Int
        public var total: Int
        /// Rows where both sides had the key and different values (the master's version was kept).
        public var conflicts: Int
        /// Rows parked in the error list.
        public var errors: Int
        /// Whether this run picked up where an earlier one stopped.
        public var resumed: Bool
    }

    /// For the crash test: `TANDEM_FAULT=kill-after-rows:N` kills the process
    /// once a committed chunk brings the rows done to N or more.
    private static let killAfterRows: Int? = {
        guard let fault = ProcessInfo.processInfo.environment["TANDEM_FAULT"], fault.hasPrefix("kill-after-rows:") else { return nil }
        return Int(fault.dropFirst("kill-after-rows:".count))
    }()

    /// Rows read and applied per transaction.
    public static let initialSyncChunk = 5000

    /// Runs initial sync of `map` from `master` (default: the map's `master`
    /// setting): every master row is applied to the other side (the master's
    /// version wins where both have the key, recorded as a conflict), then,
    /// for maps that sync both ways, the rows only the other side has are
    /// applied to the master. Each chunk commits with its progress in the
    /// other side's `_tandem_initial`, so a run that dies resumes after the
    /// last finished chunk. Rows that fail are parked in the error list.
    /// Live sync of the map must be off (state `initializing`); the
    /// checkpoints are set at the start, so that live sync later replays
    /// exactly the changes made while this ran.
    public func initialSync(
        map name: String, master requested: SideRole? = nil, chunk: Int = initialSyncChunk, progress: (InitialSyncProgress) -> Void
    ) throws -> InitialSyncProgress {
        _ = try refreshMapStates()
        guard let resolved = maps.first(where: { $0.name == name }) else {
            throw SyncError(.configuration, "map '\(name)' is not enabled in this environment")
        }
        guard states[name]?.isActive != true else {
            throw SyncError(.state, "map \(name) is \(states[name]!.rawValue); initial sync runs before live sync (`tandem maps stop \(name)` first)")
        }
        let master = requested ?? resolved.settings.master
        let forward = SyncDirection(from: master)
        guard let plan = plans[name]?[forward] else {
            throw SyncError(.configuration, "map \(name) does not sync \(forward); choose the other master side")
        }
        let other = master.other
        let target = sides[other]!
        let source = sides[master]!
        let reverse = plans[name]?[SyncDirection(from: other)]
        // Each phase keeps its progress in the side it writes, committed with its rows.
        for side in [source, target] {
            try side.queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS _tandem_initial (
                            map TEXT PRIMARY KEY, master TEXT NOT NULL, phase TEXT NOT NULL, last_key TEXT, done INTEGER NOT NULL,
                            conflicts INTEGER NOT NULL, errors INTEGER NOT NULL, started_at REAL NOT NULL, finished_at REAL)
                        """)
            }
        }
        func record(_ side: SideDatabase) throws -> Row? {
            try side.queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM _tandem_initial WHERE map = ?", arguments: [name]) }
        }
        let first = try record(target)
        let second = try record(source)
        let firstDone = first?["finished_at"] as Double? != nil
        let secondDone = reverse == nil || second?["finished_at"] as Double? != nil
        let resumed = first.map { ($0["master"] as String) == master.rawValue } == true && !(firstDone && secondDone)
        if !resumed {
            // Live sync will start after the changes that exist now: the rows read below already reflect them.
            for direction in SyncDirection.allCases where plans[name]?[direction] != nil {
                let head = try sides[direction.source]!.queue.read { db in try sides[direction.source]!.headSeq(db) }
                try sides[direction.target]!.queue.write { db in
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
                            INSERT OR REPLACE INTO _tandem_initial (map, master, phase, last_key, done, conflicts, errors, started_at)
                            VALUES (?, ?, ?, NULL, 0, 0, 0, ?)
                            """,
                        arguments: [name, master.rawValue, phase, StateStore.now])
                }
            }
        }
        var state = InitialSyncProgress(
            map: name, master: master, phase: "master", done: 0, total: 0,
            // Each phase's record carries the running totals of both.
            conflicts: resumed ? max(first?["conflicts"] ?? 0, second?["conflicts"] ?? 0) : 0,
            errors: resumed ? max(first?["errors"] ?? 0, second?["errors"] ?? 0) : 0, resumed: resumed)

        // Phase 1: master rows to the other side. Phase 2: rows only the other side has, to the master.
        let phases: [(String, DirectionPlan, SideDatabase, SideDatabase, Row?)] =
            [("master", plan, source, target, first)] + (reverse.map { [("other", $0, target, source, second)] } ?? [])
        for (phase, phasePlan, from, to, saved) in phases {
            if resumed, saved?["finished_at"] as Double? != nil { continue }
            state.phase = phase
            state.done = resumed ? (saved?["done"] ?? 0) : 0
            var lastKey: String? = resumed ? saved?["last_key"] : nil
            let keyColumns = phasePlan.sourceKey.map { phasePlan.sourceColumns[$0] }
            let table = CaptureSchema.identifier(phasePlan.sourceTable)
            let keyList = keyColumns.map(CaptureSchema.identifier).joined(separator: ", ")
            state.total = try from.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            progress(state)
            while true {
                let rows = try from.queue.read { db -> [Row] in
                    let after = try lastKey.map { try SQLLiteral.parseList($0) }
                    return try Row.fetchAll(
                        db,
                        sql: """
                            SELECT \(CaptureSchema.quoteList(nil, keyColumns)), \(CaptureSchema.quoteList(nil, phasePlan.sourceColumns))
                            FROM \(table) \(after == nil ? "" : "WHERE (\(keyList)) > (\(keyColumns.map { _ in "?" }.joined(separator: ", ")))")
                            ORDER BY \(keyList) LIMIT ?
                            """,
                        arguments: StatementArguments((after ?? []) + [chunk.databaseValue]))
                }
                guard !rows.isEmpty else { break }
                let changes = rows.map {
                    Change(seq: 0, table: phasePlan.sourceTable, operation: .insert, key: $0[0], row: $0[1], at: StateStore.now, origin: nil)
                }
                var items = prepare(changes.map { (phasePlan, $0, nil) })
                let outcome = try to.queue.writeWithoutTransaction { db -> Outcome in
                    try db.inTransaction(.immediate) {
                        let select = try RawStatement(sql: phasePlan.selectSQL, db)
                        for index in items.indices {
                            guard case .success(let values) = items[index].mapped else { continue }
                            select.bind(phasePlan.targetKey.map { values[$0] })
                            let existing = try select.step() ? phasePlan.targetColumns.indices.map { select.value(Int32($0)) } : nil
                            select.reset()
                            guard let existing else { continue }
                            if phase == "other" {
                                // The master has this key: phase 1 settled it.
                                items[index].mapped = nil
                            } else if existing != values {
                                state.conflicts += 1
                                // Both versions go into the record: the other side's row as its change log would hold it.
                                let current = try RawStatement(sql: phasePlan.captureRowSQL, db)
                                current.bind(phasePlan.targetKey.map { values[$0] })
                                let targetRow = try current.step() ? current.text(0) : nil
                                current.reset()
                                try db.execute(
                                    sql: """
                                        INSERT INTO _tandem_conflicts (map, key, policy, winner, source, source_seq, source_row, target_seq,
                                            target_row, at, status, outcome, source_table, target_table)
                                        VALUES (?, ?, 'initial-sync', ?, ?, 0, ?, 0, ?, ?, 'resolved', ?, ?, ?)
                                        """,
                                    arguments: [
                                        name, phasePlan.targetKeyString(values), master.rawValue, master.rawValue, items[index].change.row,
                                        targetRow, StateStore.now, "initial sync: both sides had the row; the master (\(master)) version was kept",
                                        phasePlan.sourceTable, phasePlan.targetTable,
                                    ])
                            }
                        }
                        try self.applyItems(items, direction: phasePlan.direction, db)
                        let written = self.pendingOutcome
                        state.done += rows.count
                        state.errors += written.newlyParked.count
                        try db.execute(
                            sql: "UPDATE _tandem_initial SET last_key = ?, done = ?, conflicts = ?, errors = ? WHERE map = ?",
                            arguments: [changes.last!.key, state.done, state.conflicts, state.errors, name])
                        return .commit
                    }
                    return self.pendingOutcome
                }
                commit(outcome, direction: phasePlan.direction)
                if let limit = Self.killAfterRows, state.done >= limit { kill(getpid(), SIGKILL) }
                lastKey = changes.last!.key
                progress(state)
                if rows.count < chunk { break }
            }
            try to.queue.write { db in
                try db.execute(sql: "UPDATE _tandem_initial SET finished_at = ? WHERE map = ?", arguments: [StateStore.now, name])
            }
        }
        try self.state.log(
            actor: "cli", map: name, event: "initial sync finished",
            details: "master \(master); \(state.conflicts) rows differed (master kept), \(state.errors) parked in the error list")
        return state
    }
}
