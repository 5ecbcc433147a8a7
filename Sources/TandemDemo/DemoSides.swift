import Foundation
package import TandemEngine
import TandemPostgreSQL

/// Where `tandem demo` puts its sides: SQLite files in the demo's folder
/// (the default), or, with `--erp URL` / `--crm URL`, a schema of its own
/// on a PostgreSQL database, `<schema>_erp` or `<schema>_crm`, made by the
/// demo. A schema that exists already is refused: the demo writes sample
/// data, and never into tables someone else may own.
package struct DemoSides: Sendable, CustomStringConvertible {
    /// The ERP side's database url, nil for a SQLite file.
    package let erp: String?
    /// The CRM side's database url, nil for a SQLite file.
    package let crm: String?
    /// The prefix of the schemas made.
    package let schema: String
    /// A file whose first line is the password (`PGPASSWORD` when nil).
    package let passwordFile: String?

    /// The sides the CLI's options name; a url that is not a PostgreSQL one is refused with its option.
    package init(erp: String?, crm: String?, schema: String?, passwordFile: String?) throws {
        try PostgreSQLSideOptions.check(erp: erp, crm: crm, schema: schema, passwordFile: passwordFile)
        if let schema, schema.isEmpty || !schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw SyncError(.configuration, "--schema \(schema): use letters, digits and _ only")
        }
        self.erp = erp
        self.crm = crm
        self.schema = (schema ?? "tandem_demo").lowercased()
        self.passwordFile = passwordFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    /// "two SQLite sides", or where each side is.
    package var description: String {
        if erp == nil, crm == nil { return "two SQLite sides" }
        return SideRole.allCases.map { role in
            url(role) == nil ? "\(role) on SQLite" : "\(role) on PostgreSQL (schema \(schemaName(role)))"
        }.joined(separator: ", ")
    }

    /// How to look at the CRM side's rows when it is on PostgreSQL (nil: a
    /// SQLite file, for which the summary names `sqlite3`).
    package var lookCommand: String? {
        guard let crm else { return nil }
        return "psql \(crm) -c 'SELECT * FROM \(schemaName(.crm)).msdyn_postaladdress LIMIT 5'"
    }

    /// The url of `role`'s side, nil for SQLite.
    func url(_ role: SideRole) -> String? { role == .erp ? erp : crm }

    /// The schema made for `role`'s side.
    func schemaName(_ role: SideRole) -> String { "\(schema)_\(role.rawValue)" }

    /// The environment's sides, nil when both are SQLite (the default files); the PostgreSQL
    /// sides' schemas are made here, and one that exists already is refused.
    package func configs() throws -> [SideRole: SideConfig]? {
        guard erp != nil || crm != nil else { return nil }
        var result = ConfigTemplate.defaultSides
        for role in SideRole.allCases {
            guard let url = url(role) else { continue }
            let name = schemaName(role)
            let config = try PostgreSQLSideConfig(url: url, passwordFile: passwordFile)
            try BlockingAwait.run {
                try await PostgreSQLEndpoint.withOneOffSession(config: config, readerName: "tandem-demo") { session in
                    let found = try await session.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [name])
                    guard found.isEmpty else {
                        throw SyncError(
                            .configuration,
                            "schema \(name) exists already on \(config.description); the demo makes its own: "
                                + "drop it (DROP SCHEMA \(name) CASCADE) or name another prefix with --schema")
                    }
                    _ = try await session.query("CREATE SCHEMA \(PostgreSQLSQL.identifier(name))")
                }
            }
            result[role] = SideConfig(name: result[role]!.name, url: url, schema: name, passwordFile: passwordFile)
        }
        return result
    }
}
