import Foundation
import TandemPostgreSQL
import Testing

/// The PostgreSQL server that the engine's PostgreSQL-side tests run
/// against: `TANDEM_TEST_POSTGRES_URL` (and `PGPASSWORD`), as
/// `scripts/with-postgres.sh` sets them; the same rule as the endpoint
/// library's tests (Tests/TandemPostgreSQLTests/TestServer.swift).
///
/// Without the variable those suites are skipped with that reason, except in
/// CI (`CI=true`), where they run and fail: a CI run that skipped every
/// PostgreSQL test would look green and test nothing.
enum PostgreSQLTestServer {
    /// The test server's url, when one is named.
    static let url = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES_URL"]
    /// Whether this is a CI run.
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether the suites run: a server is named, or CI requires one.
    static let enabled = url != nil || inCI
    /// Why they are skipped otherwise.
    static let skipReason: Comment =
        "TANDEM_TEST_POSTGRES_URL is unset: PostgreSQL tests skipped (run scripts/with-postgres.sh swift test)"

    /// The url, or the error that fails a CI run without a server.
    static func requireURL() throws -> String {
        guard let url else {
            throw PostgreSQLError(
                .badConfig,
                "TANDEM_TEST_POSTGRES_URL is unset in CI: .ci/run must start PostgreSQL "
                    + "(scripts/with-postgres.sh swift test)")
        }
        return url
    }
}
