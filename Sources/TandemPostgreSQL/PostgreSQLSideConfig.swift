import Foundation

/// Where a PostgreSQL side is and how to log in: `url`, `schema` and
/// `password_file` from `tandem.yaml`, the password from that file or from
/// `PGPASSWORD`.
///
/// The password is kept out of ``description`` and out of every error: it is
/// read when the endpoint connects and is never written back anywhere.
public struct PostgreSQLSideConfig: Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's TCP port (5432 when the url names none).
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The database holding the side's tables.
    public var database: String
    /// The schema holding the side's tables and Tandem's own `_tandem_*` objects.
    public var schema: String
    /// A file whose first line is the password; `PGPASSWORD` is used when nil.
    public var passwordFile: String?
    /// The password from the environment, read once at init so that tests can set it per config.
    let environmentPassword: String?

    /// Reads `postgresql://USER@HOST:PORT/DB` (or `postgres://`); `environment` (this process's when
    /// nil) supplies `PGPASSWORD`.
    ///
    /// A password written into the url is refused: `tandem.yaml` is shared and
    /// versioned, so the password belongs in `password_file` or `PGPASSWORD`.
    public init(
        url: String,
        schema: String = "public",
        passwordFile: String? = nil,
        environment: [String: String]? = nil
    ) throws(PostgreSQLError) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, scheme == "postgresql" || scheme == "postgres"
        else {
            throw PostgreSQLError(
                .badConfig,
                "url: '\(Self.redacted(url))' is not a PostgreSQL url; write postgresql://USER@HOST:PORT/DATABASE")
        }
        if components.password != nil {
            throw PostgreSQLError(
                .badConfig,
                "url: \(Self.redacted(url)) holds a password; remove it from the url and put it in "
                    + "password_file: or the PGPASSWORD environment variable")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgreSQLError(.badConfig, "url: \(url) names no host; write postgresql://USER@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgreSQLError(.badConfig, "url: \(url) names no user; write postgresql://USER@HOST:PORT/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw PostgreSQLError(
                .badConfig, "url: \(url) names no database; write postgresql://USER@HOST:PORT/DATABASE")
        }
        guard !schema.isEmpty else {
            throw PostgreSQLError(.badConfig, "schema: is empty; leave it out for 'public' or name a schema")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.database = database
        self.schema = schema
        self.passwordFile = passwordFile
        self.environmentPassword = (environment ?? ProcessInfo.processInfo.environment)["PGPASSWORD"]
    }

    /// The url without any password, for messages.
    public var url: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// The url and schema; never the password.
    public var description: String { schema == "public" ? url : "\(url) (schema \(schema))" }

    /// The password to log in with: `password_file`'s first line, else `PGPASSWORD`, else none.
    func password() throws(PostgreSQLError) -> String? {
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile),
                let text = String(data: data, encoding: .utf8)
            else {
                throw PostgreSQLError(
                    .badConfig,
                    "password_file: \(passwordFile) cannot be read; create it with the password of user "
                        + "\(user) for \(url) on its first line, readable by this process")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        return environmentPassword
    }

    /// `url` with anything between `://` and `@` cut, so a refused url's password is not repeated.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@") else {
            return url
        }
        let userInfo = url[schemeEnd.upperBound..<at]
        // No password in it: nothing to hide, and `:***` would say there was one.
        guard userInfo.contains(":") else { return url }
        let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return url[..<schemeEnd.upperBound] + user + ":***" + url[at...]
    }
}
