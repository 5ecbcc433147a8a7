import Foundation
import Logging
import PostgresNIO
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// The PostgreSQL server the tests run against, by the rule of
/// ``PostgreSQLTestEnvironment`` (shared with the engine's tests).
enum TestServer {
    static let url = PostgreSQLTestEnvironment.url
    static let password = PostgreSQLTestEnvironment.password
    static let inCI = PostgreSQLTestEnvironment.inCI
    /// Whether the suites run: a server is named, or CI requires one.
    static let enabled = PostgreSQLTestEnvironment.enabled
    static let skipReason = Comment(rawValue: PostgreSQLTestEnvironment.skipReason)

    static func requireURL() throws -> String {
        guard let url else { throw PostgreSQLError(.badConfig, PostgreSQLTestEnvironment.missingInCI) }
        return url
    }

    static let logger = Logger(label: "tandem.postgresql.tests")
    nonisolated(unsafe) static var connectionID = 1000

    /// A plain postgres-nio connection: the "application" that writes the side's tables.
    static func connect() async throws -> PostgresConnection {
        let config = try PostgreSQLSideConfig(url: try requireURL())
        var configuration = PostgresConnection.Configuration(
            host: config.host, port: config.port, username: config.user, password: password,
            database: config.database, tls: .disable)
        configuration.options.additionalStartupParameters = [("application_name", "tandem-test-app")]
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }
}

/// One test's own schema in the test database, dropped at the end: tests run in parallel
/// without seeing each other's tables, change logs or notifications.
struct TestSchema: Sendable {
    let name: String
    let app: PostgresConnection

    /// Runs `body` with a fresh schema and an application connection; always cleans up.
    static func with<T>(_ body: (TestSchema) async throws -> T) async throws -> T {
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let app = try await TestServer.connect()
        let schema = TestSchema(name: name, app: app)
        do {
            try await app.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(name)"), logger: TestServer.logger)
            try await app.query(PostgresQuery(unsafeSQL: "SET search_path TO \(name)"), logger: TestServer.logger)
            let result = try await body(schema)
            try await schema.exec("DROP SCHEMA \(name) CASCADE")
            try await app.close()
            return result
        } catch {
            try? await schema.exec("DROP SCHEMA \(name) CASCADE")
            try? await app.close()
            throw error
        }
    }

    func config(url: String? = nil) throws -> PostgreSQLSideConfig {
        try PostgreSQLSideConfig(url: url ?? TestServer.requireURL(), schema: name)
    }

    /// An endpoint on this schema; `body` runs with it and it is always closed after.
    func withEndpoint<T>(reader: String = "reader", _ body: (PostgreSQLEndpoint) async throws -> T) async throws -> T {
        let endpoint = PostgreSQLEndpoint(config: try config(), readerName: reader)
        do {
            let result = try await body(endpoint)
            await endpoint.close()
            return result
        } catch {
            await endpoint.close()
            throw error
        }
    }

    /// Runs one SQL statement as the application (its search_path is the schema).
    func exec(_ sql: String) async throws {
        try await app.query(PostgresQuery(unsafeSQL: sql), logger: TestServer.logger)
    }

    /// The rows of a query as text (NULL as nil), for comparisons.
    func rows(_ sql: String) async throws -> [[String?]] {
        var result: [[String?]] = []
        for try await row in try await app.query(PostgresQuery(unsafeSQL: sql), logger: TestServer.logger) {
            result.append(try row.map { try $0.decode(String?.self) })
        }
        return result
    }
}

/// Runs `psql` (the command-line client, another process) with `sql` against the test database.
///
/// Waits for the process without holding a thread: the whole package's tests share two
/// cooperative threads on the reference machine.
@discardableResult
func psql(_ sql: String, schema: String) async throws -> String {
    let process = Process()
    let candidates = ["/usr/bin/psql", "/usr/local/bin/psql"]
    process.executableURL = URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql")
    process.arguments = [try TestServer.requireURL(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", "SET search_path TO \(schema); \(sql)"]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        process.terminationHandler = { _ in continuation.resume() }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    // psql has exited: its (small) output is all in the pipes.
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    if process.terminationStatus != 0 {
        throw PostgreSQLError(.server, "psql failed: " + String(decoding: errors, as: UTF8.self))
    }
    return String(decoding: output, as: UTF8.self)
}
