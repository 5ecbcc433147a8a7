import Foundation

/// What `tandem maps recover --resend` asks of a PostgreSQL side about its
/// change log: how far a table was pruned (kept in `_tandem_pruned` by
/// ``pruneChanges(table:through:limit:)``), the echoes of the other side's
/// writes, and the first change made after a time.
extension PostgreSQLSide {
    func prunedThrough(table: String) throws -> Int64 {
        try queryInstalled("SELECT seq FROM \(name("_tandem_pruned")) WHERE tbl = $1", [table]).first?[0]
            .flatMap(Int64.init) ?? 0
    }

    func echoes(table: String, after seq: Int64, from origin: SideRole) throws -> Int {
        // The engine's writes carry the source change as their origin (`crm:42`); an operator's
        // note (`superseded …`) names no side and is no echo. `starts_with`, not LIKE: no escaping.
        try queryInstalled(
            "SELECT count(*) FROM \(name("_tandem_changes")) WHERE tbl = $1 AND seq > $2 AND starts_with(origin, $3)",
            [table, String(seq), origin.rawValue + ":"]
        ).first?[0].flatMap(Int.init) ?? 0
    }

    /// `time` is in ms since 1970, as the state database records it (``StateStore/now``).
    func firstChange(table: String, through seq: Int64, after time: Double) throws -> Int64? {
        try queryInstalled(
            """
            SELECT min(seq) FROM \(name("_tandem_changes"))
            WHERE tbl = $1 AND seq <= $2 AND at > to_timestamp($3::double precision / 1000)
            """, [table, String(seq), String(time)]
        ).first?[0].flatMap(Int64.init)
    }
}
