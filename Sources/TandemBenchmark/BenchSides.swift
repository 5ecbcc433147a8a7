import Foundation
package import TandemEngine
import TandemPostgreSQL

/// Which sides a benchmark's environments use: SQLite files (the default),
/// or a PostgreSQL database for the ERP side, the CRM side or both
/// (`tandem bench ... --erp URL --crm URL`).
///
/// Every environment a benchmark creates gets schemas of its own,
/// `<schema>_<environment>_<side>`, dropped and created afresh, so that
/// runs never meet each other's change logs and both sides may name one
/// database.
package struct BenchSides: Sendable {
    /// The ERP side's database url, nil for a SQLite file.
    package var erp: String?
    /// The CRM side's database url, nil for a SQLite file.
    package var crm: String?
    /// The prefix of the schemas the benchmark creates.
    package var schema = "tandem_bench"
    /// A file whose first line is the password (`PGPASSWORD` when nil).
    package var passwordFile: String?

    /// Both sides SQLite files.
    package init() {}

    /// Sides as the CLI's `--erp`, `--crm`, `--schema` and `--password-file` give them; a url
    /// that is not a PostgreSQL one is refused here, with the option that named it.
    package init(erp: String?, crm: String?, schema: String?, passwordFile: String?) throws {
        try PostgreSQLSideOptions.check(erp: erp, crm: crm, schema: schema, passwordFile: passwordFile)
        self.erp = erp
        self.crm = crm
        if let schema { self.schema = schema }
        self.passwordFile = passwordFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    /// Whether both sides are SQLite files.
    package var allSQLite: Bool { erp == nil && crm == nil }

    /// The url of `role`'s side, nil for SQLite.
    package func url(_ role: SideRole) -> String? { role == .erp ? erp : crm }

    /// "SQLite" or "PostgreSQL", for reports.
    package func kind(_ role: SideRole) -> String { url(role) == nil ? "SQLite" : "PostgreSQL" }

    /// The sides of the environment called `name`: nil when both are SQLite (the template's
    /// files); otherwise fresh, empty schemas are made for the PostgreSQL ones.
    func configs(for name: String) throws -> [SideRole: SideConfig]? {
        guard !allSQLite else { return nil }
        var result = ConfigTemplate.defaultSides
        for role in SideRole.allCases {
            guard let url = url(role) else { continue }
            let schema = "\(self.schema)_\(name)_\(role.rawValue)".lowercased()
            try execute(url: url, [
                "DROP SCHEMA IF EXISTS \(PostgreSQLSQL.identifier(schema)) CASCADE",
                "CREATE SCHEMA \(PostgreSQLSQL.identifier(schema))",
            ])
            result[role] = SideConfig(name: result[role]!.name, url: url, schema: schema, passwordFile: passwordFile)
        }
        return result
    }

    /// Runs `statements` on the database at `url`, each on its own.
    func execute(url: String, _ statements: [String]) throws {
        let config = try PostgreSQLSideConfig(url: url, passwordFile: passwordFile)
        try BlockingAwait.run {
            try await PostgreSQLEndpoint.withOneOffSession(config: config) { session in
                for statement in statements { _ = try await session.query(statement) }
            }
        }
    }
}
