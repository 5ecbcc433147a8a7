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
    /// The plugins loaded (and refused) for this engine, for the activity log.
    let catalog: PluginCatalog
    /// When each resuming map started its catch-up, to say how long it took.
    var catchUpSince: [String: ContinuousClock.Instant] = [:]
    /// Whether this is the environment's running engine (``run(until:)``), not a command's helper.
    var live = false
    /// Nil unless a metrics backend is bootstrapped (`tandem run --metrics`).
    let metrics: EngineMetrics?

    var states: [String: MapState] = [:]
    /// Consumed source sequence per direction and map.
    var checkpoints: [SyncDirection: [String: Int64]] = [:]
    /// The `data_version` of each side when its one-way edits were last looked at (see ``guardOneWayMaps()``).
    var oneWayVersion: [SideRole: Int] = [:]
    /// Source keys with parked changes, per direction and map (count per key).
    private var parked: [SyncDirection: [String: [String: Int]]] = [:]
    private var stats: [String: MapDirectionStats] = [:]
    private var appliedAtLastStats: [String: Int] = [:]
    var dirty: [SideRole: Bool] = [.erp: true, .crm: true]
    private var lastDataVersion: [SideRole: Int] = [:]
    private var stateVersion = -1
    private var caughtUp: [String: Set<SyncDirection>] = [:]
    /// Keys in open manual conflicts: map → side whose edits conflict → key (as that side stores it) → conflict ID.
    /// Changes of such a key from that side wait until an operator resolves the conflict.
    var openConflicts: [String: [SideRole: [String: String]]] = [:]
    /// Column names and declared types of the tables written through ``write(_:)``.
    var writeColumns: [String: [(name: String, type: String)]] = [:]
    /// Directions whose in-memory checkpoints are ahead of the stored ones (see ``saveCheckpoints()``).
    private var unsavedCheckpoints: Set<SyncDirection> = []
    private var nextStats = ContinuousClock.now
    /// The last change read per direction (number, time, table): the fingerprint recorded with
    /// the applied lower bound (see ``recordApplied()``).
    var lastRead: [SyncDirection: (seq: Int64, at: Double, table: String)] = [:]
    /// What ``recordApplied()`` last wrote per map and source, so that it writes only what moved.
    var recordedApplied: [String: Int64] = [:]
    /// The side files as the engine opened them (see ``checkSideFiles()``).
    var sideFiles: [SideRole: FileIdentity] = [:]
    /// Maps the housekeeper must not prune for (failed ones).
    let held = Housekeeper.Held()
    private var nextParkedRetry = ContinuousClock.now
    private var lastStatsTime = ContinuousClock.now

    /// Loads the environment's maps from `catalog`, installs capture and
    /// compiles every map against the live tables.
    public init(environment: TandemEnvironment, catalog: PluginCatalog, logger: Logger) throws {
        self.environment = environment
        self.logger = logger
        self.catalog = catalog
        sides = try environment.openSides()
        for (role, side) in sides { sideFiles[role] = FileIdentity(path: side.path) }
        state = try environment.openState()
        // Before anything is installed or synced: a side that is not this environment's is never written.
        try SideIdentity.verify(environment, sides: sides, state: state, actor: "engine")
        maps = try environment.resolveMaps(catalog)
        // The first write to each side: a read-only file or folder fails here, named.
        do { try environment.installCapture(maps) } catch { throw SideFault.describe(error, sides: sides) }
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
                    plugin: resolved.plugin, sourceTypes: ordered, targetTypes: targetTypes, maps: byName,
                    sourceSide: sides[direction.source])
                try sides[direction.target]!.queue.read { db in plan.enableUpsert(db) }
                plan.setTargetCaptureColumns(captured[direction.target]?[target.table] ?? [])
                plans[resolved.name, default: [:]][direction] = plan
                stats[Self.statsKey(resolved.name, direction)] = MapDirectionStats(map: resolved.name, direction: direction)
            }
        }
        self.plans = plans
        parentsOf = parents
        metrics = EngineMetrics(plans.flatMap { map, byDirection in byDirection.keys.map { (map: map, direction: $0) } })
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
        live = true
        try EnvironmentHistory.recordPlugins(catalog, state: state, actor: "engine")
        try EnvironmentHistory.record(environment, maps: maps, state: state, actor: "engine")
        // Before pruning starts: a side that went back in time fails its maps first, and their tables are
        // held. Requests queued while no engine ran are handled here too. A side busy right now is retried
        // by the loop below (the states are read again until a read succeeds).
        do { try refreshStates() } catch { logger.warning("reading the map states failed, retrying: \(error)") }
        let housekeeper = try Housekeeper(
            sources: housekeepingSources(), pruneInterval: pruneInterval,
            retention: Housekeeper.Retention(
                age: .seconds(environment.config.engine.appliedRetentionHours * 3600),
                changes: Int64(environment.config.engine.appliedRetentionChanges)),
            held: held, logger: logger)
        defer { housekeeper.stop() }
        let pruner = try LogPruner(environment: environment, logger: logger)
        defer { pruner.stop() }
        // Alert rules and notifications, on threads of their own.
        let alerting = try Alerting(engine: self)
        defer { alerting.stop() }
        // The queue gauges, read on a thread of their own (see MetricsSampler).
        let sampler = try metrics.map { try MetricsSampler(engine: self, metrics: $0) }
        defer { sampler?.stop() }
        var backoff = Duration.milliseconds(10)
        var lastWork = ContinuousClock.now
        // A side that keeps failing becomes an incident in the error list after a while.
        var failingSince: ContinuousClock.Instant?
        var incident: Int64?
        let transientAfter = Duration.seconds(environment.config.engine.transientErrorAfterSeconds)
        var nextFileCheck = ContinuousClock.now
        while !shouldStop() {
            // Outside the retry below: a side deleted or replaced is not transient, and writing on
            // into a deleted file loses what is written.
            if ContinuousClock.now >= nextFileCheck {
                nextFileCheck = .now + Self.fileCheckInterval
                try checkSideFiles()
            }
            do {
                if try iterate() {
                    lastWork = .now
                } else {
                    // Idle for a second: look less often (at most every 5 ms), so that an engine
                    // with nothing to do does not spend a core polling; any work goes back to poll_interval_ms.
                    try? sleep(ContinuousClock.now - lastWork > .seconds(1) ? max(pollInterval, .milliseconds(5)) : pollInterval)
                }
                backoff = .milliseconds(10)
                failingSince = nil
                if let open = incident {
                    try? state.resolveIncident(open)
                    logger.notice("the sides work again; transient error engine-\(open) cleared")
                    incident = nil
                }
            } catch {
                // A file error says which side and file, and what to do, in the log and in `tandem status`.
                let error = SideFault.describe(error, sides: sides)
                let started = failingSince ?? .now
                failingSince = started
                if ContinuousClock.now - started >= transientAfter {
                    let active = maps.filter { states[$0.name]?.isActive == true }.map(\.name)
                    if let open = incident {
                        try? state.touchIncident(open, error: "\(error)")
                    } else {
                        let since = StateStore.now - (ContinuousClock.now - started).timeInterval * 1000
                        incident = try? state.openIncident(since: since, error: "\(error)", maps: active)
                    }
                }
                // A side busy for longer than the 30 s busy wait, a full disk, a side
                // being replaced: nothing is parked (no row is at fault); report it
                // in the log and on every active map's status, and try again, slower each time.
                logger.error("sync iteration failed, retrying in \(backoff): \(error)")
                for (key, stat) in stats where states[stat.map]?.isActive == true {
                    metrics?.recordTransientError(map: stat.map, direction: stat.direction)
                    stats[key]?.lastError = "transient: \(error) (retrying)"
                    stats[key]?.lastErrorAt = StateStore.now
                }
                try? writeStats()
                try? sleep(backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
        try saveCheckpoints()
        try recordApplied()
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
        worked = try guardOneWayMaps() || worked
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
            // Before the checkpoints are saved and recorded: a side that went back fails its maps first.
            try auditSides()
            try saveCheckpoints()
            if live { try recordApplied() }
            try writeStats()
        }
        return worked
    }

    func refreshStates() throws {
        guard try refreshMapStates() else { return }
        try handleRequests()
    }

    /// Reads the desired map states when the state database changed; returns whether it did.
    func refreshMapStates() throws -> Bool {
        let version = try state.dataVersion()
        guard version != stateVersion else { return false }
        let records = try state.mapStates()
        for map in maps {
            let new = records[map.name]?.state ?? .notRunning
            let old = states[map.name]
            if new != old {
                if new == .resuming { caughtUp[map.name] = [] }
                if new.isActive {
                    // An initial sync (another process) may have stored a checkpoint and parked rows meanwhile.
                    for direction in plans[map.name]!.keys {
                        let target = sides[direction.target]!
                        let stored = try target.queue.read { db in
                            try target.checkpoints(db)[SideDatabase.checkpointKey(map: map.name, source: direction.source.rawValue)]
                        }
                        checkpoints[direction, default: [:]][map.name] = max(checkpoints[direction]?[map.name] ?? 0, stored ?? 0)
                        let keys = try target.queue.read { db in
                            try String.fetchAll(
                                db, sql: "SELECT key FROM _tandem_parked WHERE map = ? AND source = ?",
                                arguments: [map.name, direction.source.rawValue])
                        }
                        var counts: [String: Int] = [:]
                        for key in keys { counts[key, default: 0] += 1 }
                        parked[direction, default: [:]][map.name] = counts
                    }
                }
                // After the checkpoints above, so that it names where catch-up starts. The activity
                // log must not stop sync: a failed entry is only logged.
                if new == .resuming { logActivity { try logCatchUpStarted(map.name) } }
                // Transitions at notice (the default level): an operator, or a test,
                // sees in the engine's log when the engine itself took a pause or resume.
                if let old {
                    logger.notice("map \(map.name): \(old.rawValue) → \(new.rawValue)")
                } else {
                    logger.info("map \(map.name): loaded → \(new.rawValue)")
                }
            }
            states[map.name] = new
        }
        // Before any map that just became active reads a change: a side that went back fails it.
        try auditSides()
        // Only now: had a read above failed, the next pass reads the states again (the
        // version changes only when another connection commits).
        stateVersion = version
        dirty = [.erp: true, .crm: true]
        return true
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
        let version = try source.queue.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
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
        do {
            if !changes.isEmpty { try apply(changes, plans: active, direction: direction) }
        } catch {
            // Not applied (a side stayed busy): read it again next time, with or without a new commit.
            dirty[direction.source] = true
            throw error
        }
        try promoteCaughtUp()
        return !changes.isEmpty
    }

    private func promoteCaughtUp() throws {
        for map in maps where states[map.name] == .resuming {
            let directions = Set(plans[map.name]!.keys)
            guard caughtUp[map.name, default: []].isSuperset(of: directions) else { continue }
            if try state.transition(map.name, from: .resuming, to: .running) {
                states[map.name] = .running
                logActivity { try logCatchUpFinished(map.name) }
                logger.notice("map \(map.name): caught up, running")
            }
        }
    }

    // MARK: Applying

    /// One unit of work: a change for a plan, decoded and mapped.
    struct Item {
        let plan: DirectionPlan
        let change: Change
        /// Nil: echo or filtered out (consumed without a write).
        var mapped: Result<[DatabaseValue], SyncError>?
        var sourceRow: [DatabaseValue]
        /// Set when the item comes from the parking table.
        var parkedID: Int64?
    }

    func prepare(_ pairs: [(DirectionPlan, Change, Int64?)]) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(pairs.count)
        var toMap: [ObjectIdentifier: [Int]] = [:]
        for (plan, change, parkedID) in pairs {
            var item = Item(plan: plan, change: change, mapped: nil, sourceRow: [], parkedID: parkedID)
            if change.isApplicable, let text = change.row {
                do {
                    item.sourceRow = try SQLLiteral.parseList(text, names: plan.sourceColumns)
                    if try plan.filter?.passes(item.sourceRow) ?? true {
                        toMap[ObjectIdentifier(plan), default: []].append(items.count)
                        item.mapped = .success([])
                    }
                } catch let error as SyncError where error.code == .invalidText {
                    // Parked, never repaired: neither Arrow utf8 nor the other side's text can hold it.
                    item.mapped = .failure(
                        SyncError(
                            .invalidText,
                            "table \(plan.sourceTable) on the \(plan.direction.source) side, key \(change.key): \(error.message); "
                                + "fix the value on the \(plan.direction.source) side (the update is captured), "
                                + "then `tandem errors retry ID`"))
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
        lastRead[direction] = (last, changes.last!.at, changes.last!.table)
        guard items.contains(where: { $0.mapped != nil }) else {
            // Only echoes and filtered-out rows: nothing to write. Reading them
            // again after a crash skips them again, so the checkpoint is saved
            // later (with the next write, or within a second) instead of
            // costing a transaction on a side the applications are writing.
            var skipped: [String: Int] = [:]
            for item in items { skipped[item.plan.map, default: 0] += 1 }
            for (map, count) in skipped {
                stats[Self.statsKey(map, direction)]?.skipped += count
                metrics?.recordSkipped(map: map, direction: direction, count: count)
            }
            for plan in active {
                checkpoints[direction, default: [:]][plan.map] = max(checkpoints[direction]?[plan.map] ?? 0, last)
            }
            unsavedCheckpoints.insert(direction)
            return
        }
        let target = sides[direction.target]!
        let outcome = try target.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) { () -> Database.TransactionCompletion in
                try self.applyItems(items, direction: direction, quiet: Self.canApplyQuietly(items, db), db)
                for plan in active { try Self.storeCheckpoint(map: plan.map, source: direction.source, seq: last, db) }
                return .commit
            }
            return self.pendingOutcome
        }
        let committed = ContinuousClock.now
        if outcome.quietEchoes > 0 {
            logger.debug("\(direction): \(outcome.quietEchoes) echoes recorded with the capture triggers off")
        }
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
    static func storeCheckpoint(map: String, source: SideRole, seq: Int64, _ db: Database) throws {
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
        /// Capture times of the applied changes (ms since the epoch), for the apply latency metric.
        var appliedAt: [Double] = []
        /// Changes parked as errors or manual conflicts, by class (for the error metric).
        var failures: [(map: String, errorClass: ErrorClass)] = []
        var counters: [String: (applied: Int, skipped: Int, conflicts: Int)] = [:]
        var newlyParked: [(map: String, key: String)] = []
        var unparked: [(map: String, key: String)] = []
        var errors: [String: String] = [:]
        /// Conflicts left open for an operator: (map, side whose edits conflict, key as that side stores it).
        var openConflicts: [(map: String, side: SideRole, key: String, id: String)] = []
        /// Operator retries: (map, key, failed seq, seq that superseded it).
        var superseded: [(map: String, key: String, seq: Int64, by: Int64)] = []
        var wrote = false
        /// Initial sync: rows written with a reference into their own map left empty, for the second pass.
        var deferredReferences = 0
        /// Echoes recorded by ``EchoLineage`` (the capture triggers off), not by the triggers.
        var quietEchoes = 0
    }

    var pendingOutcome = Outcome()

    func commit(_ outcome: Outcome, direction: SyncDirection) {
        metrics?.record(outcome, direction: direction)
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
                sql: """
                    SELECT seq, CAST(key AS BLOB), CAST(row AS BLOB), at, op, changed FROM _tandem_changes
                    WHERE seq > ? AND tbl = ? AND origin IS NULL ORDER BY seq
                    """),
            arguments: [consumed, plan.targetTable])
        while let row = try rows.next() {
            // Key and row as bytes: GRDB would repair text that is not valid UTF-8.
            let stored = SQLLiteral.normalized(row[1] as Data? ?? Data())
            guard let values = try? SQLLiteral.parseList(stored) else { continue }
            let key = SQLLiteral.quoteList(values)
            var edits = result[key] ?? LocalEdits(seq: row[0], key: stored, row: nil, at: 0)
            edits.row = (row[2] as Data?).map(SQLLiteral.normalized)
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
    struct PlanStatements {
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

    /// Whether `items` are applied with the capture triggers off, their
    /// echoes recorded by ``EchoLineage``: at least ``quietMinimum`` of them
    /// write, and none of the tables they write has an application trigger,
    /// which must run (checked per batch, so a trigger added while the engine
    /// runs counts from the next one).
    static func canApplyQuietly(_ items: [Item], _ db: Database) throws -> Bool {
        let writing = items.filter { $0.mapped != nil }
        guard writing.count >= quietMinimum else { return false }
        let written = Set(writing.map { $0.plan.targetTable.lowercased() })
        return try CaptureSchema.tablesWithOtherTriggers(db).isDisjoint(with: written)
    }

    /// Turning the triggers off and on makes SQLite prepare the connection's
    /// statements again (about 0.1 ms a batch), which a small batch does not
    /// win back (about 5 µs a row): measured with `tandem bench sync` and
    /// `tandem bench write`, where one-row writes went from 0.49 to 0.79 ms.
    static let quietMinimum = 32

    /// Errors that belong to one row (the target refused it), not to the side.
    static let rowErrors: [ResultCode] = [.SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE]

    /// Applies `items` in order inside the caller's transaction. With
    /// `operatorRetry` (an operator's `tandem errors retry`), a change that
    /// fails again does not hold back the later changes of its key: when one
    /// of those applies, it carries the newer row and the failed ones are
    /// superseded (removed, and logged by the caller).
    /// With `writeThrough` (a synchronous write), nothing is parked: the first
    /// change the target refuses, or that meets unsynced edits of its key,
    /// throws, and each applied change leaves a marker in `_tandem_written`.
    /// With `initialSync`, every write carries initial sync's context origin,
    /// which the capture triggers do not record (no echoes).
    /// With `quiet` (live sync, into tables with no triggers but Tandem's), the
    /// triggers are off and the echoes' change-log rows come from
    /// ``EchoLineage``, until a conflict needs the triggers (a merge is
    /// recorded by them): from there on, the batch runs with them.
    func applyItems(
        _ items: [Item], direction: SyncDirection, operatorRetry: Bool = false, writeThrough: Bool = false, initialSync: Bool = false,
        quiet: Bool = false, _ db: Database
    ) throws {
        var outcome = Outcome()
        defer { pendingOutcome = outcome }
        let origin = direction.source.rawValue
        try CaptureSchema.setContext(initialSync ? CaptureSchema.initialSyncOrigin : "", db)
        var lineage: EchoLineage?
        if quiet, !writeThrough, !initialSync {
            try CaptureSchema.enableTriggers(false, db)
            lineage = EchoLineage()
        }
        defer {
            if lineage != nil {
                do { try CaptureSchema.enableTriggers(true, db) } catch { logger.error("\(error)") }
            }
        }
        /// Hands the rest of the batch to the capture triggers.
        func triggersOn() throws {
            guard var recorded = lineage else { return }
            try recorded.flush(db)
            lineage = nil
            try CaptureSchema.enableTriggers(true, db)
        }
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
                if kind == "error" || kind == "conflict" { outcome.failures.append((plan.map, errorClass)) }
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
            var values: [DatabaseValue]
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
                    // A row that refers to itself (billed to its own account) is its own parent.
                    if let own = check.ownColumn, values[own] == values[check.target] { continue }
                    statement.bind(check.arguments(values))
                    let found = try statement.step()
                    statement.reset()
                    if !found, initialSync, check.map == plan.map {
                        // Initial sync's first pass writes the row without its reference into its own
                        // table (the referenced row may come later, or refer back: a cycle); the second
                        // pass (``SyncEngine/completeSelfReferences``) fills it in.
                        values[check.target] = .null
                        outcome.deferredReferences += 1
                        continue
                    }
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
                try triggersOn()
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
                    try CaptureSchema.supersede(
                        table: plan.targetTable, key: local.key, from: local.seq, note: "superseded by \(origin):\(item.change.seq)", db)
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
                    outcome.appliedAt.append(item.change.at)
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

            let source = "\(origin):\(item.change.seq)"
            if !initialSync, lineage == nil {
                context.bind(source, at: 1)
                try context.execute()
            }
            let keyValues = plan.targetKey.map { values[$0] }
            /// With the triggers off: the row they would have written for a row written (`changed` > 0).
            func echo(_ operation: Change.Operation, _ key: [DatabaseValue], changed: Int) {
                guard changed > 0, lineage != nil else { return }
                lineage!.append(table: plan.targetTable, operation: operation, key: plan.keyString(key), origin: source)
                outcome.quietEchoes += 1
            }
            do {
                switch item.change.operation {
                case .delete:
                    write.delete.bind(keyValues)
                    echo(.delete, keyValues, changed: try write.delete.execute())
                case .insert, .update:
                    if item.change.operation == .update, let oldKey = try oldTargetKey(item, plan), oldKey != keyValues {
                        write.delete.bind(oldKey)
                        echo(.delete, oldKey, changed: try write.delete.execute())
                    }
                    if let upsert = write.upsert, lineage == nil || plan.targetHasRowid {
                        upsert.bind(values)
                        let (changed, inserted) = try upsert.executeUpsert()
                        echo(inserted ? .insert : .update, keyValues, changed: changed)
                    } else {
                        write.update.bind(plan.nonKey.lazy.map { values[$0] } + keyValues)
                        let updated = try write.update.execute()
                        echo(.update, keyValues, changed: updated)
                        if updated == 0 {
                            write.insert.bind(values)
                            echo(.insert, keyValues, changed: try write.insert.execute())
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
            outcome.appliedAt.append(item.change.at)
            count { $0.applied += 1 }
        }
        try lineage?.flush(db)
        try CaptureSchema.clearContext(db)
    }

    /// Writes the incoming values of `columns` over the target's row, keeping
    /// the target's other columns; the target's pending edits of the key are
    /// marked with `note` (they are part of the merged row now), and the merged
    /// row is queued in the target's change log as a change of its own, so
    /// that it travels back with the target's edits. Returns false when the
    /// row is not on the target side. The caller has set the context row.
    func writeMerged(
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
        try CaptureSchema.supersede(table: plan.targetTable, key: local.key, from: local.seq, note: note, db)
        let mask = plan.targetCaptureColumns.map { local.wholeRow || local.columns.contains($0) ? "1" : "0" }.joined()
        // Through the C API: GRDB binds text up to its first NUL, which would record another row.
        let record = try RawStatement(
            sql: """
                INSERT INTO _tandem_changes (tbl, op, key, row, at, origin, changed)
                SELECT ?, 'U', ?, \(CaptureSchema.quoteList(nil, plan.targetCaptureColumns)), \(CaptureSchema.nowMilliseconds), NULL, ?
                FROM \(CaptureSchema.identifier(plan.targetTable)) WHERE \(plan.keyCondition)
                """, db)
        record.bind([plan.targetTable.databaseValue, local.key.databaseValue, mask.databaseValue] + keyValues)
        try record.execute()
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
                // A one-way map also reads its target's change log, for edits to put back.
                if let plan = oneWayPlan(map.name), plan.direction.target == role {
                    readers[plan.targetTable, default: []].append(map.name)
                }
            }
            let target = SyncDirection(from: role).target
            return Housekeeper.Source(
                role: role, path: sides[role]!.path, targetPath: sides[target]!.path, readers: readers,
                sourceFile: sideFiles[role], targetFile: sideFiles[target])
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
