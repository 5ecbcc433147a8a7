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
        /// Counters from the engine's last report.
        package var stats: MapDirectionStats?
    }

    /// Collects the report from the side and state databases.
    package static func collect(_ environment: TandemEnvironment, catalog: PluginCatalog) throws -> StatusReport {
        let maps = try environment.resolveMaps(catalog)
        let sides = try environment.openSides()
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
                let overdueBefore = now - Double(environment.config.engine.parentWaitSeconds) * 1000
                let (checkpoint, parked, overdue) = try target.queue.read { db -> (Int64?, Int, Int) in
                    guard try db.tableExists("_tandem_checkpoints") else { return (nil, 0, 0) }
                    let checkpoint = try Int64.fetchOne(
                        db, sql: "SELECT seq FROM _tandem_checkpoints WHERE map = ? AND source = ?",
                        arguments: [map.name, direction.source.rawValue])
                    let parked = try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM _tandem_parked WHERE map = ? AND source = ?",
                        arguments: [map.name, direction.source.rawValue]) ?? 0
                    let overdue = try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM _tandem_parked WHERE map = ? AND source = ? AND kind = 'parent' AND parked_at < ?",
                        arguments: [map.name, direction.source.rawValue, overdueBefore]) ?? 0
                    return (checkpoint, parked, overdue)
                }
                let (queued, oldest) = try source.queue.read { db -> (Int, Double?) in
                    guard try db.tableExists("_tandem_changes") else { return (0, nil) }
                    let row = try Row.fetchOne(
                        db, sql: "SELECT COUNT(*), MIN(at) FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin IS NULL",
                        arguments: [table, checkpoint ?? 0])
                    return (row?[0] ?? 0, row?[1])
                }
                directions.append(
                    DirectionStatus(
                        direction: direction, queued: queued, lagSeconds: oldest.map { max(0, (now - $0) / 1000) } ?? 0,
                        checkpoint: checkpoint, parked: parked, overdue: overdue, stats: stats["\(map.name) \(direction)"]))
            }
            let record = states[map.name]
            result.append(
                MapStatus(
                    name: map.name, state: record?.state ?? .notRunning, reason: record?.reason, dependsOn: map.map.dependsOn ?? [],
                    directions: directions))
        }
        return StatusReport(
            environment: environment.directory, engineRunning: EnvironmentLock.isHeld(environment), engine: try state.engine(),
            maps: result)
    }
}
