/// The objects Tandem keeps in a side's schema, and the SQL that installs and
/// removes them: the change log, the capture triggers, the checkpoints, the
/// wake-up flags, and the schema version of Tandem's own migrations.
///
/// Capture is by triggers, not logical decoding: triggers need no server
/// setting (`wal_level`, a replication slot, superuser) that a managed
/// PostgreSQL may refuse, keep working while Tandem is down for days without
/// holding WAL back, and see `tandem.origin`, the per-transaction mark of
/// Tandem's own writes. Their cost is measured in docs/BENCHMARKS.md.
///
/// Everything is idempotent: installing twice changes nothing, removing what
/// is not there is no error.
public struct PostgreSQLCapture: Sendable {
    /// The schema that holds the captured tables and Tandem's objects.
    public let schema: String

    /// Capture SQL for tables in `schema`.
    public init(schema: String) {
        self.schema = schema
    }

    /// Every object name starts with this; applications' tables must not.
    public static let prefix = "_tandem_"

    /// The transaction-local setting that marks Tandem's own writes: `SET LOCAL tandem.origin = 'erp:42'`.
    public static let originSetting = "tandem.origin"

    /// The transaction-local setting naming the table (qualified, as ``name(_:)`` writes it) whose
    /// rows the statement being run logs itself, with each row's own origin: its capture trigger
    /// then records nothing. The writer sets it around that one statement only; see
    /// docs/ENDPOINTS.md, "Echoes a statement logs itself".
    public static let loggedSetting = "tandem.logged"

    func name(_ object: String) -> String { PostgreSQLSQL.qualified(schema, object) }

    /// The LISTEN/NOTIFY channel of this schema's change log (a plain name: postgres-nio quotes it as given).
    var channel: String {
        let safe = schema.lowercased().unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
        if safe && schema.utf8.count <= 40 { return "_tandem_changes_" + schema.lowercased() }
        // Any other schema name: a stable hash keeps the channel a plain identifier.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in schema.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "_tandem_changes_" + String(hash, radix: 16)
    }

