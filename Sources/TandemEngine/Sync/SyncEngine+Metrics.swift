import Foundation
import GRDB

/// The metric gauges (queue depth, parked changes, lag), set at the statistics
/// cadence rather than per change: a queue is counted with one indexed query per
/// map and direction, which is too much for every batch but nothing once a second.
extension SyncEngine {
    /// Sets the gauges of every map and direction in `stats`; the queue is read
    /// from the source's change log from the map's checkpoint (as `tandem status`
    /// counts it), so that a paused or stopped map shows its queue growing.
    func updateMetricGauges(_ stats: [MapDirectionStats]) throws {
        guard let metrics else { return }
        let now = Date().timeIntervalSince1970 * 1000
        for stat in stats {
            guard let plan = plans[stat.map]?[stat.direction] else { continue }
            var checkpoint = checkpoints[stat.direction]?[stat.map] ?? 0
            if states[stat.map]?.isActive != true {
                // An initial sync in another process may have moved it; the engine reads it only on the next run.
                let target = sides[stat.direction.target]!
                let key = SideDatabase.checkpointKey(map: stat.map, source: stat.direction.source.rawValue)
                checkpoint = max(checkpoint, try target.queue.read { db in try target.checkpoints(db)[key] } ?? 0)
            }
            let (queued, oldest) = try sides[stat.direction.source]!.queue.read { db -> (Int, Double?) in
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT COUNT(*), MIN(at) FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin IS NULL"
                    ),
                    arguments: [plan.sourceTable, checkpoint])
                return (row?[0] ?? 0, row?[1])
            }
            metrics.updateGauges(
                map: stat.map, direction: stat.direction, queued: queued, parked: stat.parked,
                lagSeconds: oldest.map { max(0, (now - $0) / 1000) } ?? 0)
        }
    }
}
