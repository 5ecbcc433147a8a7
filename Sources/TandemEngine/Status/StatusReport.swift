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
        /// Captured application changes not applied yet (the queue depth, and the lag in changes).
        package var queued: Int
        /// Age of the oldest queued change, in seconds (0 when the queue is empty).
        package var lagSeconds: Double
        /// Last applied source sequence number, if the map ever ran.
        package var checkpoint: Int64?
        /// Changes waiting for a parent or after an error.
        package var parked: Int
        /// Of those, changes that have waited for a parent longer than
        /// `engine.parent_wait_s`: errors now (the parent may never come).
        package var overdue: Int = 0
        /// Source rows the map's filter leaves out now (never synced, no
        /// error): nil when the map has no filter this way, or the side
        /// cannot count them.
        package var filteredOut: Int?
        /// Counters from the engine's last report.
        package var stats: MapDirectionStats?
    }

    /// Collects the report from the side and state databases.
    package static func collect(_ environment: TandemEnvironment, catalog: PluginCatalog) throws -> StatusReport {
        // A map whose plugin did not load is listed failed with the reason: one broken map never
        // hides the others' status (issue 17).
        let resolution = try environment.resolveMapsSkippingUnprovided(catalog)
        let maps = resolution.maps
        let sides = try environment.openEndpoints()
        let state = try environment.openState()
        let states = try state.mapStates()
        let stats = Dictionary(try state.stats().map { ("\($0.map) \($0.direction)", $0) }, uniquingKeysWith: { $1 })
        let now = Date().timeIntervalSince1970 * 1000
        var result: [MapStatus] = []
        for map in maps {
            var directions: [DirectionStatus] = []
            for direction in SyncDirection.allCases where map.settings.direction.allows(direction) {
                let source = sides[direction.source]!
                let target = sides[direction.target]!
                let table = direction.source == .erp ? map.map.erp.table : map.map.crm.table
                let checkpoint = try target.storedCheckpoints()[CheckpointID(map: map.name, source: direction.source)]
                let parked = try target.parkedKeys(source: direction.source, map: map.name).count
                let overdueBefore = now - Double(environment.config.engine.parentWaitSeconds) * 1000
                let overdue = try target.overdueParents(map: map.name, source: direction.source, parkedBefore: overdueBefore)
                let (queued, oldest) = try source.pendingChanges(table: table, after: checkpoint ?? 0, count: true)
                let toCRM = direction == .erpToCrm
                let filter =
                    map.settings.filters.flatMap { toCRM ? $0.erpToCrm : $0.crmToErp }
                    ?? map.map.filters.flatMap { toCRM ? $0.erpToCrm : $0.crmToErp }
                // A count of what the filter leaves out, so that rows kept on one side by a NULL or a
                // value in the wrong case are seen; a filter that does not parse is `maps validate`'s to report.
                let filteredOut = filter.flatMap { try? source.rowsOutside(filter: $0, table: table) }
                directions.append(
                    DirectionStatus(
                        direction: direction, queued: queued ?? 0, lagSeconds: oldest.map { max(0, (now - $0) / 1000) } ?? 0,
                        checkpoint: checkpoint, parked: parked, overdue: overdue, filteredOut: filteredOut,
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
        return StatusReport(
            environment: environment.directory, engineRunning: EnvironmentLock.isHeld(environment), engine: try state.engine(),
            maps: result)
    }
}
