import Foundation
import GRDB
import GRDBSQLite
public import Logging
import TandemDocuments
public import TandemPluginHost

/// The sync engine: reads each side's change log, maps the changes of every
/// active map and applies them to the other side, with the checkpoint in the
/// same transaction as the rows (exactly once), Tandem's own writes marked
/// (no echo), conflicts resolved by policy, and changes whose parent is
/// missing parked until it arrives.
///
/// Both directions run on one thread, one batch at a time. That keeps
/// conflict detection simple and exact: while a batch is applied to a side,
/// nothing else of Tandem's touches it.
public final class SyncEngine {
    /// Called after each committed batch with the direction, the applied
    /// source sequence numbers and the commit time (for benchmarks).
    public typealias BatchObserver = (SyncDirection, [Int64], ContinuousClock.Instant) -> Void

    let environment: TandemEnvironment
    let sides: [SideRole: SideDatabase]
    let state: StateStore
    let logger: Logger
    let maps: [ResolvedMap]
    /// Compiled plans per map and direction.
    let plans: [String: [SyncDirection: DirectionPlan]]
    /// The maps each map looks up, to retry its parked changes when one of them moves.
    let parentsOf: [String: Set<String>]
    let batchSize: Int
    let pollInterval: Duration
    let pruneInterval: Duration
    /// See ``BatchObserver``.
    public var observer: BatchObserver?

    private(set) var states: [String: MapState] = [:]
    /// Consumed source sequence per direction and map.
    private var checkpoints: [SyncDirection: [String: Int64]] = [:]
    /// Source keys with parked changes, per direction and map (count per key).
    private var parked: [SyncDirection: [String: [String: Int]]] = [:]
    private var stats: [String: MapDirectionStats] = [:]
    private var appliedAtLastStats: [String: Int] = [:]
    private var dirty: [SideRole: Bool] = [.erp: true, .crm: true]
    private var lastDataVersion: [SideRole: Int] = [:]
    private var stateVersion = -1
    private var caughtUp: [String: Set<SyncDirection>] = [:]
    /// Keys in open manual conflicts: map → side whose edits conflict → key (as that side stores it) → conflict ID.
    /// Changes of such a key from that side wait until an operator resolves the conflict.
    private var openConflicts: [String: [SideRole: [String: String]]] = [:]
    /// Column names and declared types of the tables written through ``write(_:)``.
    private var writeColumns: [String: [(name: String, type: String)]] = [:]
    /// Directions whose in-memory checkpoints are ahead of the stored ones (see ``saveCheckpoints()``).
    private var unsavedCheckpoints: Set<SyncDirection> = []
    private var nextStats = ContinuousClock.now
    private var nextParkedRetry = ContinuousClock.now
    private var lastStatsTime = ContinuousClock.now

    /// Loads the environment's maps from `catalog`, installs capture and
    /// compiles every map against the live tables.
    public init(environment: TandemEnvironment, catalog: PluginCatalog, logger: Logger) throws {
        self.environment = environment
        self.logger = logger
        sides = try environment.openSides()
        state = try environment.openState()
        maps = try environment.resolveMaps(catalog)
        try environment.installCapture(maps)
        batchSize = environment.config.engine.batchSize
        pollInterval = .milliseconds(environment.config.engine.pollIntervalMilliseconds)
        pruneInterval = .seconds(environment.config.engine.pruneIntervalSeconds)

        let byName = Dictionary(maps.map { ($0.name, $0.map) }, uniquingKeysWith: { first, _ in first })
        var plans: [String: [SyncDirection: DirectionPlan]] = [:]
        var parents: [String: Set<String>] = [:]
        var captured: [SideRole: [String: [String]]] = [:]
        for role in SideRole.allCases {
            captured[role] = try sides[role]!.queue.read { db in try CaptureSchema.capturedTables(db) }
        }
        for resolved in maps {
            for field in resolved.map.fields {
                if let lookup = field.lookup { parents[resolved.name, default: []].insert(lookup.map) }
            }
            for direction in SyncDirection.allCases where resolved.settings.direction.allows(direction) {
                let source = direction.source == .erp ? resolved.map.erp : resolved.map.crm
                let target = direction.source == .erp ? resolved.map.crm : resolved.map.erp
                let sourceTypes = try sides[direction.source]!.queue.read { db in
                    try CaptureSchema.columnTypes(db, table: source.table)
                }
                // Rows are decoded in capture order, which install just made current.
                let ordered = (captured[direction.source]?[source.table] ?? []).compactMap { name in sourceTypes.first { $0.name == name } }
                let targetTypes = try sides[direction.target]!.queue.read { db in
                    try CaptureSchema.columnTypes(db, table: target.table)
                }
                let plan = try DirectionPlan(
                    map: resolved.map, settings: resolved.settings, direction: direction, catalog: catalog,
                    plugin: resolved.plugin, sourceTypes: ordered, targetTypes: targetTypes, maps: byName)
                try sides[direction.target]!.queue.read { db in plan.enableUpsert(db) }
                plan.setTargetCaptureColumns(captured[direction.target]?[target.table] ?? [])
                plans[resolved.name, default: [:]][direction] = plan
                stats[Self.statsKey(resolved.name, direction)] = MapDirectionStats(map: resolved.name, direction: direction)
            }
        }
        self.plans = plans
        parentsOf = parents
        try loadCheckpointsAndParked()
    }

    static func statsKey(_ map: String, _ direction: SyncDirection) -> String { "\(map) \(direction)" }

