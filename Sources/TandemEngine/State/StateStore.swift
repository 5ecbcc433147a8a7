import Foundation
import GRDB

/// Tandem's own state database: desired map states (the CLI writes them, the
/// running engine follows), the engine's heartbeat, per-map statistics and
/// an activity log.
///
/// The side databases hold what must be atomic with the synced rows
/// (checkpoints, parked changes, conflicts); this one holds what steers and
/// reports.
package final class StateStore: Sendable {
    /// The database file.
    package let path: String
    let queue: DatabaseQueue

    /// Opens (and creates) the state database at `path`.
    package init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS maps (
                        name TEXT PRIMARY KEY, state TEXT NOT NULL, reason TEXT, changed_at REAL NOT NULL, changed_by TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS engine (
                        id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, started_at REAL NOT NULL,
                        heartbeat_at REAL NOT NULL, stopped_at REAL);
                    CREATE TABLE IF NOT EXISTS stats (
                        map TEXT NOT NULL, direction TEXT NOT NULL, applied INTEGER NOT NULL, skipped INTEGER NOT NULL,
                        parked INTEGER NOT NULL, conflicts INTEGER NOT NULL, rate REAL NOT NULL, last_error TEXT,
                        last_error_at REAL, updated_at REAL NOT NULL, PRIMARY KEY (map, direction));
                    CREATE TABLE IF NOT EXISTS requests (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, body TEXT NOT NULL, actor TEXT NOT NULL,
                        requested_at REAL NOT NULL, done_at REAL, result TEXT);
                    CREATE TABLE IF NOT EXISTS incidents (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, started_at REAL NOT NULL, last_at REAL NOT NULL, error TEXT NOT NULL,
                        maps TEXT NOT NULL, resolved_at REAL);
                    CREATE TABLE IF NOT EXISTS activity (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor TEXT NOT NULL, map TEXT,
                        event TEXT NOT NULL, details TEXT);
                    CREATE INDEX IF NOT EXISTS activity_at ON activity (at);
                    CREATE INDEX IF NOT EXISTS activity_map ON activity (map, at);
                    CREATE TABLE IF NOT EXISTS identity (
                        id INTEGER PRIMARY KEY CHECK (id = 1), environment TEXT NOT NULL, created_at REAL NOT NULL);
                    CREATE TABLE IF NOT EXISTS sides (side TEXT PRIMARY KEY, side_id TEXT NOT NULL, recorded_at REAL NOT NULL);
                    CREATE TABLE IF NOT EXISTS parked_history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, side TEXT NOT NULL, number INTEGER NOT NULL, map TEXT NOT NULL,
                        source TEXT NOT NULL, seq INTEGER NOT NULL, op TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
                        error_class TEXT NOT NULL, reason TEXT NOT NULL, attempts INTEGER NOT NULL, parked_at REAL NOT NULL,
                        outcome TEXT NOT NULL, resolved_by TEXT NOT NULL, resolved_at REAL NOT NULL);
                    CREATE INDEX IF NOT EXISTS parked_history_at ON parked_history (parked_at);
                    CREATE TABLE IF NOT EXISTS applied (
                        map TEXT NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL, at REAL, tbl TEXT,
                        recorded_at REAL NOT NULL, PRIMARY KEY (map, source));
                    """)
        }
    }

    /// Milliseconds since the epoch.
    static var now: Double { Date().timeIntervalSince1970 * 1000 }

    // MARK: Map states

    /// Every map's recorded state; maps never touched are absent (`not running`).
    package func mapStates() throws -> [String: MapStateRecord] {
        try queue.read { db in
            var result: [String: MapStateRecord] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, state, reason, changed_at, changed_by FROM maps") {
                let name: String = row["name"]
                result[name] = MapStateRecord(
                    state: MapState(rawValue: row["state"]) ?? .failed, reason: row["reason"],
                    changedAt: row["changed_at"], changedBy: row["changed_by"])
            }
            return result
        }
    }

    /// Sets `maps` to `state` in one transaction, with an activity entry each.
    package func setStates(_ maps: [String], to state: MapState, reason: String? = nil, actor: String) throws {
        try queue.write { db in
            for name in maps {
                try db.execute(
                    sql: """
                        INSERT INTO maps (name, state, reason, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                            changed_at = excluded.changed_at, changed_by = excluded.changed_by
                        """,
                    arguments: [name, state.rawValue, reason, Self.now, actor])
                try Self.log(db, actor: actor, map: name, event: "state", details: state.rawValue + (reason.map { ": \($0)" } ?? ""))
            }
        }
    }

    /// Moves `map` from `expected` to `state` only if it is still in `expected`
    /// (the engine's own transitions must not undo an operator's command).
    @discardableResult
    package func transition(_ map: String, from expected: MapState, to state: MapState, reason: String? = nil) throws -> Bool {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE maps SET state = ?, reason = ?, changed_at = ?, changed_by = 'engine' WHERE name = ? AND state = ?",
                arguments: [state.rawValue, reason, Self.now, map, expected.rawValue])
            guard db.changesCount > 0 else { return false }
            try Self.log(db, actor: "engine", map: map, event: "state", details: state.rawValue + (reason.map { ": \($0)" } ?? ""))
            return true
        }
    }

    /// A counter that changes whenever another connection commits (`PRAGMA data_version`).
    package func dataVersion() throws -> Int {
        try queue.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0 }
    }

    // MARK: Engine

    /// Records that an engine started in this process.
    package func engineStarted(pid: Int32) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO engine (id, pid, started_at, heartbeat_at, stopped_at) VALUES (1, ?, ?, ?, NULL)",
                arguments: [pid, Self.now, Self.now])
            try Self.log(db, actor: "engine", map: nil, event: "engine started", details: "pid \(pid)")
        }
    }

    /// Records that the engine stopped cleanly.
    package func engineStopped() throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE engine SET stopped_at = ? WHERE id = 1", arguments: [Self.now])
            try Self.log(db, actor: "engine", map: nil, event: "engine stopped", details: nil)
        }
    }

    /// The last engine record.
    package func engine() throws -> EngineRecord? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT pid, started_at, heartbeat_at, stopped_at FROM engine WHERE id = 1").map {
                EngineRecord(pid: $0["pid"], startedAt: $0["started_at"], heartbeatAt: $0["heartbeat_at"], stoppedAt: $0["stopped_at"])
            }
        }
    }

    // MARK: Statistics

    /// Writes the engine's counters and its heartbeat in one transaction.
    package func writeStats(_ stats: [MapDirectionStats]) throws {
        try queue.write { db in
            let now = Self.now
            try db.execute(sql: "UPDATE engine SET heartbeat_at = ? WHERE id = 1", arguments: [now])
            for stat in stats {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO stats (map, direction, applied, skipped, parked, conflicts, rate, last_error, last_error_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        stat.map, stat.direction.rawValue, stat.applied, stat.skipped, stat.parked, stat.conflicts, stat.rate,
                        stat.lastError, stat.lastErrorAt, now,
                    ])
            }
        }
    }

    /// The engine's last counters.
    package func stats() throws -> [MapDirectionStats] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stats").compactMap { row in
                guard let direction = SyncDirection(rawValue: row["direction"]) else { return nil }
                return MapDirectionStats(
                    map: row["map"], direction: direction, applied: row["applied"], skipped: row["skipped"], parked: row["parked"],
                    conflicts: row["conflicts"], rate: row["rate"], lastError: row["last_error"], lastErrorAt: row["last_error_at"])
            }
        }
    }

    // MARK: Operator requests

    /// Queues `request` for the engine; returns its number.
    package func enqueue(_ request: OperatorRequest, actor: String) throws -> Int64 {
        let body = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        return try queue.write { db in
            try db.execute(
                sql: "INSERT INTO requests (kind, body, actor, requested_at) VALUES (?, ?, ?, ?)",
                arguments: [request.action.rawValue, body, actor, Self.now])
            return db.lastInsertedRowID
        }
    }

    /// Requests no engine has handled yet, oldest first.
    func pendingRequests() throws -> [(id: Int64, request: OperatorRequest, actor: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, actor FROM requests WHERE done_at IS NULL ORDER BY id").compactMap { row in
                guard let request = try? JSONDecoder().decode(OperatorRequest.self, from: Data((row[1] as String).utf8)) else { return nil }
                return (row[0], request, row[2])
            }
        }
    }

    /// Records the result of request `id`.
    func finish(_ id: Int64, results: [OperatorRequest.Result]) throws {
        let text = String(decoding: try JSONEncoder().encode(results), as: UTF8.self)
        try queue.write { db in
            try db.execute(sql: "UPDATE requests SET done_at = ?, result = ? WHERE id = ?", arguments: [Self.now, text, id])
        }
    }

    /// The results of request `id`, nil while no engine has handled it.
    package func results(of id: Int64) throws -> [OperatorRequest.Result]? {
        guard let text = try queue.read({ db in try String.fetchOne(db, sql: "SELECT result FROM requests WHERE id = ? AND done_at IS NOT NULL", arguments: [id]) }) else {
            return nil
        }
        return try JSONDecoder().decode([OperatorRequest.Result].self, from: Data(text.utf8))
    }

    // MARK: Transient incidents

    /// Opens an incident: the sides have kept failing since `since` (ms); returns its number.
    func openIncident(since: Double, error: String, maps: [String]) throws -> Int64 {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO incidents (started_at, last_at, error, maps) VALUES (?, ?, ?, ?)",
                arguments: [since, Self.now, error, maps.joined(separator: ",")])
            let id = db.lastInsertedRowID
            try Self.log(db, actor: "engine", map: nil, event: "transient error", details: "engine-\(id): failing since \(LogEntry.iso8601(since)): \(error)")
            return id
        }
    }

    /// Records that incident `id` is still going, with the latest error.
    func touchIncident(_ id: Int64, error: String) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE incidents SET last_at = ?, error = ? WHERE id = ?", arguments: [Self.now, error, id])
        }
    }

    /// Closes incident `id`: the sides work again.
    func resolveIncident(_ id: Int64) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE incidents SET resolved_at = ? WHERE id = ?", arguments: [Self.now, id])
            try Self.log(db, actor: "engine", map: nil, event: "transient error cleared", details: "engine-\(id)")
        }
    }

    /// Incidents still going: (id, started, last seen, error, maps affected).
    package func openIncidents() throws -> [(id: Int64, startedAt: Double, lastAt: Double, error: String, maps: [String])] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, started_at, last_at, error, maps FROM incidents WHERE resolved_at IS NULL ORDER BY id").map {
                ($0[0], $0[1], $0[2], $0[3], ($0[4] as String).split(separator: ",").map(String.init))
            }
        }
    }

    // MARK: Activity

    /// Adds an activity entry.
    package func log(actor: String, map: String?, event: String, details: String?) throws {
        try queue.write { db in try Self.log(db, actor: actor, map: map, event: event, details: details) }
    }

    static func log(_ db: Database, actor: String, map: String?, event: String, details: String?) throws {
        try db.execute(
            sql: "INSERT INTO activity (at, actor, map, event, details) VALUES (?, ?, ?, ?, ?)",
            arguments: [now, actor, map, event, details])
    }
}

/// A map's recorded state.
package struct MapStateRecord: Hashable, Sendable, Codable {
    /// The state.
    package var state: MapState
    /// Why, when the state says something went wrong or an operator gave a reason.
    package var reason: String?
    /// When it changed, in milliseconds since the epoch.
    package var changedAt: Double
    /// Who changed it: `cli`, `engine`, a rule.
    package var changedBy: String
}

/// The engine as last recorded.
package struct EngineRecord: Hashable, Sendable, Codable {
    /// Its process id.
    package var pid: Int32
    /// When it started (ms since the epoch).
    package var startedAt: Double
    /// Its last heartbeat (ms since the epoch).
    package var heartbeatAt: Double
    /// When it stopped cleanly, if it did.
    package var stoppedAt: Double?
}

/// Counters for one map and direction since the engine started.
package struct MapDirectionStats: Hashable, Sendable, Codable {
    /// The map.
    package var map: String
    /// The direction.
    package var direction: SyncDirection
    /// Changes applied to the target.
    package var applied: Int
    /// Changes consumed without a write: filtered out, echoes, conflicts lost.
    package var skipped: Int
    /// Changes waiting in the target's parking table (missing parent, error).
    package var parked: Int
    /// Conflicts detected.
    package var conflicts: Int
    /// Changes applied per second over the last interval.
    package var rate: Double
    /// The last error, if any.
    package var lastError: String?
    /// When it happened (ms since the epoch).
    package var lastErrorAt: Double?

    /// Zero counters.
    package init(
        map: String, direction: SyncDirection, applied: Int = 0, skipped: Int = 0, parked: Int = 0, conflicts: Int = 0,
        rate: Double = 0, lastError: String? = nil, lastErrorAt: Double? = nil
    ) {
        self.map = map
        self.direction = direction
        self.applied = applied
        self.skipped = skipped
        self.parked = parked
        self.conflicts = conflicts
        self.rate = rate
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}
