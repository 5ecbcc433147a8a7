import Foundation
package import GRDB

/// One side's SQLite database, as Tandem uses it: a single connection that
/// reads the change log and applies the other side's changes.
package final class SideDatabase: Sendable {
    /// Which side.
    package let role: SideRole
    /// The database file.
    package let path: String
    /// The connection.
    package let queue: DatabaseQueue

    /// Opens the database at `path`; `create` allows a new file.
    /// `busyTimeout`: how long to wait for another writer's transaction;
    /// `readOnly`: a connection that cannot write; `background`: a connection
    /// off the applying path (housekeeping, a transform's table reader),
    /// which waits with SQLite's own sleeping busy timeout instead of polling.
    package init(
        role: SideRole, path: String, create: Bool = false, busyTimeout: Int = 30, readOnly: Bool = false,
        background: Bool = false
    ) throws {
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw SyncError(.database, "the \(role) database \(path) does not exist; check sides.\(role).database in tandem.yaml")
        }
        self.role = role
        self.path = path
        var configuration = Configuration()
        // Applications (and Tandem's housekeeping) write the same file: wait
        // for their transactions rather than fail, for up to `busyTimeout` s. SQLite's
        // own busy timeout sleeps up to 100 ms between tries, which showed as
        // latency spikes whenever pruning held the lock; polling every 0.5 ms
        // takes the lock as soon as it is free.
        configuration.busyMode =
            background
            ? .timeout(TimeInterval(busyTimeout))
            : .callback { tries in
                usleep(500)
                return tries < busyTimeout * 2000
            }
        configuration.label = background ? "\(role) background" : "\(role)"
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            // The checkpoint commits with the rows, so a lost tail after a power
            // failure is simply applied again: NORMAL keeps exactly-once.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            // Opening reads nothing; a file that is not a database or cannot be read says so here, named.
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") }
        } catch {
            throw SideFault.describe(error, role: role, path: path)
        }
    }

    /// Changes after `seq`, at most `limit`, in sequence order.
    /// The rows of Tandem's own writes (echoes) are not read: nothing applies them.
    /// `seq > after` and, when `origin` is given, only the changes with that origin.
    func changes(after seq: Int64, limit: Int, _ db: Database) throws -> [Change] {
        let statement = try RawStatement(
            sql: """
                SELECT seq, tbl, op, key, CASE WHEN origin IS NULL OR origin LIKE 'write:%' THEN row END, at, origin, changed
                FROM _tandem_changes WHERE seq > ? ORDER BY seq LIMIT ?
                """, db)
        statement.bind([.integer(seq), .integer(Int64(limit))])
        defer { statement.reset() }
        var result: [Change] = []
        result.reserveCapacity(limit)
        while try statement.step() {
            result.append(
                Change(
                    seq: statement.int64(0), table: statement.text(1) ?? "",
                    operation: Change.Operation(rawValue: statement.text(2) ?? "U") ?? .update,
                    key: statement.literals(3) ?? "",
                    row: statement.literals(4), at: statement.double(5), origin: statement.text(6),
                    changed: statement.text(7)))
        }
        return result
    }

    /// The highest sequence number in the change log, 0 when empty.
    func headSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes") ?? 0
    }

    /// Checkpoints stored in this database: (map, source side) → last applied sequence.
    func checkpoints(_ db: Database) throws -> [String: Int64] {
        guard try db.tableExists("_tandem_checkpoints") else { return [:] }
        var result: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT map, source, seq FROM _tandem_checkpoints") {
            result[Self.checkpointKey(map: row[0], source: row[1])] = row[2]
        }
        return result
    }

    static func checkpointKey(map: String, source: String) -> String { map + "\u{1F}" + source }
}