    private func loadCheckpointsAndParked() throws {
        for direction in SyncDirection.allCases {
            let target = sides[direction.target]!
            let stored = try target.queue.read { db in try target.checkpoints(db) }
            var byMap: [String: Int64] = [:]
            for map in maps {
                if let seq = stored[SideDatabase.checkpointKey(map: map.name, source: direction.source.rawValue)] {
                    byMap[map.name] = seq
                }
            }
            checkpoints[direction] = byMap
            let rows = try target.queue.read { db in
                try Row.fetchAll(db, sql: "SELECT map, key FROM _tandem_parked WHERE source = ?", arguments: [direction.source.rawValue])
            }
            var keys: [String: [String: Int]] = [:]
            for row in rows { keys[row[0], default: [:]][row[1] as String, default: 0] += 1 }
            parked[direction] = keys
            // Conflicts stored in this target are between its edits and the source's.
            for row in try target.queue.read({ db in
                try Row.fetchAll(db, sql: "SELECT id, map, key FROM _tandem_conflicts WHERE status = 'open' AND source = ?", arguments: [direction.source.rawValue])
            }) {
                openConflicts[row[1], default: [:]][direction.target, default: [:]][row[2]] = ErrorID(side: direction.target, number: row[0]).description
            }
        }
    }

    // MARK: Running

