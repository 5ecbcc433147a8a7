import Foundation
import GRDB

/// The cheap aggregate queries alert rules measure with, on read-only
/// connections of their own (WAL: they never wait for, nor hold up, the
/// engine's writes). Each value is measured at most once per check.
final class AlertProbe {
    /// A map as the probe sees it: its name and, per direction it syncs, the source table.
    struct WatchedMap: Sendable {
        let name: String
        let sourceTables: [SyncDirection: String]
        /// `engine.parent_wait_s` in ms: a change that has waited this long for its parent counts as an error.
        var parentWait: Double = 3_600_000

        /// Every map of `engine`, with the source table of each direction it syncs.
        static func all(_ engine: SyncEngine) -> [Self] {
            engine.maps.map { resolved in
                var tables: [SyncDirection: String] = [:]
                for direction in SyncDirection.allCases where resolved.settings.direction.allows(direction) {
                    tables[direction] = direction.source == .erp ? resolved.map.erp.table : resolved.map.crm.table
                }
                return WatchedMap(
                    name: resolved.name, sourceTables: tables,
                    parentWait: Double(engine.environment.config.engine.parentWaitSeconds) * 1000)
            }
        }
    }

    /// A measured value and, for lag and queue depth, the direction it is worst in.
    struct Reading {
        var value: Double
        var direction: SyncDirection?
    }

    private let sides: [SideRole: DatabaseQueue]
    private let state: StateStore
    private let maps: [String: WatchedMap]
    /// Per check: map → direction → (queued, oldest `at` in ms, parked).
    private var queues: [String: [SyncDirection: (queued: Int?, oldest: Double?, parked: Int)]] = [:]
    private var counts: [String: Double] = [:]

    init(sidePaths: [SideRole: String], state: StateStore, maps: [WatchedMap]) throws {
        var sides: [SideRole: DatabaseQueue] = [:]
        for (role, path) in sidePaths {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.label = "alerts-\(role)"
            configuration.busyMode = .timeout(5)
            sides[role] = try DatabaseQueue(path: path, configuration: configuration)
        }
        self.sides = sides
        self.state = state
        self.maps = Dictionary(maps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Forgets the last check's values.
    func reset() {
        queues = [:]
        counts = [:]
    }

    /// Parked changes of `map` (as `tandem errors list` shows them: not the ones
    /// only waiting behind another) parked since `since` (ms), of `errorClass`
    /// or of any class, with the changes whose wait for a parent became overdue
    /// since then; open transient incidents that hold the map up count too.
    func errors(map: String, errorClass: ErrorClass?, since: Double) throws -> Reading {
        let key = "errors \(map) \(errorClass?.rawValue ?? "any") \(since)"
        if let cached = counts[key] { return Reading(value: cached) }
        let parentWait = maps[map]?.parentWait ?? WatchedMap(name: map, sourceTables: [:]).parentWait
        var total = 0
        for side in sides.values {
            total += try side.read { db -> Int in
                guard try db.tableExists("_tandem_parked") else { return 0 }
                // A change waiting for its parent row is not an error (it applies when the parent
                // arrives, as during every catch-up) until it has waited engine.parent_wait_s: then
                // the parent may never come (a reference in the wrong case), and it counts from the
                // moment it became overdue. One that only waits behind an earlier change of its key never counts.
                var sql = """
                    SELECT COUNT(*) FROM _tandem_parked WHERE map = ?1 AND (
                        (kind NOT IN ('behind', 'parent') AND parked_at >= ?2)
                        OR (kind = 'parent' AND parked_at <= ?3 AND parked_at >= ?2 - ?4))
                    """
                var arguments: StatementArguments = [map, since, StateStore.now - parentWait, parentWait]
                if let errorClass {
                    sql += " AND error_class = ?5"
                    _ = arguments.append(contentsOf: [errorClass.rawValue])
                }
                return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
        }
        if errorClass == nil || errorClass == .transient {
            total += try state.openIncidents().filter { $0.lastAt >= since && $0.maps.contains(map) }.count
        }
        counts[key] = Double(total)
        return Reading(value: Double(total))
    }

    /// Conflicts detected on `map` since `since` (ms), resolved by policy or open.
    func conflicts(map: String, since: Double) throws -> Reading {
        let key = "conflicts \(map) \(since)"
        if let cached = counts[key] { return Reading(value: cached) }
        var total = 0
        for side in sides.values {
            total += try side.read { db -> Int in
                guard try db.tableExists("_tandem_conflicts") else { return 0 }
                return try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM _tandem_conflicts WHERE map = ? AND at >= ?",
                    arguments: [map, since])
                    ?? 0
            }
        }
        counts[key] = Double(total)
        return Reading(value: Double(total))
    }

    /// Age in seconds of the oldest captured change of `map` not applied yet, worst direction.
    func lagSeconds(map: String) throws -> Reading {
        let now = StateStore.now
        return try worst(map, count: false) { entry in entry.oldest.map { max(0, (now - $0) / 1000) } ?? 0 }
    }

    /// Captured changes of `map` not applied yet, worst direction.
    func lagChanges(map: String) throws -> Reading {
        try worst(map, count: true) { Double($0.queued ?? 0) }
    }

    /// Changes of `map` waiting in a direction: not applied yet plus parked, worst direction.
    func queueDepth(map: String) throws -> Reading {
        try worst(map, count: true) { Double(($0.queued ?? 0) + $0.parked) }
    }

    private func worst(
        _ map: String, count: Bool, _ value: ((queued: Int?, oldest: Double?, parked: Int)) -> Double
    ) throws -> Reading {
        var best = Reading(value: 0)
        for (direction, entry) in try queue(map, count: count).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let measured = value(entry)
            if best.direction == nil || measured > best.value { best = Reading(value: measured, direction: direction) }
        }
        return best
    }

    /// Per direction: queued changes (counted only when `count`: the count reads the whole queue), the oldest one's time, parked changes.
    func queue(
        _ name: String, count: Bool
    ) throws -> [SyncDirection: (queued: Int?, oldest: Double?, parked: Int)] {
        if let cached = queues[name], !count || cached.values.allSatisfy({ $0.queued != nil }) { return cached }
        guard let map = maps[name] else { return [:] }
        var result: [SyncDirection: (queued: Int?, oldest: Double?, parked: Int)] = [:]
        for (direction, table) in map.sourceTables {
            let (checkpoint, parked) = try sides[direction.target]!.read { db -> (Int64, Int) in
                guard try db.tableExists("_tandem_checkpoints") else { return (0, 0) }
                let checkpoint = try Int64.fetchOne(
                    db, sql: "SELECT seq FROM _tandem_checkpoints WHERE map = ? AND source = ?",
                    arguments: [name, direction.source.rawValue])
                let parked = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM _tandem_parked WHERE map = ? AND source = ?",
                    arguments: [name, direction.source.rawValue])
                return (checkpoint ?? 0, parked ?? 0)
            }
            let (queued, oldest) = try sides[direction.source]!.read { db -> (Int?, Double?) in
                guard try db.tableExists("_tandem_changes") else { return (0, nil) }
                // Both use the (tbl, seq) index of the applications' changes; the oldest is the first by seq.
                let oldest = try Double.fetchOne(
                    db,
                    sql:
                        "SELECT at FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin IS NULL ORDER BY seq LIMIT 1",
                    arguments: [table, checkpoint])
                let queued =
                    count
                    ? try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = ? AND seq > ? AND origin IS NULL",
                        arguments: [table, checkpoint]) : nil
                return (queued, oldest)
            }
            result[direction] = (queued, oldest, parked)
        }
        queues[name] = result
        return result
    }
}
