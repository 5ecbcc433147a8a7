import Foundation

/// The rule every PostgreSQL suite follows, in one place: the server is
/// `TANDEM_TEST_POSTGRES_URL` (and `PGPASSWORD`), as
/// `scripts/with-postgres.sh` sets them. Without the variable the suites
/// are skipped with ``skipReason``, except in CI (`CI=true`), where they run
/// and fail with ``missingInCI``: a CI run that skipped every PostgreSQL
/// test would look green and test nothing.
public enum PostgreSQLTestEnvironment {
    /// The test server's url, when one is named.
    public static let url = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES_URL"]
    /// Its password, when one is given.
    public static let password = ProcessInfo.processInfo.environment["PGPASSWORD"]
    /// Whether this is a CI run.
    public static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether the suites run: a server is named, or CI requires one.
    public static let enabled = url != nil || inCI
    /// Why they are skipped otherwise.
    public static let skipReason =
        "TANDEM_TEST_POSTGRES_URL is unset: PostgreSQL tests skipped (run scripts/with-postgres.sh swift test)"
    /// The failure of a CI run without a server.
    public static let missingInCI =
        "TANDEM_TEST_POSTGRES_URL is unset in CI: .ci/run must start PostgreSQL (scripts/with-postgres.sh swift test)"
}