    /// Runs until `shouldStop` returns true (checked between batches), then
    /// writes the final statistics.
    public func run(until shouldStop: () -> Bool) throws {
        try state.engineStarted(pid: ProcessInfo.processInfo.processIdentifier)
        logger.info("engine started", metadata: ["environment": "\(environment.directory)", "maps": "\(maps.count)"])
        let housekeeper = try Housekeeper(sources: housekeepingSources(), pruneInterval: pruneInterval, logger: logger)
        defer { housekeeper.stop() }
        var backoff = Duration.milliseconds(10)
        while !shouldStop() {
            do {
                if try !iterate() { try? sleep(pollInterval) }
                backoff = .milliseconds(10)
            } catch {
                // A side busy for longer than the 30 s busy wait, a full disk, a side
                // being replaced: nothing is parked (no row is at fault); report it
                // in the log and on every active map's status, and try again, slower each time.
                logger.error("sync iteration failed, retrying in \(backoff): \(error)")
                for (key, stat) in stats where states[stat.map]?.isActive == true {
                    stats[key]?.lastError = "transient: \(error) (retrying)"
                    stats[key]?.lastErrorAt = StateStore.now
                }
                try? writeStats()
                try? sleep(backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
        try saveCheckpoints()
        try writeStats()
        try state.engineStopped()
        logger.info("engine stopped")
    }

    private func sleep(_ duration: Duration) throws {
        Thread.sleep(forTimeInterval: duration.timeInterval)
    }

    /// One pass: pick up state changes, one batch per direction, then the
    /// periodic work. Returns whether anything was read.
    @discardableResult
    public func iterate() throws -> Bool {
        try refreshStates()
        var worked = false
        for direction in SyncDirection.allCases {
            worked = try step(direction) || worked
        }
        let now = ContinuousClock.now
        if now >= nextParkedRetry {
            nextParkedRetry = now + .seconds(2)
            for direction in SyncDirection.allCases {
                for map in (parked[direction] ?? [:]).filter({ !$0.value.isEmpty }).keys.sorted() {
                    try retryParked(map: map, direction: direction)
                }
            }
        }
        if now >= nextStats {
            nextStats = now + .seconds(1)
            try saveCheckpoints()
            try writeStats()
        }
        return worked
    }

    private func refreshStates() throws {
        guard try refreshMapStates() else { return }
        try handleRequests()
    }

    /// Reads the desired map states when the state database changed; returns whether it did.
    private func refreshMapStates() throws -> Bool {
        let version = try state.dataVersion()
        guard version != stateVersion else { return false }
        stateVersion = version
        let records = try state.mapStates()
        for map in maps {
            let new = records[map.name]?.state ?? .notRunning
            let old = states[map.name]
            if new != old {
                if new == .resuming { caughtUp[map.name] = [] }
                if new.isActive {
                    for direction in plans[map.name]!.keys where checkpoints[direction]?[map.name] == nil {
                        checkpoints[direction, default: [:]][map.name] = 0
                    }
                }
                logger.info("map \(map.name): \(old?.rawValue ?? "loaded") → \(new.rawValue)")
            }
            states[map.name] = new
        }
        dirty = [.erp: true, .crm: true]
        return true
    }

    // MARK: Operator requests

    /// Handles the operator requests waiting in the state database. The
    /// running engine does this between batches; `tandem errors retry` calls
    /// it itself (holding the environment lock) when no engine runs.
    public func processPendingRequests() throws {
        try refreshStates()
    }

    private func handleRequests() throws {
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
            var outcome = Outcome()
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
                try db.execute(
                    sql: "UPDATE _tandem_changes SET origin = ? WHERE tbl = ? AND key = ? AND origin IS NULL",
                    arguments: ["superseded by the resolution of \(id)", plan.targetTable, key])
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
                try db.execute(sql: "INSERT OR REPLACE INTO _tandem_context (id, origin) VALUES (1, ?)", arguments: ["\(source):\(change.seq) merged"])
                let merged = try self.writeMerged(
                    plan, values: values, columns: sourceColumns, local: local, note: "superseded by the merged resolution of \(id)", db)
                try db.execute(sql: "DELETE FROM _tandem_context")
                if merged { try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [incoming[6] as Int64]) }
                return merged
            }
            guard merged else { throw SyncError(.state, "conflict \(id) cannot be merged: the row is gone from the \(side) side; take erp or crm") }
            var outcome = Outcome()
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

    // MARK: Write-through

    /// For the crash test: `TANDEM_FAULT=kill-between-commits` kills the
    /// process after the first side's commit and before the second's.
    private static let killBetweenCommits = ProcessInfo.processInfo.environment["TANDEM_FAULT"] == "kill-between-commits"

    /// Writes `request.rows` to `request.side` and, through every running map
    /// that reads the table, to the other side, before returning: both sides
    /// commit, or neither keeps the write and the error names the key, the
    /// field and the reason. Call it on the thread that runs the engine (the
    /// CLI queues it as a request), or while no engine runs.
    ///
    /// The origin side commits first. If the process dies before the other
    /// side commits, the origin's change log still holds the rows (with
    /// origin `write:...`), and the engine applies them from there: a marker
    /// written with the other side's commit tells it whether it must.
    public func write(_ request: WriteRequest) throws -> WriteResult {
        let start = ContinuousClock.now
        _ = try refreshMapStates()
        let direction = SyncDirection(from: request.side)
        let readers = maps.compactMap { map in plans[map.name]?[direction].flatMap { $0.sourceTable == request.table ? ($0, map.name) : nil } }
        guard !readers.isEmpty else {
            let tables = Set(maps.compactMap { plans[$0.name]?[direction]?.sourceTable }).sorted()
            throw SyncError(
                .configuration,
                "no enabled map syncs \(request.side) table '\(request.table)' to the \(direction.target) side (tables that do: \(tables.joined(separator: ", ")))")
        }
        for (_, name) in readers where states[name]?.isActive != true {
            let state = states[name] ?? .notRunning
            throw SyncError(
                .state,
                "map \(name) is \(state.rawValue), so the write would not reach the \(direction.target) side; `tandem maps \(state == .paused ? "resume" : "run") \(name)` first")
        }
        let plan = readers[0].0
        let origin = sides[request.side]!
        let target = sides[direction.target]!
        if writeColumns[request.table] == nil {
            writeColumns[request.table] = try origin.queue.read { db in try CaptureSchema.columnTypes(db, table: request.table) }
        }
        let columns = writeColumns[request.table]!
        let key = plan.sourceKey.map { plan.sourceColumns[$0] }
        try request.validate(columns: columns, key: key)
        let tag = "write:\(UUID().uuidString.prefix(12).lowercased())"
        let table = CaptureSchema.identifier(request.table)
        let keyCondition = key.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: " AND ")

        try origin.queue.writeWithoutTransaction { odb in
            try odb.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
            do {
                // The write lock is ours: every change captured from here on is this write's.
                let before = try Int64.fetchOne(odb.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes")) ?? 0
                let context = try RawStatement(sql: "INSERT OR REPLACE INTO _tandem_context (id, origin) VALUES (1, ?)", odb)
                context.bind(tag, at: 1)
                try context.execute()
                for row in request.rows {
                    let keyValues = key.map { row[$0]! }
                    switch request.operation {
                    case .delete:
                        let delete = try RawStatement(sql: "DELETE FROM \(table) WHERE \(keyCondition)", odb)
                        delete.bind(keyValues)
                        try delete.execute()
                    case .upsert:
                        // Only the columns given change; a missing row is inserted with them.
                        let given = columns.map(\.name).filter { row[$0] != nil && !key.contains($0) }
                        var updated = 0
                        if !given.isEmpty {
                            let update = try RawStatement(
                                sql: "UPDATE \(table) SET \(given.map { "\(CaptureSchema.identifier($0)) = ?" }.joined(separator: ", ")) WHERE \(keyCondition)",
                                odb)
                            update.bind(given.map { row[$0]! } + keyValues)
                            updated = try update.execute()
                        }
                        if updated == 0 {
                            let all = columns.map(\.name).filter { row[$0] != nil }
                            let insert = try RawStatement(
                                sql: """
                                    INSERT INTO \(table) (\(all.map(CaptureSchema.identifier).joined(separator: ", ")))
                                    SELECT \(all.map { _ in "?" }.joined(separator: ", ")) WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(keyCondition))
                                    """, odb)
                            insert.bind(all.map { row[$0]! } + keyValues)
                            try insert.execute()
                        }
                    }
                }
                try RawStatement(sql: "DELETE FROM _tandem_context", odb).execute()
                let changes = try Row.fetchAll(
                    odb.cachedStatement(sql: "SELECT seq, tbl, op, key, row, at, changed FROM _tandem_changes WHERE seq > ? ORDER BY seq"),
                    arguments: [before]
                ).map {
                    Change(
                        seq: $0[0], table: $0[1], operation: Change.Operation(rawValue: $0[2]) ?? .update, key: $0[3], row: $0[4], at: $0[5],
                        origin: tag, changed: $0[6])
                }
                let originHandle = odb.sqliteConnection!
                try target.queue.writeWithoutTransaction { tdb in
                    try tdb.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
                    do {
                        let items = prepare(readers.flatMap { reader in changes.map { (reader.0, $0, nil) } })
                        try applyItems(items, direction: direction, writeThrough: true, tdb)
                    } catch {
                        try? tdb.execute(sql: "ROLLBACK")
                        throw error
                    }
                    // The origin commits first: from here on the change log can always repair the other side.
                    guard sqlite3_exec(originHandle, "COMMIT", nil, nil, nil) == SQLITE_OK else {
                        let message = String(cString: sqlite3_errmsg(originHandle))
                        try? tdb.execute(sql: "ROLLBACK")
                        throw SyncError(.database, "the \(request.side) side could not commit the write: \(message); neither side keeps it")
                    }
                    if Self.killBetweenCommits { kill(getpid(), SIGKILL) }
                    do {
                        try tdb.cachedStatement(sql: "COMMIT").execute()
                    } catch {
                        try? tdb.execute(sql: "ROLLBACK")
                        throw SyncError(
                            .database,
                            "the \(request.side) side committed the write but the \(direction.target) side could not (\(error)); the engine applies it from the change log")
                    }
                }
            } catch {
                if !odb.isInsideTransaction { throw error }
                try? odb.execute(sql: "ROLLBACK")
                throw error
            }
        }
        // Both sides changed through this engine's own connections, which
        // `data_version` does not report: read both (the origin's changes consume the markers).
        dirty[request.side] = true
        dirty[direction.target] = true
        return WriteResult(
            rows: request.rows.count, origin: "\(request.side).\(request.table)",
            targets: readers.map { "\(direction.target).\($0.0.targetTable)" }, maps: readers.map(\.1),
            milliseconds: (ContinuousClock.now - start).timeInterval * 1000)
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
                var outcome = Outcome()
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
                            detail: "failed again; the newer change \(entry.direction.source):\(by) of the same key was applied in its place"))
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

    private func activePlans(_ direction: SyncDirection) -> [DirectionPlan] {
        maps.compactMap { map in
            guard states[map.name]?.isActive == true else { return nil }
            return plans[map.name]?[direction]
        }
    }

    /// Reads and applies one batch of `direction`; returns whether changes were read.
    private func step(_ direction: SyncDirection) throws -> Bool {
        let active = activePlans(direction)
        guard !active.isEmpty else { return false }
        let source = sides[direction.source]!
        let version = try source.queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        guard dirty[direction.source] == true || version != lastDataVersion[direction.source] else { return false }
        let from = active.map { checkpoints[direction]?[$0.map] ?? 0 }.min() ?? 0
        let changes = try source.queue.inDatabase { db in try source.changes(after: from, limit: batchSize, db) }
        lastDataVersion[direction.source] = version
        if changes.count < batchSize {
            dirty[direction.source] = false
            for plan in active { caughtUp[plan.map, default: []].insert(direction) }
        } else {
            // A full batch: more may be waiting, and no new commit will say so.
            dirty[direction.source] = true
        }
        if !changes.isEmpty { try apply(changes, plans: active, direction: direction) }
        try promoteCaughtUp()
        return !changes.isEmpty
    }

    private func promoteCaughtUp() throws {
        for map in maps where states[map.name] == .resuming {
            let directions = Set(plans[map.name]!.keys)
            guard caughtUp[map.name, default: []].isSuperset(of: directions) else { continue }
            if try state.transition(map.name, from: .resuming, to: .running) {
                states[map.name] = .running
                logger.info("map \(map.name): caught up, running")
            }
        }
    }

    // MARK: Applying

    /// One unit of work: a change for a plan, decoded and mapped.
    private struct Item {
        let plan: DirectionPlan
        let change: Change
        /// Nil: echo or filtered out (consumed without a write).
        var mapped: Result<[DatabaseValue], SyncError>?
        var sourceRow: [DatabaseValue]
        /// Set when the item comes from the parking table.
        var parkedID: Int64?
    }

    private func prepare(_ pairs: [(DirectionPlan, Change, Int64?)]) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(pairs.count)
        var toMap: [ObjectIdentifier: [Int]] = [:]
        for (plan, change, parkedID) in pairs {
            var item = Item(plan: plan, change: change, mapped: nil, sourceRow: [], parkedID: parkedID)
            if change.isApplicable, let text = change.row {
                do {
                    item.sourceRow = try SQLLiteral.parseList(text)
                    if try plan.filter?.passes(item.sourceRow) ?? true {
                        toMap[ObjectIdentifier(plan), default: []].append(items.count)
                        item.mapped = .success([])
                    }
                } catch let error as SyncError {
                    item.mapped = .failure(error)
                } catch {
                    item.mapped = .failure(SyncError(.badValue, "filter failed: \(error)"))
                }
            }
            items.append(item)
        }
        // Transforms run per plan over the whole batch.
        for (_, indexes) in toMap {
            let plan = items[indexes[0]].plan
            let results = plan.mapRows(indexes.map { items[$0].sourceRow })
            for (position, index) in indexes.enumerated() { items[index].mapped = results[position] }
        }
        return items
    }

