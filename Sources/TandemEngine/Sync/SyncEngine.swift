import Foundation
import GRDB
import GRDBSQLite
package import Logging
import TandemDocuments
package import TandemPluginHost

/// The sync engine: reads each side's change log, maps the changes of every
/// active map and applies them to the other side, with the checkpoint in the
/// same transaction as the rows (exactly once), Tandem's own writes marked
/// (no echo), conflicts resolved by policy, and changes whose parent is
/// missing parked until it arrives.
///
/// Both directions run on one thread, one batch at a time. That keeps
/// conflict detection simple and exact: while a batch is applied to a side,
/// nothing else of Tandem's touches it.
package final class SyncEngine {
    /// Called after each committed batch with the direction, the applied
    /// source sequence numbers and the commit time (for benchmarks).
    package typealias BatchObserver = (SyncDirection, [Int64], ContinuousClock.Instant) -> Void

    let environment: TandemEnvironment
    /// Both sides, whatever their endpoint (see ``SideEndpoint``).
    let sides: [SideRole: any SideEndpoint]
    /// Where each side is, for connections of their own (housekeeping, alerts).
    let locations: [SideRole: SideLocation]
    let state: StateStore
    let logger: Logger
    /// The enabled maps whose plugin loaded; a failed map's settings are read
    /// again from tandem.yaml when an operator resumes it (``recompileBroken(_:)``).
    var maps: [ResolvedMap]
    /// Compiled plans per map and direction; a map in ``broken`` has none
    /// until `tandem maps resume` compiles it again.
    var plans: [String: [SyncDirection: DirectionPlan]]
    /// Enabled maps that could not be loaded or compiled (plugin refused,
    /// table or column missing, transform refused), with the reason: they
    /// are failed, and the others run.
    var broken: [String: String]
    /// In `tandem run`'s engine process: journals plugin calls and keeps
    /// rows that crashed a plugin from it (``containPluginCrashes(journal:crashSignal:)``).
    var crashGuard: PluginCrashGuard?
    /// The signal the previous engine process ended with, as its supervisor
    /// reported it (`SIGSEGV`); handled once ``run(until:)`` starts.
    var crashSignal: String?
    /// Plugins whose host processes (`isolation: process`) crashed
    /// `engine.plugin_crash_limit` times in the window, found during a
    /// batch: their maps are failed at the start of the next iteration,
    /// when no plan is running (``failCrashLoopingHosts()``).
    var hostCrashLoops: [(entry: PluginCallJournal.Entry, signal: String, crashes: Int)] = []
    /// The maps each map looks up, to retry its parked changes when one of them moves.
    let parentsOf: [String: Set<String>]
    let batchSize: Int
    let pollInterval: Duration
    let pruneInterval: Duration
    /// See ``BatchObserver``.
    package var observer: BatchObserver?
    /// The plugins loaded (and refused) for this engine, for the activity log.
    var catalog: PluginCatalog
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
    var stats: [String: MapDirectionStats] = [:]
    private var appliedAtLastStats: [String: Int] = [:]
    var dirty: [SideRole: Bool] = [.erp: true, .crm: true]
    private var lastDataVersion: [SideRole: Int] = [:]
    private var stateVersion = -1
    private var caughtUp: [String: Set<SyncDirection>] = [:]
    /// Maps that became active and whose keys freed by a discard have not
    /// been released yet (``releaseUnblockedKeys(_:)``); kept until that
    /// succeeds, so a side busy at that moment does not leave them stuck.
    private var pendingRelease: Set<String> = []
    /// Keys in open manual conflicts: map → side whose edits conflict → key (as that side stores it) → conflict ID.
    /// Changes of such a key from that side wait until an operator resolves the conflict.
    var openConflicts: [String: [SideRole: [String: String]]] = [:]
    /// Keys whose next change in a direction writes its whole row, not only the
    /// columns its mask names: that side's edit won a conflict against the
    /// other side's change, whose other columns must be overwritten too.
    /// Direction → map → key (as the direction's source stores it).
    var wholeRowKeys: [SyncDirection: [String: Set<String>]] = [:]
    /// Column names and declared types of the tables written through ``write(_:)``.
    var writeColumns: [String: [(name: String, type: String)]] = [:]
    /// Directions whose in-memory checkpoints are ahead of the stored ones (see ``saveCheckpoints()``).
    private var unsavedCheckpoints: Set<SyncDirection> = []
    private var nextStats = ContinuousClock.now
    /// The last change read per direction (number, time, table): the fingerprint recorded with
    /// the applied lower bound (see ``recordApplied()``).
    var lastRead: [SyncDirection: (seq: Int64, at: Double, table: String)] = [:]
    /// What ``recordApplied()`` last wrote per map and source, so that it writes only what moved.
    var recordedApplied: [CheckpointID: Int64] = [:]
    /// The side files as the engine opened them (see ``checkSideFiles()``).
    var sideFiles: [SideRole: FileIdentity] = [:]
    /// Maps the housekeeper must not prune for (failed ones).
    let held = Housekeeper.Held()
    /// See ``ReadPositions``.
    let readPositions = ReadPositions()
    private var nextParkedRetry = ContinuousClock.now
    private var lastStatsTime = ContinuousClock.now

    /// Loads the environment's maps from `catalog`, installs capture and
    /// compiles every map against the live tables.
    package init(environment: TandemEnvironment, catalog: PluginCatalog, logger: Logger) throws {
        self.environment = environment
        self.logger = logger
        self.catalog = catalog
        locations = try environment.locations()
        var sides: [SideRole: any SideEndpoint] = [:]
        for (role, location) in locations {
            sides[role] = try location.open(role: role, busyTimeout: environment.config.engine.busyTimeoutSeconds, logger: logger)
            if let file = location.file { sideFiles[role] = FileIdentity(path: file) }
        }
        self.sides = sides
        state = try environment.openState()
        // Before anything is installed or synced: a side that is not this environment's is never written.
        try SideIdentity.verify(environment, sides: sides, state: state, actor: "engine")
        // A map whose plugin is refused, whose table or columns are missing or whose transform cannot be
        // made fails alone (``broken``): the other maps run, and `tandem maps resume` tries it again.
        let resolution = try environment.resolveMapsSkippingUnprovided(catalog)
        maps = resolution.maps
        var broken: [String: String] = [:]
        // The engine loads plugins once: a plugin fixed later is loaded by the next `tandem run`.
        for (name, error) in resolution.unprovided {
            let what = catalog.mapFileRefusal(for: name) == nil ? "the plugin" : "the map file"
            broken[name] = error.message + "; fix \(what), restart `tandem run`, then `tandem maps resume \(name)`"
        }
        batchSize = environment.config.engine.batchSize
        pollInterval = .milliseconds(environment.config.engine.pollIntervalMilliseconds)
        pruneInterval = .seconds(environment.config.engine.pruneIntervalSeconds)

        var plans: [String: [SyncDirection: DirectionPlan]] = [:]
        var parents: [String: Set<String>] = [:]
        for resolved in maps {
            for field in resolved.map.fields {
                if let lookup = field.lookup { parents[resolved.name, default: []].insert(lookup.map) }
            }
            do {
                plans[resolved.name] = try Self.compile(
                    resolved, among: maps, environment: environment, sides: sides, locations: locations, catalog: catalog)
            } catch let error as SyncError where Self.failsMapAlone(error) {
                broken[resolved.name] = error.message + Self.resumeHint(resolved.name)
                logger.error("map \(resolved.name) failed: \(error.message)")
            }
            for direction in (plans[resolved.name] ?? [:]).keys {
                stats[Self.statsKey(resolved.name, direction)] = MapDirectionStats(map: resolved.name, direction: direction)
            }
        }
        self.plans = plans
        self.broken = broken
        parentsOf = parents
        metrics = EngineMetrics(plans.flatMap { map, byDirection in byDirection.keys.map { (map: map, direction: $0) } })
        for byDirection in plans.values { watchHostFailures(byDirection) }
        try loadCheckpointsAndParked()
    }

    static func statsKey(_ map: String, _ direction: SyncDirection) -> String { "\(map) \(direction)" }

    /// Whether `error`, met while a map is compiled, is that map's own
    /// problem (a missing table or column, a transform that cannot be made)
    /// rather than the environment's (a side that cannot be written), so
    /// that the map fails alone.
    static func failsMapAlone(_ error: SyncError) -> Bool {
        error.code != .database && error.code != .locked
    }

    /// What ends a failure to compile `map`, appended to its reason.
    static func resumeHint(_ map: String) -> String {
        "; fix it, then `tandem maps resume \(map)` (`tandem maps validate \(map)` checks first)"
    }

    /// Installs capture for `resolved`'s tables and compiles its plans
    /// against the live tables, one per direction it syncs.
    static func compile(
        _ resolved: ResolvedMap, among maps: [ResolvedMap], environment: TandemEnvironment,
        sides: [SideRole: any SideEndpoint], locations: [SideRole: SideLocation], catalog: PluginCatalog
    ) throws -> [SyncDirection: DirectionPlan] {
        // The first write to each side: a read-only file or folder fails here, named.
        do { try environment.installCapture([resolved]) } catch let error as SyncError {
            throw error
        } catch {
            throw SideFault.describe(error, sides: locations.compactMapValues(\.file))
        }
        return try compilePlans(resolved, among: maps, environment: environment, sides: sides, catalog: catalog)
    }

    /// Compiles `resolved`'s plans against the live tables, one per
    /// direction it syncs, reading only: what ``compile(_:among:environment:sides:locations:catalog:)``
    /// does once capture is installed, and what `tandem maps compare` and
    /// `tandem maps preview` do without installing it. A source table that
    /// is not captured is read in table order (capture order is only that
    /// of its change log's rows).
    static func compilePlans(
        _ resolved: ResolvedMap, among maps: [ResolvedMap], environment: TandemEnvironment,
        sides: [SideRole: any SideEndpoint], catalog: PluginCatalog
    ) throws -> [SyncDirection: DirectionPlan] {
        let byName = Dictionary(maps.map { ($0.name, $0.map) }, uniquingKeysWith: { first, _ in first })
        var result: [SyncDirection: DirectionPlan] = [:]
        let directions = SyncDirection.allCases.filter { resolved.settings.direction.allows($0) }
        // Each table once, the first direction's source side first: a two-way map's directions share them.
        for role in directions.first.map({ [$0.source, $0.target] }) ?? [] {
            let table = role == .erp ? resolved.map.erp.table : resolved.map.crm.table
            let side = sides[role]!
            guard try !side.hasTable(table) else { continue }
            throw SyncError(
                .missingTable,
                "table '\(table)' of map \(resolved.name) does not exist in the \(role) database \(side.location); create it, or run `tandem capture install --create-tables` to create it from the map's DDL")
        }
        for direction in directions {
            let source = direction.source == .erp ? resolved.map.erp : resolved.map.crm
            let target = direction.source == .erp ? resolved.map.crm : resolved.map.erp
            let sourceSide = sides[direction.source]!
            let targetSide = sides[direction.target]!
            let sourceTypes = try sourceSide.columnTypes(of: source.table)
            // Rows are decoded in capture order, which install just made current.
            let captured = try sourceSide.capturedColumns()[source.table] ?? []
            let ordered = captured.isEmpty ? sourceTypes : captured.compactMap { name in sourceTypes.first { $0.name == name } }
            let targetTypes = try targetSide.columnTypes(of: target.table)
            let plan = try DirectionPlan(
                map: resolved.map, settings: resolved.settings, direction: direction, catalog: catalog,
                source: resolved.source, sourceTypes: ordered, targetTypes: targetTypes, maps: byName,
                sourceSide: sourceSide, isolation: environment.config.plugins.isolation)
            try targetSide.prepareTarget(plan)
            plan.setTargetCaptureColumns(try targetSide.capturedColumns()[target.table] ?? [])
            result[direction] = plan
        }
        return result
    }

    /// The SQLite sides' files (a server side has none).
    var sideFilePaths: [SideRole: String] { locations.compactMapValues(\.file) }

    /// The side `role` as the live loop reaches it (see ``SideEndpoint``).
    func endpoint(_ role: SideRole) -> any SideEndpoint { sides[role]! }

    private func loadCheckpointsAndParked() throws {
        for direction in SyncDirection.allCases {
            let target = endpoint(direction.target)
            let stored = try target.storedCheckpoints()
            var byMap: [String: Int64] = [:]
            for map in maps {
                if let seq = stored[CheckpointID(map: map.name, source: direction.source)] { byMap[map.name] = seq }
            }
            checkpoints[direction] = byMap
            var keys: [String: [String: Int]] = [:]
            for (map, key) in try target.parkedKeys(source: direction.source, map: nil) { keys[map, default: [:]][key, default: 0] += 1 }
            parked[direction] = keys
            // Conflicts stored in this target are between its edits and the source's.
            for (id, map, key) in try target.openConflicts(source: direction.source) {
                openConflicts[map, default: [:]][direction.target, default: [:]][key] = ErrorID(side: direction.target, number: id).description
            }
        }
    }

    // MARK: Running

    /// Runs until `shouldStop` returns true (checked between batches), then
    /// writes the final statistics.
    package func run(until shouldStop: () -> Bool) throws {
        try state.engineStarted(pid: ProcessInfo.processInfo.processIdentifier)
        logger.info("engine started", metadata: ["environment": "\(environment.directory)", "maps": "\(maps.count)"])
        live = true
        try EnvironmentHistory.recordPlugins(catalog, state: state, actor: "engine")
        try EnvironmentHistory.record(environment, maps: maps, state: state, actor: "engine")
        try failBrokenMaps()
        try handleCrash()
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
        // Between passes the engine waits for a commit to a side or to the state database (see
        // CommitWaiter), at most until iterate()'s timed work is due (`schedule`).
        let waiter = CommitWaiter(databases: waitedDatabases())
        let watches = try startWatches(waiter)
        defer { for watch in watches { watch.stop() } }
        if let reason = waiter.unavailable {
            logger.notice("no file notifications (\(reason)): checking for new commits every \(pollInterval)")
        }
        let fallback = Duration.milliseconds(environment.config.engine.fallbackPollMilliseconds)
        var schedule = PassSchedule()
        // Whether a notification came since the last pass that found nothing (see CommitWaiter.settleDelay).
        var notified = false
        while !shouldStop() {
            // Outside the retry below: a side deleted or replaced is not transient, and writing on
            // into a deleted file loses what is written.
            if ContinuousClock.now >= nextFileCheck {
                nextFileCheck = .now + Self.fileCheckInterval
                try checkSideFiles()
            }
            var idle = false
            do {
                // Before the pass, not after it: what is committed while the pass runs stays
                // queued and ends the next wait at once.
                notified = waiter.drain() || notified
                let started = ContinuousClock.now
                let worked = try iterate()
                schedule.passed(started: started, ended: .now)
                if worked {
                    lastWork = .now
                } else {
                    // Never wait while a side is still to be read (a full batch, echoes of the engine's own writes).
                    idle = !readsPending
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
                let error = SideFault.describe(error, sides: sideFilePaths)
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
                Thread.sleep(forTimeInterval: backoff.timeInterval)
                backoff = min(backoff * 2, .seconds(5))
            }
            guard idle else { continue }
            let now = ContinuousClock.now
            var wake = schedule.next
            if !waiter.isWatching {
                // Idle for a second: look less often (at most every 5 ms), so that an engine
                // with nothing to do does not spend a core polling; any work goes back to poll_interval_ms.
                wake = min(wake, now + (now - lastWork > .seconds(1) ? max(pollInterval, .milliseconds(5)) : pollInterval))
            } else if notified {
                // The pass after a notification found nothing: the commit may not be published yet.
                wake = min(wake, now + CommitWaiter.settleDelay)
                notified = false
            } else {
                wake = min(wake, now + fallback)
            }
            notified = try sleep(waiter, until: wake, nextFileCheck: &nextFileCheck, shouldStop)
        }
        try saveCheckpoints()
        try recordApplied()
        try writeStats()
        try state.engineStopped()
        logger.info("engine stopped")
    }

    /// Waits until `waiter` is notified of a commit (returns true) or
    /// `deadline` passes. Without notifications the side files are checked
    /// whenever due (that check needs no pass); with them, a side file
    /// deleted or replaced is itself a notification, and the check runs
    /// before the pass it wakes. Returns early, with false, when
    /// `shouldStop` says so.
    private func sleep(
        _ waiter: CommitWaiter, until deadline: ContinuousClock.Instant, nextFileCheck: inout ContinuousClock.Instant,
        _ shouldStop: () -> Bool
    ) throws -> Bool {
        while true {
            if waiter.wait(until: waiter.isWatching ? deadline : min(deadline, nextFileCheck)) == .notified { return true }
            let now = ContinuousClock.now
            if now >= deadline || shouldStop() { return false }
            if now >= nextFileCheck {
                nextFileCheck = now + Self.fileCheckInterval
                try checkSideFiles()
            }
        }
    }

    /// One pass: pick up state changes, one batch per direction, then the
    /// periodic work. Returns whether anything was read.
    @discardableResult
    package func iterate() throws -> Bool {
        failCrashLoopingHosts()
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
        var activated: [String] = []
        for map in maps {
            var new = records[map.name]?.state ?? .notRunning
            // Resumed or run by an operator after a failure to compile: compiled again, or failed again.
            if broken[map.name] != nil, new.isActive, try !recompileBroken(map.name) { new = .failed }
            let old = states[map.name]
            if new != old {
                if new == .resuming { caughtUp[map.name] = [] }
                if new.isActive, old?.isActive != true { activated.append(map.name) }
                if new.isActive {
                    // An initial sync (another process) may have stored a checkpoint and parked rows meanwhile.
                    for direction in (plans[map.name] ?? [:]).keys {
                        let target = endpoint(direction.target)
                        let stored = try target.storedCheckpoints()[CheckpointID(map: map.name, source: direction.source)]
                        checkpoints[direction, default: [:]][map.name] = max(checkpoints[direction]?[map.name] ?? 0, stored ?? 0)
                        var counts: [String: Int] = [:]
                        for (_, key) in try target.parkedKeys(source: direction.source, map: map.name) { counts[key, default: 0] += 1 }
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
        try refailUnloaded(records)
        // Before any map that just became active reads a change: a side that went back fails it.
        try auditSides()
        // Only the running engine releases: a command's helper engine (initial sync, a request
        // carried out without an engine) may run beside it, and two writers would apply twice.
        if live { pendingRelease.formUnion(activated) }
        for map in pendingRelease.sorted() {
            if states[map]?.isActive == true { try releaseUnblockedKeys(map) }
            pendingRelease.remove(map)
        }
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
        let source = endpoint(direction.source)
        let version = try source.commitToken()
        guard dirty[direction.source] == true || version != lastDataVersion[direction.source] else { return false }
        let from = active.map { checkpoints[direction]?[$0.map] ?? 0 }.min() ?? 0
        let changes = try source.changes(after: from, limit: batchSize)
        lastDataVersion[direction.source] = version
        if changes.count < batchSize {
            // Caught up with nothing in flight (a server side's token is negative while a writer is):
            // a commit above this token is news to the side's watch.
            if version >= 0 { readPositions.record(direction.source, Int64(version)) }
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
            // A map failed to compile has no plans: it is not caught up (it is failed, see recompileBroken).
            guard let planned = plans[map.name] else { continue }
            let directions = Set(planned.keys)
            guard caughtUp[map.name, default: []].isSuperset(of: directions) else { continue }
            if try state.transition(map.name, from: .resuming, to: .running) {
                states[map.name] = .running
                logActivity { try logCatchUpFinished(map.name) }
                logger.notice("map \(map.name): caught up, running")
            }
        }
    }

    // MARK: Applying

    /// The map step: decodes each change's row, runs the plan's filter and,
    /// per plan over the whole batch, its transforms. `parsed[i]`, where
    /// given, is the i-th change's row already decoded (initial sync read it
    /// as values): it is not parsed again from the change's literal list.
    func prepare(_ pairs: [(DirectionPlan, Change, Int64?)], parsed: [[SideValue]?] = []) -> [ApplyItem] {
        Self.mapChanges(pairs, parsed: parsed)
    }

    /// ``prepare(_:parsed:)`` itself, which needs nothing of a running
    /// engine: `tandem maps preview` maps its rows through it, so that a
    /// preview and a sync decode, filter and transform a row alike.
    static func mapChanges(_ pairs: [(DirectionPlan, Change, Int64?)], parsed: [[SideValue]?] = []) -> [ApplyItem] {
        var items: [ApplyItem] = []
        items.reserveCapacity(pairs.count)
        var toMap: [ObjectIdentifier: [Int]] = [:]
        for (position, (plan, change, parkedID)) in pairs.enumerated() {
            var item = ApplyItem(plan: plan, change: change, mapped: nil, sourceRow: [], parkedID: parkedID)
            if change.isApplicable, let text = change.row {
                do {
                    let given = position < parsed.count ? parsed[position] : nil
                    item.sourceRow = try given ?? SQLLiteral.parseList(text, names: plan.sourceColumns)
                    if try plan.filter?.passes(item.sourceRow) ?? true {
                        toMap[ObjectIdentifier(plan), default: []].append(items.count)
                        item.mapped = .success([])
                    } else if change.operation == .update, change.changed != nil, plan.outOfScope != .keep,
                        plan.changesFilterColumn(change.changed)
                    {
                        // A captured update (the one-way guard's put-backs have no `changed`) of a column the
                        // filter reads: the row may have been in scope until now, and the applier looks for
                        // its stale copy. Later edits of a row already out of scope are not looked at again.
                        item.leftScope = true
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
        guard items.contains(where: { $0.mapped != nil || $0.leftScope }) else {
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
        var batchCheckpoints: [CheckpointID: Int64] = [:]
        for plan in active { batchCheckpoints[CheckpointID(map: plan.map, source: direction.source)] = last }
        let outcome = try applyItems(items, direction: direction, checkpoints: batchCheckpoints, fastPath: true)
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
        try putBackOneWayFields(items, direction: direction)
        // A parent moved: its parked children may go now.
        let movedMaps = Set(outcome.appliedMaps)
        for (map, keys) in parked[direction] ?? [:] where !keys.isEmpty {
            if parentsOf[map, default: []].contains(where: movedMaps.contains) { try retryParked(map: map, direction: direction) }
        }
    }

    /// Writes the checkpoints that moved over batches with nothing to apply.
    func saveCheckpoints() throws {
        for direction in unsavedCheckpoints {
            var stored: [CheckpointID: Int64] = [:]
            for (map, seq) in checkpoints[direction] ?? [:] { stored[CheckpointID(map: map, source: direction.source)] = seq }
            try endpoint(direction.target).storeCheckpoints(stored)
        }
        unsavedCheckpoints = []
    }

    /// Applies `items` in `mode` inside the caller's transaction on the
    /// target's connection `db` (the apply step, see ``BatchApplier``);
    /// `quiet`: with the capture triggers off (see ``SQLiteTargetTransaction``).
    func applyItems(
        _ items: [ApplyItem], direction: SyncDirection, mode: ApplyMode = .live, quiet: Bool = false, _ db: Database
    ) throws -> ApplyOutcome {
        var applier = makeApplier(direction: direction, mode: mode)
        return try SQLiteTargetTransaction.run(db, quiet: quiet, logger: logger) { try applier.apply(items, into: $0) }
    }

    /// Applies `items` to the target of `direction` in a transaction of
    /// their own, which stores `checkpoints` too (see ``SideEndpoint/applyBatch(_:checkpoints:fastPath:logger:_:)``).
    /// `also`: more writes in the same transaction, after the items' (it is
    /// given what they did).
    func applyItems(
        _ items: [ApplyItem], direction: SyncDirection, mode: ApplyMode = .live, checkpoints: [CheckpointID: Int64] = [:],
        fastPath: Bool = false, also: ((any TargetTransaction, ApplyOutcome) throws -> Void)? = nil
    ) throws -> ApplyOutcome {
        // A new applier per run: an endpoint may roll back and run the body again (its state is per run).
        try endpoint(direction.target).applyBatch(items, checkpoints: checkpoints, fastPath: fastPath, logger: logger) {
            var applier = makeApplier(direction: direction, mode: mode)
            let outcome = try applier.apply(items, into: $0)
            try also?($0, outcome)
            return outcome
        }
    }

    /// The apply step for `direction` in `mode`, with the engine's parked
    /// keys, open conflicts and reverse checkpoints.
    func makeApplier(direction: SyncDirection, mode: ApplyMode) -> BatchApplier {
        var blocked: [String: Set<String>] = [:]
        for (map, keys) in parked[direction] ?? [:] { blocked[map] = Set(keys.keys) }
        let reverse = SyncDirection(from: direction.target)
        return BatchApplier(
            direction: direction, mode: mode, blocked: blocked,
            openConflict: { map, key in self.openConflicts[map]?[direction.source]?[key] },
            wholeRow: { map, key in self.wholeRowKeys[direction]?[map]?.contains(key) == true },
            reverseCheckpoint: { plan in
                guard self.states[plan.map]?.isActive == true, self.plans[plan.map]?[reverse] != nil else { return nil }
                return self.checkpoints[reverse]?[plan.map]
            },
            logger: logger)
    }

    /// Takes in what a committed transaction did.
    func commit(_ outcome: ApplyOutcome, direction: SyncDirection) {
        metrics?.record(outcome, direction: direction)
        for (map, key) in outcome.wroteWholeRows { wholeRowKeys[direction]?[map]?.remove(key) }
        for (map, key) in outcome.wholeRowsNext {
            wholeRowKeys[SyncDirection(from: direction.target), default: [:]][map, default: []].insert(key)
        }
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
        for left in outcome.leftScope {
            guard let plan = plans[left.map]?[direction] else { continue }
            let kept =
                left.deleted
                ? "was deleted (out_of_scope: delete)"
                : "was kept as it was (out_of_scope: report; `delete` removes such rows, `keep` stops these entries)"
            let details =
                "change \(direction.source):\(left.seq) moved \(plan.sourceTable) \(left.key) out of the scope of "
                + "\(plan.filterOrigin) (\(plan.filter?.expression ?? "")); the \(direction.target) side's "
                + "\(plan.targetTable) \(left.targetKey) \(kept)"
            logger.notice("map \(left.map): \(details)")
            logActivity {
                try state.log(actor: "engine", map: left.map, event: ActivityEvent.rowLeftFilter, details: details)
            }
        }
    }

    /// Which parked changes a retry takes.
    enum RetryScope {
        /// The engine's own retries: keys whose first parked change waits for
        /// a parent. Errors wait for an operator.
        case waitingForParents
        /// An operator's retry: the whole queue of these keys, failures not holding back later changes.
        case keys(Set<String>)
        /// The whole queue of these keys, whose first change waited behind one
        /// that is gone; a failure holds back the later changes, as in live sync.
        case released(Set<String>)
    }

    /// Retries the parked changes of `map` in `direction` in `scope`, in order.
    @discardableResult
    func retryParked(map: String, direction: SyncDirection, scope: RetryScope = .waitingForParents) throws -> ApplyOutcome {
        guard let plan = plans[map]?[direction], states[map]?.isActive == true else { return ApplyOutcome() }
        var parkedChanges = try endpoint(direction.target).parkedChanges(
            map: map, source: direction.source, waitingForParents: scope.isAutomatic)
        var mode = ApplyMode.live
        switch scope {
        case .waitingForParents: break
        case .keys(let keys):
            parkedChanges = parkedChanges.filter { keys.contains($0.change.key) }
            mode = .operatorRetry
        case .released(let keys):
            parkedChanges = parkedChanges.filter { keys.contains($0.change.key) }
        }
        guard !parkedChanges.isEmpty else { return ApplyOutcome() }
        let items = prepare(parkedChanges.map { (plan, $0.change, $0.id) })
        let outcome = try applyItems(items, direction: direction, mode: mode)
        commit(outcome, direction: direction)
        if outcome.wrote { dirty[direction.target] = true }
        if !outcome.unparked.isEmpty {
            logger.info("map \(map): \(outcome.unparked.count) parked change(s) applied")
        }
        for superseded in outcome.superseded {
            try state.log(
                actor: "engine", map: map, event: "parked change superseded",
                details: "\(direction.source):\(superseded.seq) (key \(superseded.key)) is no longer needed: "
                    + "the newer change \(direction.source):\(superseded.by) of the same key was applied, so the row "
                    + "holds its latest version (the older change, which still fails on its own, was dropped)")
        }
        return outcome
    }

    /// Applies, in order, the parked changes of `map` whose key has nothing
    /// left to wait for: its first change only waited behind one that an
    /// operator discarded while the map was not running (the discard cannot
    /// apply them then, and the engine's own retries take only keys that
    /// wait for a parent). Keys with an error, a missing parent or an open
    /// conflict keep waiting. Called by the running engine when the map
    /// becomes active (or at its start), before the map reads a change, so
    /// that its queue keeps its order; the changes and the removal of their
    /// parked entries commit in one transaction, as every retry (exactly once).
    func releaseUnblockedKeys(_ map: String) throws {
        let conflicted = Set((openConflicts[map] ?? [:]).values.flatMap(\.keys))
        for direction in SyncDirection.allCases where plans[map]?[direction] != nil {
            let target = endpoint(direction.target)
            let queued = try target.parkedChanges(map: map, source: direction.source, waitingForParents: false)
            guard !queued.isEmpty else { continue }
            let held = try target.parkedErrors(map: map).filter { $0.parked.source == direction.source.rawValue }
            let free = Set(queued.map(\.change.key)).subtracting(held.map(\.parked.change.key)).subtracting(conflicted)
            guard !free.isEmpty else { continue }
            logger.info("map \(map): \(free.count) key(s) whose first parked change was discarded go on")
            try retryParked(map: map, direction: direction, scope: .released(free))
        }
    }

    // MARK: Housekeeping

    /// What the housekeeper needs to prune each side's change log.
    private func housekeepingSources() throws -> [Housekeeper.Source] {
        try SideRole.allCases.map { role in
            var readers: [String: [String]] = [:]
            // A failed map's queue is kept for when it is resumed: it reads its tables on both sides
            // (it may be one-way), and one whose plugin did not load may read any captured table.
            // Pruning then keeps everything past its checkpoint, or everything when it has none.
            for map in maps where broken[map.name] != nil {
                readers[role == .erp ? map.map.erp.table : map.map.crm.table, default: []].append(map.name)
            }
            let unloaded = broken.keys.filter { name in !maps.contains { $0.name == name } }.sorted()
            if !unloaded.isEmpty {
                for table in try endpoint(role).capturedColumns().keys {
                    readers[table, default: []].append(contentsOf: unloaded)
                }
            }
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
                role: role, location: locations[role]!, targetLocation: locations[target]!, readers: readers,
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
