import Foundation
public import GRDB

/// One side's SQLite database, as Tandem uses it: a single connection that
/// reads the change log and applies the other side's changes.
public final class SideDatabase: Sendable {
    /// Which side.
    public let role: SideRole
    /// The database file.
    public let path: String
    /// The connection.
    public let queue: DatabaseQueue

    /// Opens the database at `path`; `create` allows a new file.
    public init(role: SideRole, path: String, create: Bool = false) throws {
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw SyncError(.database, "the \(role) database \(path) does not exist; check sides.\(role).database in tandem.yaml")
        }
        self.role = role
        self.path = path
        var configuration = Configuration()
        // Applications write the same file; wait for their transactions rather than fail.
        configuration.busyMode = .timeout(30)
        configuration.label = "\(role)"
        configuration.prepareDatabase { db in
            // The checkpoint commits with the rows, so a lost tail after a power
            // failure is simply applied again: NORMAL keeps exactly-once.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Changes after `seq`, at most `limit`, in sequence order.
    func changes(after seq: Int64, limit: Int, _ db: Database) throws -> [Change] {
        let statement = try db.cachedStatement(
            sql: "SELECT \(Change.columns) FROM _tandem_changes WHERE seq > ? ORDER BY seq LIMIT ?")
        return try Row.fetchAll(statement, arguments: [seq, limit]).map(Change.init(row:))
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