    /// Tandem's own migrations, in order, by name; append only. Each runs once per schema, in one
    /// transaction with its row in `_tandem_schema_version`.
    var migrations: [(name: String, statements: [String])] {
        [
            (
                "1 change log, checkpoints, capture list, wake-up flags, bulk copy progress",
                [
                    "CREATE SEQUENCE IF NOT EXISTS \(name("_tandem_changes_seq"))",
                    // key and row are jsonb: its numbers are PostgreSQL numerics (every digit
                    // kept), and a column added later just appears in new rows.
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_changes")) (
                        seq bigint PRIMARY KEY DEFAULT nextval('\(name("_tandem_changes_seq"))'),
                        tbl text NOT NULL,
                        op "char" NOT NULL,
                        key jsonb NOT NULL,
                        row jsonb,
                        changed text[],
                        origin text,
                        at timestamptz NOT NULL DEFAULT now())
                    """,
                    "ALTER SEQUENCE \(name("_tandem_changes_seq")) OWNED BY \(name("_tandem_changes")).seq",
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_checkpoints")) (
                        map text NOT NULL, source text NOT NULL, seq bigint NOT NULL,
                        updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (map, source))
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_capture")) (
                        tbl text PRIMARY KEY, columns text[] NOT NULL, kinds text[] NOT NULL, key text[] NOT NULL,
                        installed_at timestamptz NOT NULL DEFAULT now())
                    """,
                    // One row per waiting reader; the wake trigger notifies only while one is set.
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_waiting")) (
                        reader text PRIMARY KEY, waiting boolean NOT NULL, since timestamptz NOT NULL DEFAULT now())
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_copy_progress")) (
                        copy text PRIMARY KEY, tbl text NOT NULL, last_key text[], rows bigint NOT NULL DEFAULT 0,
                        done boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now())
                    """,
                    // NOTIFY serialises committing transactions on a global lock (measured: 8
                    // writers fell from ~1,000 to ~300 tps with a NOTIFY per row), so a
                    // statement notifies only while some reader is waiting, and once per
                    // statement, not per row. The EXISTS reads a one-page table.
                    """
                    CREATE OR REPLACE FUNCTION \(name("_tandem_wake"))() RETURNS trigger LANGUAGE plpgsql AS $tandem$
                    BEGIN
                        IF EXISTS (SELECT 1 FROM \(name("_tandem_waiting")) WHERE waiting) THEN
                            PERFORM pg_notify(\(PostgreSQLSQL.literal(channel)), '');
                        END IF;
                        RETURN NULL;
                    END
                    $tandem$
                    """,
                ]
            ),
            (
                "2 parked changes, conflicts, write-through markers",
                [
                    // The engine's bookkeeping as a target, as on SQLite sides: key and row hold the
                    // engine's change form (literal lists, which never hold a NUL byte), `at` and
                    // `parked_at` are ms since the epoch as the engine counts them.
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_parked")) (
                        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, map text NOT NULL,
                        source text NOT NULL, seq bigint NOT NULL, tbl text NOT NULL, op text NOT NULL,
                        key text NOT NULL, row text, at double precision NOT NULL, kind text NOT NULL,
                        reason text NOT NULL, parked_at double precision NOT NULL,
                        attempts integer NOT NULL DEFAULT 1, error_class text NOT NULL DEFAULT 'application',
                        changed text)
                    """,
                    "CREATE INDEX IF NOT EXISTS \"_tandem_parked_map\" ON \(name("_tandem_parked")) (map, seq)",
                    "CREATE INDEX IF NOT EXISTS \"_tandem_parked_at\" ON \(name("_tandem_parked")) (parked_at)",
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_conflicts")) (
                        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, map text NOT NULL,
                        key text NOT NULL, policy text NOT NULL, winner text NOT NULL, source text NOT NULL,
                        source_seq bigint NOT NULL, source_row text, target_seq bigint NOT NULL, target_row text,
                        at double precision NOT NULL, status text NOT NULL DEFAULT 'resolved', outcome text,
                        source_changed text, target_changed text, parked_id bigint,
                        resolved_at double precision, resolved_by text, source_table text, target_table text)
                    """,
                    "CREATE INDEX IF NOT EXISTS \"_tandem_conflicts_at\" ON \(name("_tandem_conflicts")) (at)",
                    // The source changes a write-through already applied here, each consumed when
                    // the engine reads that change.
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_written")) (
                        source text NOT NULL, seq bigint NOT NULL, PRIMARY KEY (source, seq))
                    """,
                ]
            ),
            (
                "3 pruning marks, the index of the applications' changes",
                [
                    // How far each table's changes were pruned: what `tandem maps recover` needs to
                    // know of a side restored from a backup.
                    """
                    CREATE TABLE IF NOT EXISTS \(name("_tandem_pruned")) (
                        tbl text PRIMARY KEY, seq bigint NOT NULL)
                    """,
                    // Status, alert rules and the one-way guard read a table's application changes
                    // after a checkpoint; as on SQLite sides, only those are indexed.
                    """
                    CREATE INDEX IF NOT EXISTS "_tandem_changes_applications"
                    ON \(name("_tandem_changes")) (tbl, seq) WHERE origin IS NULL
                    """,
                ]
            ),
            (
                "4 wake-up flags without WAL",
                [
                    // A reader sets and clears its flag around every wait; logged, each was a
                    // commit that waited for a WAL flush, on the side whose writers it waits
                    // for (PostgreSQLCommitSignal). A crash empties an unlogged table: no
                    // reader waits then, which is true, and the next wait sets its row again.
                    "ALTER TABLE \(name("_tandem_waiting")) SET UNLOGGED",
                ]
            ),
        ]
    }

    /// The statements that create the change log and the bookkeeping tables (`install`), with
    /// `_tandem_schema_version` to know which migrations ran.
    var versionTable: String {
        """
        CREATE TABLE IF NOT EXISTS \(name("_tandem_schema_version")) (
            version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
        """
    }

    func triggerFunctionName(_ table: String) -> String { name("_tandem_capture_" + table) }

    /// The jsonb image of `of`, the columns of `record` (`NEW`, `OLD`, a table alias), as the change log holds rows.
    func image(_ record: String, _ of: [PostgreSQLColumn]) -> String {
        // jsonb_build_object takes at most 100 arguments: 50 columns a call, joined with ||.
        stride(from: 0, to: of.count, by: 50).map { start in
            let pairs = of[start..<min(start + 50, of.count)].map {
                PostgreSQLSQL.literal($0.name) + ", "
                    + $0.kind.captureExpression(record + "." + PostgreSQLSQL.identifier($0.name))
            }
            return "jsonb_build_object(" + pairs.joined(separator: ", ") + ")"
        }.joined(separator: " || ")
    }

    /// `tandem maps add-field`: every row of `table` that holds a value in
    /// `column`, logged as an update of that column alone, as an
    /// application's change (no origin), in key order. Capture must record
    /// `column` already.
    func queueExistingValues(table: String, columns: [PostgreSQLColumn], column: String) -> String {
        let keyColumns = columns.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
        let order = keyColumns.map { "s." + PostgreSQLSQL.identifier($0.name) }.joined(separator: ", ")
        return "INSERT INTO \(name("_tandem_changes")) (tbl, op, key, row, origin, changed) "
            + "SELECT \(PostgreSQLSQL.literal(table)), 'U', \(image("s", keyColumns)), \(image("s", columns)), NULL, "
            + "ARRAY[\(PostgreSQLSQL.literal(column))]::text[] "
            + "FROM \(name(table)) AS s WHERE s.\(PostgreSQLSQL.identifier(column)) IS NOT NULL"
            + (order.isEmpty ? "" : " ORDER BY " + order)
    }

    /// The row trigger's function for `table`, written out per table: the key and row images and
    /// the changed-column list are plain expressions, no per-row catalog look-up.
    ///
    /// An update records the old key (the row to find on the other side) and the new row; a
    /// delete records the old row; an update that changes nothing records nothing.
    func triggerFunction(table: String, columns: [PostgreSQLColumn]) -> String {
        let keyColumns = columns.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
        let changed = columns.map {
            let column = PostgreSQLSQL.identifier($0.name)
            return "CASE WHEN NEW.\(column) IS DISTINCT FROM OLD.\(column) THEN \(PostgreSQLSQL.literal($0.name)) END"
        }.joined(separator: ", ")
        let log = name("_tandem_changes")
        let tbl = PostgreSQLSQL.literal(table)
        return """
            CREATE OR REPLACE FUNCTION \(triggerFunctionName(table))() RETURNS trigger LANGUAGE plpgsql AS $tandem$
            DECLARE
                tandem_origin text := NULLIF(current_setting('\(Self.originSetting)', true), '');
                tandem_changed text[];
            BEGIN
                IF current_setting('\(Self.loggedSetting)', true) = \(PostgreSQLSQL.literal(name(table))) THEN
                    RETURN NULL;
                END IF;
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO \(log) (tbl, op, key, row, origin)
                    VALUES (\(tbl), 'I', \(image("NEW", keyColumns)), \(image("NEW", columns)), tandem_origin);
                ELSIF TG_OP = 'UPDATE' THEN
                    tandem_changed := array_remove(ARRAY[\(changed)]::text[], NULL);
                    IF cardinality(tandem_changed) = 0 THEN
                        RETURN NULL;
                    END IF;
                    INSERT INTO \(log) (tbl, op, key, row, origin, changed)
                    VALUES (\(tbl), 'U', \(image("OLD", keyColumns)), \(image("NEW", columns)), tandem_origin, tandem_changed);
                ELSE
                    INSERT INTO \(log) (tbl, op, key, row, origin)
                    VALUES (\(tbl), 'D', \(image("OLD", keyColumns)), \(image("OLD", columns)), tandem_origin);
                END IF;
                RETURN NULL;
            END
            $tandem$
            """
    }

    /// Installs capture on `table` (replacing an older install, e.g. after columns were added).
    func installStatements(table: String, columns: [PostgreSQLColumn]) -> [String] {
        let target = name(table)
        let keyColumns = columns.filter { $0.keyPosition != nil }.sorted { $0.keyPosition! < $1.keyPosition! }
        func array(_ items: [String]) -> String { "ARRAY[" + items.map(PostgreSQLSQL.literal).joined(separator: ", ") + "]::text[]" }
        return [
            triggerFunction(table: table, columns: columns),
            "DROP TRIGGER IF EXISTS \"_tandem_capture\" ON \(target)",
            """
            CREATE TRIGGER "_tandem_capture" AFTER INSERT OR UPDATE OR DELETE ON \(target)
            FOR EACH ROW EXECUTE FUNCTION \(triggerFunctionName(table))()
            """,
            "DROP TRIGGER IF EXISTS \"_tandem_wake\" ON \(target)",
            """
            CREATE TRIGGER "_tandem_wake" AFTER INSERT OR UPDATE OR DELETE ON \(target)
            FOR EACH STATEMENT EXECUTE FUNCTION \(name("_tandem_wake"))()
            """,
            """
            INSERT INTO \(name("_tandem_capture")) (tbl, columns, kinds, key) VALUES (\(PostgreSQLSQL.literal(table)), \
            \(array(columns.map(\.name))), \(array(columns.map(\.kind.rawValue))), \(array(keyColumns.map(\.name))))
            ON CONFLICT (tbl) DO UPDATE SET columns = EXCLUDED.columns, kinds = EXCLUDED.kinds, key = EXCLUDED.key,
            installed_at = now()
            """,
        ]
    }

    /// Removes capture from `table`; the changes already logged stay until read.
    func removeStatements(table: String, tableExists: Bool) -> [String] {
        (tableExists
            ? [
                "DROP TRIGGER IF EXISTS \"_tandem_capture\" ON \(name(table))",
                "DROP TRIGGER IF EXISTS \"_tandem_wake\" ON \(name(table))",
            ] : [])
            + [
                "DROP FUNCTION IF EXISTS \(triggerFunctionName(table))()",
                "DELETE FROM \(name("_tandem_capture")) WHERE tbl = \(PostgreSQLSQL.literal(table))",
            ]
    }
}
