import Foundation
import GRDB
import TandemEngine
import TandemPostgreSQL

/// One application writing its own side for the demo, whichever database
/// the side is: a SQLite file (GRDB) or a PostgreSQL schema (a connection of
/// its own), as a real application would, with no help from Tandem.
///
/// Statements are written once for both: names double-quoted (both keep
/// their case then), values as `?` arguments (numbered `$1…` for PostgreSQL,
/// where they go as untyped text that the server reads as the column's type).
final class DemoApplication {
    /// The connection behind it.
    private enum Backing {
        case sqlite(DatabaseQueue)
        case postgres(PostgreSQLEndpoint, PostgreSQLSession)
    }

    private let backing: Backing
    /// Which side.
    let role: SideRole

    /// The application of `role`'s side of `environment`.
    init(_ environment: TandemEnvironment, _ role: SideRole) throws {
        self.role = role
        switch try environment.location(role) {
        case .sqlite(let path):
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            backing = .sqlite(try DatabaseQueue(path: path, configuration: configuration))
        case .postgresql(let config):
            let endpoint = PostgreSQLEndpoint(config: config, readerName: "tandem-demo-\(role)")
            do {
                let session = try BlockingAwait.run { try await endpoint.openSession() }
                backing = .postgres(endpoint, session)
                _ = try query("SELECT set_config('search_path', \(Self.literal(config.schema)), false)")
            } catch {
                try? BlockingAwait.run { await endpoint.close() }
                throw error
            }
        }
    }

    /// Closes the connection (postgres-nio needs every connection closed before it is released).
    func close() {
        guard case .postgres(let endpoint, let session) = backing else { return }
        try? BlockingAwait.run {
            _ = await session.close()
            await endpoint.close()
        }
    }

    /// `sql`'s rows, each column as text (NULL as nil).
    func query(_ sql: String, _ arguments: [SideValue] = []) throws -> [[String?]] {
        switch backing {
        case .sqlite(let queue):
            return try queue.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
                    row.databaseValues.map { Self.text(SideValue($0)) }
                }
            }
        case .postgres(_, let session):
            let (text, parameters) = Self.numbered(sql, arguments)
            return try BlockingAwait.run { try await session.query(text, parameters) }
        }
    }

    /// The table's columns, and those a row must fill (NOT NULL without a default).
    func columns(of table: String) throws -> (all: Set<String>, required: Set<String>) {
        let rows: [[String?]]
        switch backing {
        case .sqlite:
            rows = try query(
                #"SELECT name, CASE WHEN "notnull" = 1 AND dflt_value IS NULL THEN 1 ELSE 0 END FROM pragma_table_info(?)"#,
                [.text(table)])
        case .postgres:
            rows = try query(
                """
                SELECT column_name::text, CASE WHEN is_nullable = 'NO' AND column_default IS NULL THEN 1 ELSE 0 END
                FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
                """, [.text(table)])
        }
        guard !rows.isEmpty else {
            throw SyncError(
                .configuration,
                "demo: table \(table) does not exist on the \(role) side; the plugin that provides it did not load (`tandem plugins list`)")
        }
        return (Set(rows.compactMap { $0[0] }), Set(rows.filter { $0[1] == "1" }.compactMap { $0[0] }))
    }

    /// Runs `statements` in one transaction; returns the change-log numbers of the changes it
    /// made (capture logs them in the same transaction).
    @discardableResult
    func transaction(_ statements: [DemoStatement]) throws -> [Int64] {
        switch backing {
        case .sqlite(let queue):
            return try queue.write { db -> [Int64] in
                let before = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM _tandem_changes") ?? 0
                for statement in statements {
                    try db.execute(sql: statement.sql, arguments: StatementArguments(statement.arguments.map(\.databaseValue)))
                }
                return try Int64.fetchAll(db, sql: "SELECT seq FROM _tandem_changes WHERE seq > ?", arguments: [before])
            }
        case .postgres(_, let session):
            return try BlockingAwait.run {
                _ = try await session.query("BEGIN")
                do {
                    for statement in statements {
                        let (text, parameters) = Self.numbered(statement.sql, statement.arguments)
                        _ = try await session.query(text, parameters)
                    }
                    // Writers run at once on a server: this transaction's own changes are those it created.
                    let seqs = try await session.query(
                        "SELECT seq::text FROM _tandem_changes WHERE xmin = pg_current_xact_id()::xid ORDER BY seq"
                    ).compactMap { $0[0].flatMap(Int64.init) }
                    _ = try await session.query("COMMIT")
                    return seqs
                } catch {
                    if !session.isClosed { _ = try? await session.query("ROLLBACK") }
                    throw error
                }
            }
        }
    }

    /// Copies every row of `table` in the SQLite database `db` into this side's table of the
    /// same name (the sample data, written once to a scratch file): COPY on PostgreSQL.
    func load(table: String, from db: Database) throws -> Int {
        let names = try db.columns(in: table).map(\.name)
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
        guard !rows.isEmpty else { return 0 }
        switch backing {
        case .sqlite(let queue):
            let placeholders = names.map { _ in "?" }.joined(separator: ", ")
            let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
            try queue.write { target in
                let statement = try target.makeStatement(sql: "INSERT INTO \"\(table)\" (\(list)) VALUES (\(placeholders))")
                for row in rows { try statement.execute(arguments: StatementArguments(row.databaseValues)) }
            }
        case .postgres(let endpoint, let session):
            var text = ""
            for row in rows {
                text += row.databaseValues.map { PostgreSQLSession.copyField(Self.text(SideValue($0))) }.joined(separator: "\t")
                text += "\n"
            }
            let schema = endpoint.config.schema
            let copied = text
            try BlockingAwait.run {
                try await session.copyIn(schema: schema, table: table, columns: names, text: copied)
            }
        }
        return rows.count
    }

    /// The stored checkpoint of `map` reading `source`, on this side; nil before the first.
    func checkpoint(map: String, source: SideRole) throws -> Int64? {
        try query("SELECT seq FROM _tandem_checkpoints WHERE map = ? AND source = ?", [.text(map), .text(source.rawValue)])
            .first?[0].flatMap(Int64.init)
    }

    /// How many application changes of `table` this side logged after `seq`.
    func applicationChanges(table: String, after seq: Int64) throws -> Int {
        try query(
            "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = ? AND origin IS NULL AND seq > ?", [.text(table), .integer(seq)]
        ).first?[0].flatMap(Int.init) ?? 0
    }

    /// `sql` with its `?` numbered `$1…` (none of the demo's statements has a `?` in a string),
    /// and `arguments` as PostgreSQL's text.
    private static func numbered(_ sql: String, _ arguments: [SideValue]) -> (String, [String?]) {
        var text = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        return (text, arguments.map(Self.text))
    }

    /// A value as PostgreSQL reads it from text (bytea as `\x` hex).
    private static func text(_ value: SideValue) -> String? {
        switch value {
        case .null: nil
        case .integer(let integer): String(integer)
        case .real(let real): "\(real)"
        case .text(let text): text
        case .blob(let data): "\\x" + PostgreSQLValue.hex(Array(data))
        }
    }

    /// `text` as an SQL string literal.
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// One statement of a ``DemoApplication`` transaction.
struct DemoStatement {
    /// The SQL, names double-quoted, values as `?`.
    var sql: String
    /// The values, in order.
    var arguments: [SideValue] = []
}
