import Foundation
import TandemPostgreSQL

/// What a PostgreSQL side does besides the live loop: its identity, the
/// plugin DDL, pruning its change log, the reads of `tandem status` and of
/// alert rules, a reader of its own, and the watch of its commits.
extension PostgreSQLSide {
    // MARK: Identity

    /// Kept in a one-row table apart from capture, as on SQLite sides:
    /// `tandem capture remove` must not make a side forget whose it is.
    private var identityTable: String { name("_tandem_side") }

    func storedIdentity() throws -> SideIdentity? {
        guard
            let row = try queryInstalled(
                "SELECT environment, side, side_id, created_at::text FROM \(identityTable) WHERE id = 1"
            ).first
        else { return nil }
        // An unknown role is as foreign as another environment's side.
        return SideIdentity(
            environment: row[0] ?? "", role: row[1].flatMap(SideRole.init(rawValue:)) ?? .erp, id: row[2] ?? "",
            createdAt: row[3].flatMap(Double.init) ?? 0)
    }

    func storeIdentity(_ identity: SideIdentity) throws {
        try transaction { session in
            _ = try query(
                session,
                """
                CREATE TABLE IF NOT EXISTS \(identityTable) (
                    id integer PRIMARY KEY CHECK (id = 1), environment text NOT NULL, side text NOT NULL,
                    side_id text NOT NULL, created_at double precision NOT NULL)
                """)
            _ = try query(
                session,
                """
                INSERT INTO \(identityTable) (id, environment, side, side_id, created_at) VALUES (1, $1, $2, $3, $4)
                ON CONFLICT (id) DO UPDATE SET environment = EXCLUDED.environment, side = EXCLUDED.side,
                side_id = EXCLUDED.side_id, created_at = EXCLUDED.created_at
                """,
                [identity.environment, identity.role.rawValue, identity.id, String(identity.createdAt)])
        }
    }

    func removeIdentity() throws {
        _ = try query("DROP TABLE IF EXISTS \(identityTable)")
    }

    // MARK: Tables

    func executeDDL(_ statements: [String]) throws {
        guard !statements.isEmpty else { return }
        // The plugin's statements name bare tables: they go into the side's schema. They are
        // written in SQLite's dialect; see PostgreSQLDDL.
        try transaction { session in
            _ = try query(session, "SET LOCAL search_path TO \(PostgreSQLSQL.identifier(endpoint.config.schema))")
            for statement in statements { _ = try query(session, PostgreSQLDDL.translate(statement)) }
        }
    }

    func columnDetails(of table: String) throws -> [String: SideColumn] {
        let rows = try query(
            """
            SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), bt.typname::text, a.attnotnull::text,
                a.atthasdef::text, (a.attgenerated <> '')::text,
                EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                    AND a.attnum = ANY (i.indkey::int2[]))::text
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
            """, [endpoint.config.schema, table])
        var result: [String: SideColumn] = [:]
        for row in rows {
            // The class the engine carries the values as, in the words maps validate uses for SQLite.
            let valueClass =
                switch row[2] ?? "" {
                case "int2", "int4", "int8", "bool": "integer"
                case "float4", "float8": "real"
                case "numeric": "numeric"
                case "bytea": "blob"
                default: "text"
                }
            result[row[0] ?? ""] = SideColumn(
                type: row[1] ?? "", valueClass: valueClass, notNull: row[3] == "true", hasDefault: row[4] == "true",
                generated: row[5] == "true", primaryKey: row[6] == "true")
        }
        return result
    }

    // MARK: Housekeeping

    func pruneFacts(youngSince cutoff: Double?) throws -> (head: Int64, tables: [String], firstYoung: Int64?) {
        let head = try issuedHead()
        let tables = try queryInstalled("SELECT tbl FROM \(name("_tandem_capture"))").compactMap { $0[0] }
        let young = try cutoff.flatMap {
            try queryInstalled(
                "SELECT seq FROM \(name("_tandem_changes")) WHERE at >= to_timestamp($1::double precision / 1000) ORDER BY seq LIMIT 1",
                [String($0)]
            ).first?[0].flatMap(Int64.init)
        }
        return (head, tables, young)
    }

