import TandemPostgreSQL

/// The checks of the command-line options that put a side on PostgreSQL
/// (`--erp URL`, `--crm URL`, `--schema`, `--password-file`), shared by the
/// commands that take them (`demo`, `bench`): each mistake is said of the
/// option that made it, before anything is made.
package enum PostgreSQLSideOptions {
    /// Throws, naming the option, when a url is not a PostgreSQL one or
    /// cannot be used (a password in it), or when `--schema` or
    /// `--password-file` come without a PostgreSQL side.
    package static func check(erp: String?, crm: String?, schema: String?, passwordFile: String?) throws {
        for (option, url) in [("--erp", erp), ("--crm", crm)] {
            guard let url else { continue }
            guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
                throw SyncError(.configuration, "\(option) \(url): give a PostgreSQL url, postgresql://USER@HOST:PORT/DATABASE")
            }
            do {
                _ = try PostgreSQLSideConfig(url: url, passwordFile: passwordFile)
            } catch {
                throw SyncError(.configuration, "\(option): \(error.message)")
            }
        }
        if erp == nil, crm == nil, schema != nil || passwordFile != nil {
            throw SyncError(.configuration, "--schema and --password-file are for a PostgreSQL side: add --erp URL or --crm URL")
        }
    }
}