    private func apply(_ changes: [Change], plans active: [DirectionPlan], direction: SyncDirection) throws {
        let byTable = Dictionary(grouping: active, by: \.sourceTable)
        var pairs: [(DirectionPlan, Change, Int64?)] = []
        for change in changes {
            for plan in byTable[change.table] ?? [] where change.seq > (checkpoints[direction]?[plan.map] ?? 0) {
                pairs.append((plan, change, nil))
            }
        }
        let items = prepare(pairs)
        let last = changes.last!.seq
        guard items.contains(where: { $0.mapped != nil }) else {
            // Only echoes and filtered-out rows: nothing to write. Reading them
            // again after a crash skips them again, so the checkpoint is saved
            // later (with the next write, or within a second) instead of
            // costing a transaction on a side the applications are writing.
            var skipped: [String: Int] = [:]
            for item in items { skipped[item.plan.map, default: 0] += 1 }
            for (map, count) in skipped { stats[Self.statsKey(map, direction)]?.skipped += count }
            for plan in active {
                checkpoints[direction, default: [:]][plan.map] = max(checkpoints[direction]?[plan.map] ?? 0, last)
            }
            unsavedCheckpoints.insert(direction)
            return
        }
        let target = sides[direction.target]!
        let outcome = try target.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) { () -> Database.TransactionCompletion in
                try self.applyItems(items, direction: direction, db)
                for plan in active { try Self.storeCheckpoint(map: plan.map, source: direction.source, seq: last, db) }
                return .commit
            }
            return self.pendingOutcome
        }
        let committed = ContinuousClock.now
        unsavedCheckpoints.remove(direction)
        for plan in active {
            checkpoints[direction, default: [:]][plan.map] = max(checkpoints[direction]?[plan.map] ?? 0, last)
        }
        commit(outcome, direction: direction)
        if outcome.wrote { dirty[direction.target] = true }
        observer?(direction, outcome.appliedSeqs, committed)
        // A parent moved: its parked children may go now.
        let movedMaps = Set(outcome.appliedMaps)
        for (map, keys) in parked[direction] ?? [:] where !keys.isEmpty {
            if parentsOf[map, default: []].contains(where: movedMaps.contains) { try retryParked(map: map, direction: direction) }
        }
    }

    /// Writes the checkpoints that moved over batches with nothing to apply.
    func saveCheckpoints() throws {
        for direction in unsavedCheckpoints {
            let stored = checkpoints[direction] ?? [:]
            try sides[direction.target]!.queue.write { db in
                for (map, seq) in stored { try Self.storeCheckpoint(map: map, source: direction.source, seq: seq, db) }
            }
        }
        unsavedCheckpoints = []
    }

    /// Moves the stored checkpoint of `map` from `source` forward to `seq` (never back).
    private static func storeCheckpoint(map: String, source: SideRole, seq: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO _tandem_checkpoints (map, source, seq) VALUES (?, ?, ?)
                ON CONFLICT (map, source) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > seq
                """,
            arguments: [map, source.rawValue, seq])
    }

    /// What one transaction did, applied to the engine's memory only after it commits.
    struct Outcome {
        var appliedSeqs: [Int64] = []
        var appliedMaps: [String] = []
        var counters: [String: (applied: Int, skipped: Int, conflicts: Int)] = [:]
        var newlyParked: [(map: String, key: String)] = []
        var unparked: [(map: String, key: String)] = []
        var errors: [String: String] = [:]
        /// Conflicts left open for an operator: (map, side whose edits conflict, key as that side stores it).
        var openConflicts: [(map: String, side: SideRole, key: String, id: String)] = []
        /// Operator retries: (map, key, failed seq, seq that superseded it).
        var superseded: [(map: String, key: String, seq: Int64, by: Int64)] = []
        var wrote = false
    }

    private var pendingOutcome = Outcome()

    private func commit(_ outcome: Outcome, direction: SyncDirection) {
        for (map, count) in outcome.counters {
            let key = Self.statsKey(map, direction)
            stats[key]?.applied += count.applied
            stats[key]?.skipped += count.skipped
            stats[key]?.conflicts += count.conflicts
        }
        for (map, key) in outcome.newlyParked {
            parked[direction, default: [:]][map, default: [:]][key, default: 0] += 1
        }
        for (map, key) in outcome.unparked {
            let remaining = (parked[direction]?[map]?[key] ?? 1) - 1
            parked[direction]?[map]?[key] = remaining > 0 ? remaining : nil
        }
        for (map, side, key, id) in outcome.openConflicts {
            openConflicts[map, default: [:]][side, default: [:]][key] = id
        }
        for (map, message) in outcome.errors {
            stats[Self.statsKey(map, direction)]?.lastError = message
            stats[Self.statsKey(map, direction)]?.lastErrorAt = StateStore.now
        }
    }

    /// What the target's applications changed on one key that the reverse
    /// direction has not carried over yet.
    struct LocalEdits {
        /// The first pending change (every one from it on is superseded if the source wins).
        var seq: Int64
        /// The key as the target's change log stores it.
        var key: String
        /// The latest row (what the target holds now) and its time.
        var row: String?
        var at: Double
        /// The target columns the pending updates changed.
        var columns: Set<String> = []
        /// An insert or delete among them, or an update without a mask: the whole row counts as changed.
        var wholeRow = false
    }

    /// Pending local changes on the target side for `plan`, by normalised target key.
    private func pendingLocal(_ plan: DirectionPlan, direction: SyncDirection, _ db: Database) throws -> [String: LocalEdits] {
        let reverse = SyncDirection(from: direction.target)
        guard states[plan.map]?.isActive == true, plans[plan.map]?[reverse] != nil,
            let consumed = checkpoints[reverse]?[plan.map]
        else { return [:] }
        var result: [String: LocalEdits] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT seq, key, row, at, op, changed FROM _tandem_changes WHERE seq > ? AND tbl = ? AND origin IS NULL ORDER BY seq"),
            arguments: [consumed, plan.targetTable])
        while let row = try rows.next() {
            let stored: String = row[1]
            guard let values = try? SQLLiteral.parseList(stored) else { continue }
            let key = SQLLiteral.quoteList(values)
            var edits = result[key] ?? LocalEdits(seq: row[0], key: stored, row: nil, at: 0)
            edits.row = row[2]
            edits.at = row[3]
            if (row[4] as String) == "U", let columns = plan.changedCaptureColumns(row[5]) {
                edits.columns.formUnion(columns)
            } else {
                edits.wholeRow = true
            }
            result[key] = edits
        }
        return result
    }

    /// The prepared statements one plan writes with, for one transaction.
    private struct PlanStatements {
        let update: RawStatement
        let insert: RawStatement
        let upsert: RawStatement?
        let delete: RawStatement
        let parents: [RawStatement]

        init(_ plan: DirectionPlan, _ db: Database) throws {
            update = try RawStatement(sql: plan.updateSQL, db)
            insert = try RawStatement(sql: plan.insertSQL, db)
            upsert = try plan.upsertSQL.map { try RawStatement(sql: $0, db) }
            delete = try RawStatement(sql: plan.deleteSQL, db)
            parents = try plan.parentChecks.map { try RawStatement(sql: $0.sql, db) }
        }
    }

    /// Errors that belong to one row (the target refused it), not to the side.
    private static let rowErrors: [ResultCode] = [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE]

    /// Applies `items` in order inside the caller's transaction. With
    /// `operatorRetry` (an operator's `tandem errors retry`), a change that
    /// fails again does not hold back the later changes of its key: when one
    /// of those applies, it carries the newer row and the failed ones are
    /// superseded (removed, and logged by the caller).
    /// With `writeThrough` (a synchronous write), nothing is parked: the first
    /// change the target refuses, or that meets unsynced edits of its key,
    /// throws, and each applied change leaves a marker in `_tandem_written`.
    private func applyItems(
        _ items: [Item], direction: SyncDirection, operatorRetry: Bool = false, writeThrough: Bool = false, _ db: Database
    ) throws {
        var outcome = Outcome()
        defer { pendingOutcome = outcome }
        let origin = direction.source.rawValue
        try RawStatement(sql: "INSERT OR REPLACE INTO _tandem_context (id, origin) VALUES (1, '')", db).execute()
        var pending: [ObjectIdentifier: [String: LocalEdits]] = [:]
        var statements: [ObjectIdentifier: PlanStatements] = [:]
        var blocked: [String: Set<String>] = [:]
        for (map, keys) in parked[direction] ?? [:] { blocked[map] = Set(keys.keys) }
        // Parked items being retried only block their own later items.
        if items.first?.parkedID != nil { blocked = [:] }
        let context = try RawStatement(sql: "UPDATE _tandem_context SET origin = ? WHERE id = 1", db)
        /// Operator retries: parked rows of a key that failed again, superseded if a later one applies.
        var failedAgain: [String: [(id: Int64, seq: Int64)]] = [:]

        for item in items {
            let plan = item.plan
            func count(_ update: (inout (applied: Int, skipped: Int, conflicts: Int)) -> Void) {
                update(&outcome.counters[plan.map, default: (0, 0, 0)])
            }
            func park(_ kind: String, _ reason: String, _ errorClass: ErrorClass = .application) throws {
                if writeThrough {
                    throw SyncError(errorClass == .plugin ? .plugin : .badValue, "key \(item.change.key): \(reason)")
                }
                if let id = item.parkedID {
                    try db.execute(
                        sql: "UPDATE _tandem_parked SET reason = ?, kind = ?, error_class = ?, attempts = attempts + 1 WHERE id = ?",
                        arguments: [reason, kind, errorClass.rawValue, id])
                    if operatorRetry { failedAgain[item.change.key, default: []].append((id, item.change.seq)) }
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO _tandem_parked (map, source, seq, tbl, op, key, row, at, kind, reason, parked_at, error_class, changed)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            plan.map, origin, item.change.seq, item.change.table, item.change.operation.rawValue, item.change.key,
                            item.change.row, item.change.at, kind, reason, StateStore.now, errorClass.rawValue, item.change.changed,
                        ])
                    outcome.newlyParked.append((plan.map, item.change.key))
                }
                if !operatorRetry { blocked[plan.map, default: []].insert(item.change.key) }
                if kind == "error" { outcome.errors[plan.map] = reason }
            }
            func unpark() throws {
                guard let id = item.parkedID else { return }
                try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [id])
                outcome.unparked.append((plan.map, item.change.key))
                // The earlier failures of this key are superseded by this newer row.
                for failed in failedAgain.removeValue(forKey: item.change.key) ?? [] {
                    try db.execute(sql: "DELETE FROM _tandem_parked WHERE id = ?", arguments: [failed.id])
                    outcome.unparked.append((plan.map, item.change.key))
                    outcome.superseded.append((plan.map, item.change.key, failed.seq, item.change.seq))
                }
            }

            guard let mapped = item.mapped else {
                // An echo of Tandem's own write, or a row the filter leaves out.
                count { $0.skipped += 1 }
                try unpark()
                continue
            }
            if item.change.isWriteThrough, !writeThrough, item.parkedID == nil {
                // A write-through's change: its marker says it was applied here already.
                // Without one, Tandem died between the two commits, and this applies it.
                try db.execute(
                    sql: "DELETE FROM _tandem_written WHERE source = ? AND seq = ?", arguments: [origin, item.change.seq])
                if db.changesCount > 0 {
                    count { $0.skipped += 1 }
                    continue
                }
                logger.notice("map \(plan.map): applying write-through change \(origin):\(item.change.seq), which did not reach the \(direction.target) side")
            }
            if blocked[plan.map]?.contains(item.change.key) == true {
                try park("behind", "waits behind an earlier parked change of the same key")
                continue
            }
            if let conflict = openConflicts[plan.map]?[direction.source]?[item.change.key] {
                try park("behind", "waits for conflict \(conflict) to be resolved (`tandem conflicts show \(conflict)`)")
                continue
            }
            let values: [DatabaseValue]
            switch mapped {
            case .failure(let error):
                try park("error", error.message, ErrorClass(error))
                continue
            case .success(let result):
                values = result
            }
            let id = ObjectIdentifier(plan)
            if statements[id] == nil { statements[id] = try PlanStatements(plan, db) }
            let write = statements[id]!
            if item.change.operation != .delete {
                var missing: String?
                for (check, statement) in zip(plan.parentChecks, write.parents) where !values[check.target].isNull {
                    statement.bind(values[check.target], at: 1)
                    let found = try statement.step()
                    statement.reset()
                    if !found {
                        missing = "waits for its parent in map \(check.map): \(ValueConversion.describe(values[check.target])) is not on the \(direction.target) side yet"
                        break
                    }
                }
                if let missing {
                    try park("parent", missing)
                    continue
                }
            }
            // Conflict: the target's applications changed the same key and the
            // reverse direction has not carried that over yet.
            if pending[id] == nil { pending[id] = try pendingLocal(plan, direction: direction, db) }
            if pending[id]?.isEmpty == false, case let targetKey = plan.targetKeyString(values), let local = pending[id]?[targetKey] {
                if writeThrough {
                    throw SyncError(
                        .state,
                        "the \(direction.target) side has edits of key \(local.key) that have not synced yet (\(direction.target):\(local.seq)); write again once they have")
                }
                let conflict = ConflictDecision(
                    policy: plan.policy, direction: direction, change: item.change,
                    sourceColumns: item.change.operation == .update ? plan.changedTargetColumns(item.change.changed) : nil,
                    local: local, fieldPolicies: plan.fieldPolicies)
                try db.execute(
                    sql: """
                        INSERT INTO _tandem_conflicts (map, key, policy, winner, source, source_seq, source_row, target_seq, target_row, at,
                            status, outcome, source_changed, target_changed, source_table, target_table)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        plan.map, local.key, plan.policy.rawValue, conflict.winner, origin, item.change.seq, item.change.row, local.seq,
                        local.row, StateStore.now, conflict.resolution == .manual ? "open" : "resolved", conflict.outcome,
                        conflict.sourceColumns.map { $0.sorted().joined(separator: ",") },
                        local.wholeRow ? nil : local.columns.sorted().joined(separator: ","), plan.sourceTable, plan.targetTable,
                    ])
                let conflictID = db.lastInsertedRowID
                count { $0.conflicts += 1 }
                switch conflict.resolution {
                case .source:
                    // The target's own pending edits lost: they must not travel back.
                    try db.execute(
                        sql: "UPDATE _tandem_changes SET origin = ? WHERE tbl = ? AND key = ? AND seq >= ? AND origin IS NULL",
                        arguments: ["superseded by \(origin):\(item.change.seq)", plan.targetTable, local.key, local.seq])
                    pending[id]?[targetKey] = nil
                case .target:
                    count { $0.skipped += 1 }
                    try unpark()
                    continue
                case .merge(let columns):
                    context.bind("\(origin):\(item.change.seq) merged", at: 1)
                    try context.execute()
                    let merged = try writeMerged(
                        plan, values: values, columns: columns, local: local,
                        note: "superseded by the merge of \(origin):\(item.change.seq)", db)
                    if !merged {
                        // The row is gone from the target: nothing to merge into; the change applies as it is.
                        pending[id]?[targetKey] = nil
                        break
                    }
                    try unpark()
                    outcome.wrote = true
                    outcome.appliedSeqs.append(item.change.seq)
                    outcome.appliedMaps.append(plan.map)
                    count { $0.applied += 1 }
                    continue
                case .manual:
                    let entry = ErrorID(side: direction.target, number: conflictID)
                    try park(
                        "conflict",
                        "the \(direction.target) side changed this row too (\(direction.target):\(local.seq)) and map \(plan.map) resolves conflicts by hand: `tandem conflicts resolve \(entry) --take erp|crm|merged`",
                        .conflict)
                    try db.execute(
                        sql: "UPDATE _tandem_conflicts SET parked_id = ? WHERE id = ?", arguments: [db.lastInsertedRowID, conflictID])
                    outcome.openConflicts.append((plan.map, direction.target, local.key, entry.description))
                    continue
                }
            }

            context.bind("\(origin):\(item.change.seq)", at: 1)
            try context.execute()
            let keyValues = plan.targetKey.map { values[$0] }
            do {
                switch item.change.operation {
                case .delete:
                    write.delete.bind(keyValues)
                    try write.delete.execute()
                case .insert, .update:
                    if item.change.operation == .update, let oldKey = try oldTargetKey(item, plan), oldKey != keyValues {
                        write.delete.bind(oldKey)
                        try write.delete.execute()
                    }
                    if let upsert = write.upsert {
                        upsert.bind(values)
                        try upsert.execute()
                    } else {
                        write.update.bind(plan.nonKey.lazy.map { values[$0] } + keyValues)
                        if try write.update.execute() == 0 {
                            write.insert.bind(values)
                            try write.insert.execute()
                        }
                    }
                }
            } catch let error as DatabaseError where Self.rowErrors.contains(error.resultCode) {
                // SQLite undid the failed statement only; the row waits in the parking table.
                try park("error", "the \(direction.target) side refused the row: \(error.message ?? "\(error)")")
                continue
            }
            try unpark()
            if writeThrough {
                let marker = try RawStatement(sql: "INSERT OR IGNORE INTO _tandem_written (source, seq) VALUES (?, ?)", db)
                marker.bind([origin.databaseValue, item.change.seq.databaseValue])
                try marker.execute()
            }
            outcome.wrote = true
            outcome.appliedSeqs.append(item.change.seq)
            outcome.appliedMaps.append(plan.map)
            count { $0.applied += 1 }
        }
        try RawStatement(sql: "DELETE FROM _tandem_context", db).execute()
    }

    /// Writes the incoming values of `columns` over the target's row, keeping
    /// the target's other columns; the target's pending edits of the key are
    /// marked with `note` (they are part of the merged row now), and the merged
    /// row is queued in the target's change log as a change of its own, so
    /// that it travels back with the target's edits. Returns false when the
    /// row is not on the target side. The caller has set the context row.
    private func writeMerged(
        _ plan: DirectionPlan, values: [DatabaseValue], columns: Set<String>, local: LocalEdits, note: String, _ db: Database
    ) throws -> Bool {
        let keyValues = plan.targetKey.map { values[$0] }
        let select = try RawStatement(sql: plan.selectSQL, db)
        select.bind(keyValues)
        guard try select.step() else {
            select.reset()
            return false
        }
        var merged = plan.targetColumns.indices.map { select.value(Int32($0)) }
        select.reset()
        for (index, column) in plan.targetColumns.enumerated() where columns.contains(column) { merged[index] = values[index] }
        let update = try RawStatement(sql: plan.updateSQL, db)
        update.bind(plan.nonKey.map { merged[$0] } + keyValues)
        try update.execute()
        try db.execute(
            sql: "UPDATE _tandem_changes SET origin = ? WHERE tbl = ? AND key = ? AND seq >= ? AND origin IS NULL",
            arguments: [note, plan.targetTable, local.key, local.seq])
        let mask = plan.targetCaptureColumns.map { local.wholeRow || local.columns.contains($0) ? "1" : "0" }.joined()
        try db.execute(
            sql: """
                INSERT INTO _tandem_changes (tbl, op, key, row, at, origin, changed)
                SELECT ?, 'U', ?, \(CaptureSchema.quoteList(nil, plan.targetCaptureColumns)), \(CaptureSchema.nowMilliseconds), NULL, ?
                FROM \(CaptureSchema.identifier(plan.targetTable)) WHERE \(plan.keyCondition)
                """,
            arguments: StatementArguments([plan.targetTable.databaseValue, local.key.databaseValue, mask.databaseValue] + keyValues))
        return true
    }

    /// The target key the row had before an update, when its key changed.
    private func oldTargetKey(_ item: Item, _ plan: DirectionPlan) throws -> [DatabaseValue]? {
        let oldSource = try SQLLiteral.parseList(item.change.key)
        let newSource = plan.sourceKey.map { $0 < item.sourceRow.count ? item.sourceRow[$0] : .null }
        guard oldSource != newSource else { return nil }
        var result: [DatabaseValue] = []
        for position in plan.targetKeyFromSourceKey {
            guard let position, position < oldSource.count else {
                throw SyncError(.badValue, "the key changed and map \(plan.map) computes its target key; delete and re-insert the row instead")
            }
            result.append(oldSource[position])
        }
        return result
    }

    /// Which parked changes a retry takes.
    enum RetryScope {
        /// The engine's own retries: keys whose first parked change waits for
        /// a parent. Errors wait for an operator.
        case waitingForParents
        /// An operator's retry: the whole queue of these keys, failures not holding back later changes.
        case keys(Set<String>)
    }

    /// Retries the parked changes of `map` in `direction` in `scope`, in order.
    @discardableResult
    func retryParked(map: String, direction: SyncDirection, scope: RetryScope = .waitingForParents) throws -> Outcome {
        guard let plan = plans[map]?[direction], states[map]?.isActive == true else { return Outcome() }
        let target = sides[direction.target]!
        var rows = try target.queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, seq, tbl, op, key, row, at, changed FROM _tandem_parked WHERE map = ? AND source = ?
                    \(scope.isAutomatic ? "AND key IN (SELECT key FROM _tandem_parked WHERE map = ?1 AND source = ?2 AND kind = 'parent')" : "")
                    ORDER BY seq, id
                    """,
                arguments: [map, direction.source.rawValue])
        }
        if case .keys(let keys) = scope { rows = rows.filter { keys.contains($0[4]) } }
        guard !rows.isEmpty else { return Outcome() }
        let pairs: [(DirectionPlan, Change, Int64?)] = rows.map { row in
            (
                plan,
                Change(
                    seq: row[1], table: row[2], operation: Change.Operation(rawValue: row[3]) ?? .update, key: row[4], row: row[5],
                    at: row[6], origin: nil, changed: row[7]),
                row[0] as Int64
            )
        }
        let items = prepare(pairs)
        let outcome = try target.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try self.applyItems(items, direction: direction, operatorRetry: !scope.isAutomatic, db)
                return .commit
            }
            return self.pendingOutcome
        }
        commit(outcome, direction: direction)
        if outcome.wrote { dirty[direction.target] = true }
        if !outcome.unparked.isEmpty {
            logger.info("map \(map): \(outcome.unparked.count) parked change(s) applied")
        }
        for superseded in outcome.superseded {
            try state.log(
                actor: "engine", map: map, event: "parked change superseded",
                details: "\(direction.source):\(superseded.seq) (key \(superseded.key)) failed again on retry; "
                    + "the newer change \(direction.source):\(superseded.by) of the same key was applied in its place")
        }
        return outcome
    }

    // MARK: Housekeeping

    /// What the housekeeper needs to prune each side's change log.
    private func housekeepingSources() -> [Housekeeper.Source] {
        SideRole.allCases.map { role in
            var readers: [String: [String]] = [:]
            for map in maps {
                for (direction, plan) in plans[map.name] ?? [:] where direction.source == role {
                    readers[plan.sourceTable, default: []].append(map.name)
                }
            }
            let target = SyncDirection(from: role).target
            return Housekeeper.Source(role: role, path: sides[role]!.path, targetPath: sides[target]!.path, readers: readers)
        }
    }

    private func writeStats() throws {
        let now = ContinuousClock.now
        let seconds = max((now - lastStatsTime).timeInterval, 0.001)
        lastStatsTime = now
        var list: [MapDirectionStats] = []
        for (key, var stat) in stats {
            stat.rate = Double(stat.applied - (appliedAtLastStats[key] ?? 0)) / seconds
            stat.parked = parked[stat.direction]?[stat.map]?.values.reduce(0, +) ?? 0
            appliedAtLastStats[key] = stat.applied
            stats[key] = stat
            list.append(stat)
        }
        try state.writeStats(list)
    }
}

extension SyncEngine.RetryScope {
    var isAutomatic: Bool {
        if case .waitingForParents = self { return true }
        return false
    }
}
