import Foundation

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
                // A map whose plugin did not load is failed: `left-running` rules see it too.
                + engine.broken.keys.filter { name in !engine.maps.contains { $0.name == name } }.sorted().map {
                    WatchedMap(name: $0, sourceTables: [:])
                }
        }
    }

    /// A measured value and, for lag and queue depth, the direction it is worst in.
    struct Reading {
        var value: Double
        var direction: SyncDirection?
    }

    private let sides: [SideRole: any SideEndpoint]
    private let state: StateStore
    private let maps: [String: WatchedMap]
    /// Per check: map → direction → (queued, oldest `at` in ms, parked).
    private var queues: [String: [SyncDirection: (queued: Int?, oldest: Double?, parked: Int)]] = [:]
    private var counts: [String: Double] = [:]

    init(sides locations: [SideRole: SideLocation], state: StateStore, maps: [WatchedMap]) throws {
        var sides: [SideRole: any SideEndpoint] = [:]
        for (role, location) in locations {
            sides[role] = try location.open(role: role, busyTimeout: 5, background: true, readOnly: true)
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
            total += try side.errorCount(map: map, errorClass: errorClass, since: since, parentWait: parentWait)
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
            total += try side.conflictCount(map: map, since: since)
        }
        counts[key] = Double(total)
        return Reading(value: Double(total))
    }

    /// Engine crashes in a plugin transform while it was given rows of `map`, since `since` (ms).
    func crashes(map: String, since: Double) throws -> Reading {
        let key = "crashes \(map) \(since)"
        if let cached = counts[key] { return Reading(value: cached) }
        let total = Double(try state.pluginCrashes(map: map, since: since))
        counts[key] = total
        return Reading(value: total)
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
            let target = sides[direction.target]!
            let checkpoint = try target.storedCheckpoints()[CheckpointID(map: name, source: direction.source)] ?? 0
            let parked = try target.parkedKeys(source: direction.source, map: name).count
            let (queued, oldest) = try sides[direction.source]!.pendingChanges(
                table: table, after: checkpoint, count: count)
            result[direction] = (queued, oldest, parked)
        }
        queues[name] = result
        return result
    }
}
