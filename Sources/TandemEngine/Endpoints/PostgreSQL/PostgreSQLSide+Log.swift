import Foundation

/// What `tandem log` reads of a PostgreSQL side: its parked changes and its
/// conflicts, in the columns the merged log shows (see ``SideLogCopy``).
extension PostgreSQLSide {
    /// The parked changes, as text: id, parked_at, map, source, seq, op, key, kind, reason,
    /// attempts, error_class; none when capture was never installed.
    func parkedLogRows() throws -> [[String?]] {
        try queryInstalled(
            """
            SELECT id::text, parked_at::text, map, source, seq::text, op, key, kind, reason, attempts::text, error_class
            FROM \(name("_tandem_parked"))
            """)
    }

    /// The conflicts, as text: id, at, map, key, policy, status, winner, outcome, source, resolved_by.
    func conflictLogRows() throws -> [[String?]] {
        try queryInstalled(
            """
            SELECT id::text, at::text, map, key, policy, status, winner, outcome, source, resolved_by
            FROM \(name("_tandem_conflicts"))
            """)
    }
}
