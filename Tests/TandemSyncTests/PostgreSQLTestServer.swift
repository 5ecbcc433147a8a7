import TandemPostgreSQL
import TandemTestSupport
import Testing

/// The PostgreSQL server that the engine's PostgreSQL-side tests run
/// against, by the rule of ``PostgreSQLTestEnvironment`` (shared with the
/// endpoint library's tests).
enum PostgreSQLTestServer {
    /// The test server's url, when one is named.
    static let url = PostgreSQLTestEnvironment.url
    /// Whether the suites run: a server is named, or CI requires one.
    static let enabled = PostgreSQLTestEnvironment.enabled
    /// Why they are skipped otherwise.
    static let skipReason = Comment(rawValue: PostgreSQLTestEnvironment.skipReason)

    /// The url, or the error that fails a CI run without a server.
    static func requireURL() throws -> String {
        guard let url else { throw PostgreSQLError(.badConfig, PostgreSQLTestEnvironment.missingInCI) }
        return url
    }
}
