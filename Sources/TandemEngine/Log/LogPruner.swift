import Foundation
import GRDB
import Logging

/// Applies the `log:` retention while the engine runs: deletes activity
/// entries, retried or discarded errors, finished operator requests and cleared incidents older than
/// `retention_days`, and resolved conflicts older than
/// `conflict_retention_days`, on a thread and connections of its own.
///
/// Deletes go in chunks of ``chunk`` rows, one short transaction each with a
/// pause between, so that the engine and the applications never wait long
/// for a side's lock. Parked changes and open conflicts are never deleted:
/// they are changes waiting for an operator, and deleting them would lose data.
final class LogPruner: Sendable {
    /// Rows deleted per transaction.
    static let chunk = 1000

    /// What one round deleted, by what.
    struct Counts: Equatable {
        var activity = 0
        var requests = 0
        var incidents = 0
        var conflicts = 0
        var notifications = 0
        var history = 0

        var total: Int { activity + requests + incidents + conflicts + notifications + history }
    }

    private let thread: PeriodicThread

    /// Starts the thread: a round right away, then every `interval`.
    init(environment: TandemEnvironment, interval: Duration = .seconds(600), logger: Logger) throws {
        func open(_ path: String) throws -> DatabaseQueue {
            var configuration = Configuration()
            configuration.label = "log-pruner"
            configuration.busyMode = .timeout(5)
            return try DatabaseQueue(path: path, configuration: configuration)
        }
        let state = try open(environment.path(environment.config.state))
        // The parked changes' and conflicts' history kept in a SQLite side; a PostgreSQL side's is
        // not pruned by age yet (its `_tandem_conflicts` grows with the conflicts).
        let sides = try environment.locations().values.compactMap(\.file).map(open)
        let settings = environment.config.log
        thread = PeriodicThread(
            name: "tandem-log-pruner", interval: interval, logger: logger,
            failure: "log retention (pruning old entries) failed"
        ) { stopping in
            let counts = try Self.prune(state: state, sides: sides, settings: settings, now: StateStore.now, stopping: stopping)
            // Only a round that deleted something is worth an entry.
            guard counts.total > 0 else { return }
            try state.write { db in
                try StateStore.log(
                    db, actor: "engine", map: nil, event: ActivityEvent.logPruned, details: Self.summary(counts, settings))
            }
            logger.info("log retention: \(Self.summary(counts, settings))")
        }
    }

    /// Deletes what the retention allows, chunk by chunk, until nothing is
    /// left or `stopping` says so.
    static func prune(
        state: DatabaseQueue, sides: [DatabaseQueue], settings: LogSettings, now: Double,
        stopping: () -> Bool = { false }
    ) throws -> Counts {
        let day = 86_400_000.0
        let activityCutoff = now - Double(settings.retentionDays) * day
        let conflictCutoff = now - Double(settings.conflictRetentionDays) * day
        var counts = Counts()
        /// Deletes, `chunk` rows at a time, the rows of `table` that meet `condition` (on `?1`, the cutoff).
        /// The rows are found in a read (which takes no lock in WAL), and only their deletion by id
        /// takes the write lock: a scan past many old rows that must stay (open conflicts)
        /// never holds up the engine or the applications.
        func drain(_ queue: DatabaseQueue, table: String, _ condition: String, order: String = "", _ cutoff: Double) throws -> Int {
            var deleted = 0
            while !stopping() {
                let ids = try queue.read { db -> [Int64] in
                    guard try db.tableExists(table) else { return [] }
                    return try Int64.fetchAll(
                        db, sql: "SELECT id FROM \(table) WHERE \(condition) \(order) LIMIT ?2", arguments: [cutoff, chunk])
                }
                guard !ids.isEmpty else { break }
                let count = try queue.writeWithoutTransaction { db -> Int in
                    try db.inTransaction(.immediate) {
                        // The condition again, on those ids only: a row changed since the read stays.
                        try db.execute(
                            sql: "DELETE FROM \(table) WHERE id IN (\(ids.map(String.init).joined(separator: ","))) AND \(condition)",
                            arguments: [cutoff])
                        return .commit
                    }
                    return db.changesCount
                }
                deleted += count
                if ids.count < chunk { break }
                // Leave the lock to the engine and the applications between chunks.
                Thread.sleep(forTimeInterval: 0.002)
            }
            return deleted
        }
        counts.activity = try drain(state, table: "activity", "at < ?1", order: "ORDER BY at", activityCutoff)
        // Retried or discarded errors age like activity, from when they were cleared.
        counts.history = try drain(state, table: "parked_history", "resolved_at < ?1", activityCutoff)
        counts.requests = try drain(state, table: "requests", "done_at IS NOT NULL AND done_at < ?1", activityCutoff)
        counts.incidents = try drain(state, table: "incidents", "resolved_at IS NOT NULL AND resolved_at < ?1", activityCutoff)
        // The alerts' outbox: only what was delivered or given up; a pending notification is still to be sent.
        counts.notifications = try drain(state, table: "notifications", "done_at IS NOT NULL AND done_at < ?1", activityCutoff)
        for side in sides {
            // Resolved only, and only once the resolution itself is old: an open conflict is data.
            counts.conflicts += try drain(
                side, table: "_tandem_conflicts", "at < ?1 AND status = 'resolved' AND COALESCE(resolved_at, at) < ?1",
                order: "ORDER BY at", conflictCutoff)
        }
        return counts
    }

    static func summary(_ counts: Counts, _ settings: LogSettings) -> String {
        var parts: [String] = []
        if counts.activity > 0 { parts.append("\(counts.activity) activity entries") }
        if counts.history > 0 { parts.append("\(counts.history) retried or discarded errors") }
        if counts.requests > 0 { parts.append("\(counts.requests) finished operator requests") }
        if counts.incidents > 0 { parts.append("\(counts.incidents) cleared incidents") }
        if counts.notifications > 0 { parts.append("\(counts.notifications) delivered or failed notifications") }
        var text = parts.isEmpty ? "" : parts.joined(separator: ", ") + " older than \(settings.retentionDays) days"
        if counts.conflicts > 0 {
            text +=
                (text.isEmpty ? "" : "; ")
                + "\(counts.conflicts) resolved conflicts older than \(settings.conflictRetentionDays) days"
        }
        return "pruned " + text
    }

    /// Stops the thread after its current chunk.
    func stop() {
        thread.stop()
    }
}
