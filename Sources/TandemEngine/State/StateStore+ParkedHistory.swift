import Foundation
import GRDB

/// The history of parked changes that left a side's error list: a side
/// deletes an entry once it is retried and applied, or discarded, and
/// without this copy `tandem log` forgot what had failed, when, and who
/// cleared it ("what failed yesterday" had no answer).
extension StateStore {
    /// One parked change as it was when it left the error list, and how it left.
    struct ParkedHistoryEntry: Sendable {
        /// The ID it had (`crm-12`): the log shows it under the same ID.
        let id: ErrorID
        let map: String
        /// The side the change came from.
        let source: String
        let seq: Int64
        let operation: String
        let key: String
        /// `error`, `parent`, `conflict`.
        let kind: String
        let errorClass: ErrorClass
        /// Why it was parked (the last reason, after the last attempt).
        let reason: String
        let attempts: Int
        /// When it was first parked, ms since the epoch.
        let parkedAt: Double
        /// `discarded`, `applied on retry`, `superseded on retry by erp:42`.
        let outcome: String
    }

    /// How the parked change `id` left the error list, newest record first:
    /// `discarded by cli:ana at 2026-11-29T10:05:00.000Z`, with its key; nil
    /// when the history has no such entry (never parked, or pruned).
    package func cleared(_ id: ErrorID) throws -> (how: String, key: String)? {
        try queue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT outcome, resolved_by, resolved_at, key FROM parked_history
                    WHERE side = ? AND number = ? ORDER BY id DESC LIMIT 1
                    """,
                arguments: [id.side.rawValue, id.number]
            ).map { row in
                let at: Double = row["resolved_at"]
                return (
                    "\(row["outcome"] as String) by \(row["resolved_by"] as String) at \(LogEntry.iso8601(at))",
                    row["key"]
                )
            }
        }
    }

    /// Keeps `entries` as cleared by `actor` now, each with an activity entry
    /// of `event` when it has `details`, in one transaction.
    func archiveParked(_ entries: [(entry: ParkedHistoryEntry, details: String?)], event: String, actor: String) throws
    {
        guard !entries.isEmpty else { return }
        try queue.write { db in
            let now = Self.now
            for (entry, details) in entries {
                try db.execute(
                    sql: """
                        INSERT INTO parked_history (
                            side, number, map, source, seq, op, key, kind, error_class, reason, attempts, parked_at,
                            outcome, resolved_by, resolved_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        entry.id.side.rawValue, entry.id.number, entry.map, entry.source, entry.seq, entry.operation,
                        entry.key, entry.kind, entry.errorClass.rawValue, entry.reason, entry.attempts, entry.parkedAt,
                        entry.outcome, actor, now,
                    ])
                if let details { try Self.log(db, actor: actor, map: entry.map, event: event, details: details) }
            }
        }
    }
}
