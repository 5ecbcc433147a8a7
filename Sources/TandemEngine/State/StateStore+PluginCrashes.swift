import Foundation
import GRDB

/// The crash count behind `engine.plugin_crash_limit`, read from the
/// activity log, so that it survives the engine restarts it counts.
extension StateStore {
    /// How many times plugin `plugin` crashed the engine or its host process,
    /// or hung past its call timeout there, within the last `window`, not
    /// counting the crashes while a crashed batch was being narrowed down
    /// (each of those finds its row faster, they are no loop).
    func pluginCrashes(_ plugin: String, within window: Duration) throws -> Int {
        let since = Self.now - Double(window.components.seconds) * 1000
        return try queue.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM activity WHERE event = ? AND at >= ? AND substr(details, 1, ?) = ?
                    AND details NOT LIKE '%while narrowing down%'
                    """,
                arguments: [ActivityEvent.pluginCrashed, since, "plugin \(plugin) ".count, "plugin \(plugin) "]) ?? 0
        }
    }

    /// How many `plugin crashed` entries name map `map` since `since` (ms
    /// since the epoch): what a `condition: crashes` alert rule counts.
    func pluginCrashes(map: String, since: Double) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM activity WHERE map = ? AND event = ? AND at >= ?",
                arguments: [map, ActivityEvent.pluginCrashed, since]) ?? 0
        }
    }
}