    func pruneChanges(table: String, through floor: Int64, limit: Int) throws -> Bool {
        let changes = name("_tandem_changes")
        // Nothing of this table at or below the floor: no write at all.
        guard
            try !queryInstalled(
                "SELECT 1 FROM \(changes) WHERE tbl = $1 AND seq <= $2 LIMIT 1", [table, String(floor)]
            ).isEmpty
        else { return false }
        return try transaction { session in
            let bound = try query(
                session, "SELECT seq FROM \(changes) WHERE tbl = $1 AND seq <= $2 ORDER BY seq LIMIT 1 OFFSET $3",
                [table, String(floor), String(limit - 1)]
            ).first?[0].flatMap(Int64.init)
            let through = bound ?? floor
            _ = try query(session, "DELETE FROM \(changes) WHERE tbl = $1 AND seq <= $2", [table, String(through)])
            // What a recovery needs to know: the changes of this table up to here are gone.
            _ = try query(
                session,
                """
                INSERT INTO \(name("_tandem_pruned")) (tbl, seq) VALUES ($1, $2)
                ON CONFLICT (tbl) DO UPDATE SET seq = GREATEST(\(name("_tandem_pruned")).seq, EXCLUDED.seq)
                """, [table, String(through)])
            return bound != nil
        }
    }

    /// The server checkpoints its own write-ahead log.
    func checkpointLog(unlessAt mark: LogMark?) throws -> LogMark? { nil }

    // MARK: Monitoring

    func pendingChanges(table: String, after seq: Int64, count: Bool) throws -> (queued: Int?, oldest: Double?) {
        let changes = name("_tandem_changes")
        let oldest = try queryInstalled(
            """
            SELECT (extract(epoch FROM at) * 1000)::text FROM \(changes)
            WHERE tbl = $1 AND seq > $2 AND origin IS NULL ORDER BY seq LIMIT 1
            """, [table, String(seq)]
        ).first?[0].flatMap(Double.init)
        let queued =
            count
            ? try queryInstalled(
                "SELECT count(*) FROM \(changes) WHERE tbl = $1 AND seq > $2 AND origin IS NULL", [table, String(seq)]
            ).first?[0].flatMap(Int.init) ?? 0 : nil
        return (queued, oldest)
    }

    func errorCount(map: String, errorClass: ErrorClass?, since: Double, parentWait: Double) throws -> Int {
        // As on SQLite sides: behind another change never counts; waiting for a parent counts once
        // overdue, from the moment it became so.
        try queryInstalled(
            """
            SELECT count(*) FROM \(name("_tandem_parked")) WHERE map = $1 AND (
                (kind NOT IN ('behind', 'parent') AND parked_at >= $2)
                OR (kind = 'parent' AND parked_at <= $3 AND parked_at >= $2::double precision - $4))
            AND ($5::text IS NULL OR error_class = $5)
            """, [map, String(since), String(StateStore.now - parentWait), String(parentWait), errorClass?.rawValue]
        ).first?[0].flatMap(Int.init) ?? 0
    }

    func overdueParents(map: String, source: SideRole, parkedBefore: Double) throws -> Int {
        try queryInstalled(
            """
            SELECT count(*) FROM \(name("_tandem_parked"))
            WHERE map = $1 AND source = $2 AND kind = 'parent' AND parked_at < $3
            """, [map, source.rawValue, String(parkedBefore)]
        ).first?[0].flatMap(Int.init) ?? 0
    }

    func conflictCount(map: String, since: Double) throws -> Int {
        try queryInstalled(
            "SELECT count(*) FROM \(name("_tandem_conflicts")) WHERE map = $1 AND at >= $2", [map, String(since)]
        ).first?[0].flatMap(Int.init) ?? 0
    }

    // MARK: Readers and waiting

    func openReader() throws -> any SideEndpoint {
        PostgreSQLSide(role: role, config: endpoint.config, logger: logger)
    }

    func tableRows(_ table: String, columns: [String]) throws -> [[SideValue]] {
        let described = try columns.map { name in
            guard let column = try column(table, name) else {
                throw SyncError(.configuration, "table \(table) on the \(role) side (\(location)) has no column \(name)")
            }
            return column
        }
        let list = columns.map(PostgreSQLSQL.identifier).joined(separator: ", ")
        let read = zip(columns, described).map { $1.kind.readExpression(PostgreSQLSQL.identifier($0)) }
        return try query("SELECT \(read.joined(separator: ", ")) FROM \(name(table)) ORDER BY \(list)", table: table).map { row in
            zip(row, described).map { PostgreSQLSideValues.sideValue(text: $0, column: $1) }
        }
    }

    func watchCommits(after: @escaping @Sendable () -> Int64, wake: @escaping @Sendable () -> Void) throws
        -> (any CommitWatch)?
    {
        let rings = self.rings
        return PostgreSQLCommitWatch(
            endpoint: endpoint, role: role, after: after,
            wake: {
                rings.ring()
                wake()
            }, rings: rings, logger: logger)
    }
}
