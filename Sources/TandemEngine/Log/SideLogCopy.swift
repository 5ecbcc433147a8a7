import Foundation
import GRDB

/// A server side's parked changes and conflicts, copied into a private
/// in-memory SQLite database under the tables and columns a SQLite side
/// has, so that the merged log's queries (``LogSource``: filters, order,
/// cursors, descriptions) run on it unchanged: one reading of the log for
/// every endpoint.
///
/// Each read takes a fresh copy of both tables. They hold what waits for an
/// operator (parked changes and conflicts; a side deletes what was retried
/// or discarded, the state database's history keeps it), so they are small
/// next to the activity log, and a whole copy is one query each.
final class SideLogCopy {
    /// The copy, queried as a side's file would be.
    let queue: DatabaseQueue
    private let side: PostgreSQLSide

    /// An empty copy of `side`'s tables; ``refresh()`` fills it.
    init(_ side: PostgreSQLSide) throws {
        self.side = side
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE _tandem_parked (id INTEGER PRIMARY KEY, parked_at REAL NOT NULL, map TEXT NOT NULL,
                        source TEXT NOT NULL, seq INTEGER NOT NULL, op TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
                        reason TEXT NOT NULL, attempts INTEGER NOT NULL, error_class TEXT NOT NULL);
                    CREATE INDEX _tandem_parked_at ON _tandem_parked (parked_at);
                    CREATE TABLE _tandem_conflicts (id INTEGER PRIMARY KEY, at REAL NOT NULL, map TEXT NOT NULL,
                        key TEXT NOT NULL, policy TEXT NOT NULL, status TEXT NOT NULL, winner TEXT NOT NULL, outcome TEXT,
                        source TEXT NOT NULL, resolved_by TEXT);
                    CREATE INDEX _tandem_conflicts_at ON _tandem_conflicts (at);
                    """)
        }
    }

    /// Replaces the copy with what the side holds now.
    func refresh() throws {
        let parked = try side.parkedLogRows()
        let conflicts = try side.conflictLogRows()
        try queue.write { db in
            try db.execute(sql: "DELETE FROM _tandem_parked; DELETE FROM _tandem_conflicts")
            // Numbers as numbers: the log's conditions and order compare them as the side's file would.
            func integer(_ text: String?) -> DatabaseValue { text.flatMap(Int64.init)?.databaseValue ?? .null }
            func real(_ text: String?) -> DatabaseValue { text.flatMap(Double.init)?.databaseValue ?? .null }
            func text(_ value: String?) -> DatabaseValue { value?.databaseValue ?? .null }
            let insertParked = try db.makeStatement(
                sql: "INSERT INTO _tandem_parked VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for row in parked {
                try insertParked.execute(
                    arguments: StatementArguments([
                        integer(row[0]), real(row[1]), text(row[2]), text(row[3]), integer(row[4]), text(row[5]),
                        text(row[6]), text(row[7]), text(row[8]), integer(row[9]), text(row[10]),
                    ]))
            }
            let insertConflict = try db.makeStatement(
                sql: "INSERT INTO _tandem_conflicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for row in conflicts {
                try insertConflict.execute(
                    arguments: StatementArguments([
                        integer(row[0]), real(row[1]), text(row[2]), text(row[3]), text(row[4]), text(row[5]),
                        text(row[6]), text(row[7]), text(row[8]), text(row[9]),
                    ]))
            }
        }
    }
}
