import Foundation
import GRDB
package import TandemPluginHost

/// What `tandem status` shows: the engine, and per map its state and, per
/// direction, the queue, the lag and the counters.
package struct StatusReport: Codable, Sendable {
    /// The environment folder.
    package var environment: String
    /// Whether an engine holds the environment now.
    package var engineRunning: Bool
    /// The engine's last record.
    package var engine: EngineRecord?
    /// One entry per enabled map.
    package var maps: [MapStatus]
    /// Sides that could not be read now (a server down, a file gone), with
    /// the error: what they hold is shown as unknown, never as zero.
    package var unreadable: [SideProblem] = []
    /// The engine's open incidents: the sides have kept failing (or, at
    /// start, a side's server does not answer and the engine waits for it).
    package var incidents: [Incident] = []
    /// Map files (`maps/NAME.yaml`) written after the running engine
    /// started: it read the folder then, and runs what the files said.
    package var mapFilesChanged: [String] = []
    /// Plugin calls in the running engine's process that have run past
    /// `engine.plugin_call_stuck_s`: each map behind one waits for it.
    package var stuckCalls: [StuckCall] = []

    /// A plugin call in progress for longer than `engine.plugin_call_stuck_s`.
    package struct StuckCall: Codable, Sendable {
        /// The plugin's id.
        package var plugin: String
        /// The transform called.
        package var transform: String
        /// The map whose batch it holds.
        package var map: String
        /// The direction of that batch.
        package var direction: String
        /// How many changes the batch has.
        package var changes: Int
        /// The source key of the batch's first change.
        package var firstKey: String?
        /// How long it has run, in seconds.
        package var seconds: Double
    }

    /// A side that could not be read.
    package struct SideProblem: Codable, Sendable {
        /// Which side.
        package var side: SideRole
        /// Why, naming the server or file and what to do.
        package var error: String
    }

    /// An open incident of the engine's.
    package struct Incident: Codable, Sendable {
        /// Its id, as `tandem errors list` shows it (`engine-ID`).
        package var id: String
        /// Since when the sides fail (ms since the epoch).
        package var since: Double
        /// The latest error.
        package var error: String
    }

    /// One map.
    package struct MapStatus: Codable, Sendable {
        /// The map id.
        package var name: String
        /// Its state.
        package var state: MapState
        /// Why it is in that state, when given.
        package var reason: String?
        /// Maps it depends on.
        package var dependsOn: [String]
        /// One entry per direction the map syncs.
        package var directions: [DirectionStatus]
    }

    /// One map in one direction.
    package struct DirectionStatus: Codable, Sendable {
        /// The direction.
        package var direction: SyncDirection
        /// Captured application changes not applied yet (the queue depth, and
        /// the lag in changes); nil when the source side cannot be read now.
        package var queued: Int?
        /// Age of the oldest queued change, in seconds (0 when the queue is
        /// empty); nil when the source side cannot be read now.
        package var lagSeconds: Double?
        /// Last applied source sequence number, if the map ever ran (nil too
        /// when the target side cannot be read now).
        package var checkpoint: Int64?
        /// Changes waiting for a parent or after an error; nil when the
        /// target side cannot be read now.
        package var parked: Int?
        /// Of those, changes that have waited for a parent longer than
        /// `engine.parent_wait_s`: errors now (the parent may never come).
        package var overdue: Int = 0
        /// Source rows the map's filter leaves out now (never synced, no
        /// error): nil when the map has no filter this way, or the side
        /// cannot count them.
        package var filteredOut: Int?
        /// Counters from the engine's last report.
        package var stats: MapDirectionStats?

        /// What `status` shows as LAST ERROR for this direction (the console
        /// too): the overdue parents first (nothing else tells that they will
        /// never apply by themselves), else the engine's last error while
        /// something is parked (`limit` characters of it); once nothing is
        /// parked it is history (`tandem log` has it), not a current problem.
        package func lastError(parentWait: Int, limit: Int = .max) -> String? {
            if overdue > 0 {
                return "\(overdue) waited over \(ErrorList.duration(Double(parentWait))) for a parent "
                    + "row (`tandem errors list`)"
            }
            return (parked ?? 0) > 0 ? stats?.lastError.map { String($0.prefix(limit)) } : nil
        }
    }

    /// Collects the report from the side and state databases.
    /// `countFiltered`: whether to count the rows each filter leaves out
    /// (a scan of the source table per filtered direction: `tandem status`
    /// shows it; the console's maps page, refreshed every second, does not).
    package static func collect(
        _ environment: TandemEnvironment, catalog: PluginCatalog, countFiltered: Bool = true
    ) throws -> StatusReport {
        // A map whose plugin did not load is listed failed with the reason: one broken map never
        // hides the others' status (issue 17).
        let resolution = try environment.resolveMapsSkippingUnprovided(catalog)
        let maps = resolution.maps
        // Each side on its own: a side that cannot be read (a server down) leaves its figures
        // unknown and says why; `status` itself always works (issue 17).
        var sides: [SideRole: any SideEndpoint] = [:]
        var problems: [SideRole: String] = [:]
        for (role, location) in try environment.locations() {
            do {
                sides[role] = try location.open(role: role, busyTimeout: environment.config.engine.busyTimeoutSeconds)
            } catch {
                problems[role] = "\(error)"
            }
        }
        /// `read` on side `role`, or nil once that side has failed (the first error is kept).
        func reading<T>(_ role: SideRole, _ read: (any SideEndpoint) throws -> T) -> T? {
            guard problems[role] == nil, let side = sides[role] else { return nil }
            do { return try read(side) } catch {
                problems[role] = "\(error)"
                return nil
            }
        }
        let state = try environment.openState()
        let states = try state.mapStates()
        let stats = Dictionary(try state.stats().map { ("\($0.map) \($0.direction)", $0) }, uniquingKeysWith: { $1 })
        let now = Date().timeIntervalSince1970 * 1000
        var result: [MapStatus] = []
        for map in maps {
            var directions: [DirectionStatus] = []
            for direction in SyncDirection.allCases where map.settings.direction.allows(direction) {
                let table = direction.source == .erp ? map.map.erp.table : map.map.crm.table
                let checkpoint = reading(direction.target) {
                    try $0.storedCheckpoints()[CheckpointID(map: map.name, source: direction.source)]
                }
                let parked = reading(direction.target) { try $0.parkedKeys(source: direction.source, map: map.name).count }
                let overdueBefore = now - Double(environment.config.engine.parentWaitSeconds) * 1000
                let overdue = reading(direction.target) {
                    try $0.overdueParents(map: map.name, source: direction.source, parkedBefore: overdueBefore)
                }
                // Counted from the checkpoint: unknown when the target (which holds it) cannot be read.
                let pending = checkpoint.flatMap { stored in
                    reading(direction.source) { try $0.pendingChanges(table: table, after: stored ?? 0, count: true) }
                }
                let toCRM = direction == .erpToCrm
                let filter = MapFilter.of(map: map.map, settings: map.settings, toCRM: toCRM)
                // A count of what the filter leaves out, so that rows kept on one side by a NULL or a
                // value in the wrong case are seen; a filter that does not parse is `maps validate`'s to report.
                let filteredOut = filter.flatMap { filter in
                    countFiltered && problems[direction.source] == nil
                        ? try? sides[direction.source]?.rowsOutside(filter: filter, table: table) : nil
                }
                directions.append(
                    DirectionStatus(
                        direction: direction, queued: pending.map { $0.queued ?? 0 },
                        lagSeconds: pending.map { $0.oldest.map { max(0, (now - $0) / 1000) } ?? 0 },
                        checkpoint: checkpoint ?? nil, parked: parked, overdue: overdue ?? 0, filteredOut: filteredOut,
                        stats: stats["\(map.name) \(direction)"]))
            }
            let record = states[map.name]
            result.append(
                MapStatus(
                    name: map.name, state: record?.state ?? .notRunning, reason: record?.reason, dependsOn: map.map.dependsOn ?? [],
                    directions: directions))
        }
        for (name, error) in resolution.unprovided {
            let record = states[name]
            // The engine's reason when it failed the map; else why it cannot load now.
            let reason = record?.state == .failed ? record?.reason ?? error.message : error.message
            result.append(MapStatus(name: name, state: .failed, reason: reason, dependsOn: [], directions: []))
        }
        let order = environment.config.maps.map(\.name)
        result.sort { (order.firstIndex(of: $0.name) ?? 0) < (order.firstIndex(of: $1.name) ?? 0) }
        let running = EnvironmentLock.isHeld(environment)
        let engine = try state.engine()
        return StatusReport(
            environment: environment.directory, engineRunning: running, engine: engine,
            maps: result,
            unreadable: problems.sorted { $0.key.rawValue < $1.key.rawValue }.map { SideProblem(side: $0.key, error: $0.value) },
            incidents: try state.openIncidents().map { Incident(id: "engine-\($0.id)", since: $0.startedAt, error: $0.error) },
            mapFilesChanged: running ? engine.map { MapFileLoader.changed(environment: environment.directory, since: $0.startedAt, read: (try? state.mapFilesRead()) ?? [:]) } ?? [] : [],
            stuckCalls: running ? stuckCalls(environment, now: now) : [])
    }

    /// The running engine's calls past the limit, from its journal: the engine itself may be the one stuck, so
    /// `status` reads what the engine wrote before the call rather than asking it. A host process's call is
    /// stopped by its own timeout and is not listed.
    private static func stuckCalls(_ environment: TandemEnvironment, now: Double) -> [StuckCall] {
        let limit = Double(environment.config.engine.pluginCallStuckSeconds)
        return PluginCallJournal.unfinished(in: environment.directory).compactMap { entry in
            guard environment.config.plugins.inProcess(entry.plugin), let started = entry.startedAt,
                (now - started) / 1000 >= limit
            else { return nil }
            return StuckCall(
                plugin: entry.plugin, transform: entry.transform, map: entry.map, direction: entry.direction,
                changes: entry.keys.count, firstKey: entry.keys.first, seconds: (now - started) / 1000)
        }
    }
}
