import Foundation
import GRDB

/// What the state database knows about the sides: the environment's id,
/// each side's id, and how far the engine had applied each map's changes.
extension StateStore {
    /// The environment's id, nil when this state database never knew it
    /// (new, emptied, or made before side identities).
    package func environmentID() throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT environment FROM identity WHERE id = 1") }
    }

    /// The id each side had when it joined the environment.
    package func sideIDs() throws -> [SideRole: String] {
        try queue.read { db in
            var result: [SideRole: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT side, side_id FROM sides") {
                if let role = SideRole(rawValue: row[0]) { result[role] = row[1] }
            }
            return result
        }
    }

    /// Records the environment's id and `sides`' identities, with an activity entry.
    package func recordIdentity(
        environment: String, sides: [SideIdentity], actor: String, event: String, details: String? = nil
    ) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO identity (id, environment, created_at) VALUES (1, ?, ?)",
                arguments: [environment, Self.now])
            for side in sides {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO sides (side, side_id, recorded_at) VALUES (?, ?, ?)",
                    arguments: [side.role.rawValue, side.id, Self.now])
            }
            try Self.log(
                db, actor: actor, map: nil, event: event,
                details: details ?? sides.map { "\($0.role) side \($0.id)" }.joined(separator: ", ")
                    + " of environment \(environment)")
        }
    }

    /// How far the engine had applied `map`'s changes from `source`, as last
    /// recorded: a lower bound of the checkpoint stored in the other side.
    package struct Applied: Hashable, Sendable {
        /// The source's change number.
        package var seq: Int64
        /// That change's statement time and table, when known: a source
        /// restored from backup may reuse the number for another change.
        package var at: Double?
        package var table: String?
        /// When the engine recorded it (ms since the epoch).
        package var recordedAt: Double
    }

    /// Every recorded lower bound: map → source → applied.
    package func applied() throws -> [String: [SideRole: Applied]] {
        try queue.read { db in
            var result: [String: [SideRole: Applied]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT map, source, seq, at, tbl, recorded_at FROM applied") {
                guard let source = SideRole(rawValue: row[1]) else { continue }
                result[row[0], default: [:]][source] = Applied(
                    seq: row[2], at: row[3], table: row[4], recordedAt: row[5])
            }
            return result
        }
    }

    /// Records lower bounds of the applied checkpoints, in one transaction.
    package func recordApplied(_ entries: [(map: String, source: SideRole, applied: Applied)]) throws {
        guard !entries.isEmpty else { return }
        try queue.write { db in
            for entry in entries {
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO applied (map, source, seq, at, tbl, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        entry.map, entry.source.rawValue, entry.applied.seq, entry.applied.at, entry.applied.table,
                        entry.applied.recordedAt,
                    ])
            }
        }
    }

    /// Forgets what was applied for `map` (initial sync and recovery set
    /// the checkpoints anew), or for every map.
    package func forgetApplied(map: String? = nil) throws {
        try queue.write { db in
            if let map {
                try db.execute(sql: "DELETE FROM applied WHERE map = ?", arguments: [map])
            } else {
                try db.execute(sql: "DELETE FROM applied")
            }
        }
    }
}
