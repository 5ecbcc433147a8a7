import Foundation
import GRDB
import Logging
import TandemPostgreSQL

@testable import TandemEngine

/// One side of a dialect for the endpoint contract (``SideEndpointContract``):
/// a real SQLite file or a schema of its own on the PostgreSQL test server,
/// with its tables, capture installed, and a second connection that writes
/// as an application does.
///
/// `@unchecked Sendable`: a test uses its side from one place at a time (it
/// awaits each ``call(_:)`` before the next), so the endpoint is never used
/// from two threads at once.
final class ContractSide: @unchecked Sendable {
    /// The database a side runs on.
    enum Dialect: String, Sendable, CustomStringConvertible {
        case sqlite, postgresql
        /// The dialect's name, in test output.
        var description: String { rawValue }
    }

    /// The side's dialect.
    let dialect: Dialect
    /// The side behind the interface under test.
    let endpoint: any SideEndpoint
    private let sqliteApplication: DatabaseQueue?
    private let folder: URL?
    private let postgresApplication: PostgreSQLSession?
    private let postgresAdmin: PostgreSQLEndpoint?

    /// A side of `dialect`, with the application's connection to it.
    private init(
        dialect: Dialect, endpoint: any SideEndpoint, sqliteApplication: DatabaseQueue? = nil, folder: URL? = nil,
        postgresApplication: PostgreSQLSession? = nil, postgresAdmin: PostgreSQLEndpoint? = nil
    ) {
        self.dialect = dialect
        self.endpoint = endpoint
        self.sqliteApplication = sqliteApplication
        self.folder = folder
        self.postgresApplication = postgresApplication
        self.postgresAdmin = postgresAdmin
    }

    /// Runs `body` with a new side of `dialect` holding the tables `ddl` creates, with capture
    /// installed on `captured`; the side is removed afterwards, also when `body` throws.
    static func with(
        _ dialect: Dialect, ddl: (Dialect) -> [String], captured: [(name: String, key: [String])],
        _ body: (ContractSide) async throws -> Void
    ) async throws {
        let side: ContractSide
        switch dialect {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("crm.sqlite").path
            let database = try SideDatabase(role: .crm, path: path, create: true)
            let application = try DatabaseQueue(path: path)
            let statements = ddl(dialect)
            try await application.write { db in
                for statement in statements { try db.execute(sql: statement) }
            }
            side = ContractSide(dialect: dialect, endpoint: database, sqliteApplication: application, folder: folder)
        case .postgresql:
            let url = try PostgreSQLTestServer.requireURL()
            let schema = "c_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
            let admin = PostgreSQLEndpoint(config: try PostgreSQLSideConfig(url: url), readerName: "contract-admin")
            let application: PostgreSQLSession
            do {
                application = try await admin.openSession()
            } catch {
                await admin.close()
                throw error
            }
            side = ContractSide(
                dialect: dialect,
                endpoint: PostgreSQLSide(
                    role: .crm, config: try PostgreSQLSideConfig(url: url, schema: schema),
                    logger: Logger(label: "tandem.contract")),
                postgresApplication: application, postgresAdmin: admin)
            do {
                _ = try await application.query("CREATE SCHEMA \(schema)")
                // The application's statements name tables unqualified, as an application's do.
                _ = try await application.query("SET search_path TO \(schema)")
                for statement in ddl(dialect) { _ = try await application.query(statement) }
            } catch {
                await side.remove(schema: schema)
                throw error
            }
            do {
                try await side.call { try $0.installCapture(captured) }
                try await body(side)
            } catch {
                await side.remove(schema: schema)
                throw error
            }
            await side.remove(schema: schema)
            return
        }
        do {
            try await side.call { try $0.installCapture(captured) }
            try await body(side)
        } catch {
            side.removeFolder()
            throw error
        }
        side.removeFolder()
    }

    /// Removes the SQLite side's folder.
    private func removeFolder() {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// Closes the PostgreSQL side's connections and drops its schema.
    private func remove(schema: String) async {
        try? await call { endpoint in (endpoint as? PostgreSQLSide)?.close() }
        _ = try? await postgresApplication?.query("DROP SCHEMA \(schema) CASCADE")
        await postgresApplication?.close()
        await postgresAdmin?.close()
    }

    /// Runs `body` with the endpoint on a thread of its own: the PostgreSQL side blocks its
    /// caller until the server answers, which must not happen on Swift's cooperative threads
    /// (see `BlockingAwait`); the engine calls it from its own threads the same way.
    func call<T: Sendable>(_ body: @escaping @Sendable (any SideEndpoint) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { [self] in continuation.resume(with: Result { try body(endpoint) }) }
            thread.start()
        }
    }

    /// A value the test hands to ``call(_:)``'s thread (a plan): `@unchecked Sendable` because the
    /// test waits for that thread before it touches the value again.
    struct Carried<Value>: @unchecked Sendable {
        /// The value.
        let value: Value
    }

    /// Runs `sql` as an application: on another connection, with no mark of Tandem's.
    func exec(_ sql: String) async throws {
        if let sqliteApplication {
            try await sqliteApplication.write { db in try db.execute(sql: sql) }
        } else if let postgresApplication {
            _ = try await postgresApplication.query(sql)
        }
    }

    /// The PostgreSQL side's schema (nil for a SQLite side).
    var schema: String? { (endpoint as? PostgreSQLSide)?.endpoint.config.schema }

    /// The rows of `sql` as the application reads them, as text (PostgreSQL sides only).
    func rows(_ sql: String) async throws -> [[String?]] {
        try await postgresApplication?.query(sql) ?? []
    }

    /// `value` as a literal of the side's SQL (no text with a NUL byte: neither SQL has one).
    func literal(_ value: SideValue) -> String {
        switch (dialect, value) {
        case (.sqlite, _): return SQLLiteral.quote(value)
        case (.postgresql, .null): return "NULL"
        case (.postgresql, .integer(let integer)): return String(integer)
        case (.postgresql, .real(let real)): return "'\(real)'::float8"
        case (.postgresql, .text(let text)): return PostgreSQLSQL.literal(text)
        case (.postgresql, .blob(let data)): return "'\\x" + data.map { String(format: "%02x", $0) }.joined() + "'::bytea"
        }
    }
}
