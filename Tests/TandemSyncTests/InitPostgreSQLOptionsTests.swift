import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// `tandem init`'s PostgreSQL options, as an admin types them: mistakes are
/// said of the flag typed (not of a tandem.yaml that a failed init never
/// leaves), and two sides in one database each get a schema of their own.
@Suite("init with PostgreSQL sides: options and their mistakes")
struct InitPostgreSQLOptionsTests {
    /// Runs `tandem init DIR ARGS` with the bundled plugins.
    static func initEnvironment(_ directory: String, _ arguments: [String]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try Fixtures.run(
            Fixtures.tandemExecutable, ["init", directory, "--map", "sample.notes"] + arguments,
            environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
    }

    @Test(
        "Mistakes in the PostgreSQL options are refused before anything is written, naming the flag",
        arguments: [
            (
                ["--erp", "postgresql://tandem:Sesame-42@127.0.0.1:1/tandem"],
                "--erp postgresql://tandem:***@127.0.0.1:1/tandem: the url holds a password; give it with --password-file"
            ),
            (
                ["--erp", "postgresql://tandem@db/apps", "--crm", "postgresql://tandem@db/apps"],
                "--erp and --crm name the same database and schema (public); give each side its own, e.g. --erp-schema"
            ),
            (
                ["--erp", "postgresql://tandem@db/apps", "--crm", "postgresql://tandem@db/apps", "--schema", "s"],
                "--erp and --crm name the same database and schema (s)"
            ),
            (["--erp", "postgresql://tandem@db/apps", "--crm-schema", "crm"], "--crm-schema is for a PostgreSQL crm side: add --crm URL"),
            (["--erp-schema", "erp"], "are for a PostgreSQL side: add --erp URL or --crm URL"),
        ])
    func mistakes(arguments: [String], expected: String) throws {
        let directory = try Fixtures.temporaryDirectory("init-pg-options") + "/env"
        let result = try Self.initEnvironment(directory, arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("Sesame-42"), "the password is repeated: \(result.stderr)")
        #expect(!result.stderr.contains("tandem.yaml"), "a file that does not exist is named: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test(
        "A server that is not up: the error says 'connection refused' in plain words, not NIO's nested dump",
        .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
    func notReachable() throws {
        // Port 1 (tcpmux): reserved, and nothing listens on it here.
        let port = 1
        let directory = try Fixtures.temporaryDirectory("init-pg-down") + "/env"
        let result = try Self.initEnvironment(directory, ["--erp", "postgresql://tandem@127.0.0.1:\(port)/tandem"])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("PostgreSQL at 127.0.0.1:\(port) (database tandem, user tandem) is not reachable: "
                + "connection refused. Start the server"), "\(result.stderr)")
        #expect(!result.stderr.contains("SingleConnectionFailure"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/tandem.yaml"))
    }

    @Test(
        "Both sides in one database, each in its own schema (--erp-schema, --crm-schema): a write lands in both",
        .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
    func oneDatabaseTwoSchemas() async throws {
        let url = try PostgreSQLTestServer.requireURL()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (erpSchema, crmSchema) = ("erp_\(suffix)", "crm_\(suffix)")
        let admin = PostgreSQLEndpoint(config: try PostgreSQLSideConfig(url: url), readerName: "init-options-test")
        let session = try await admin.openSession()
        _ = try await session.query("CREATE SCHEMA \(erpSchema)")
        _ = try await session.query("CREATE SCHEMA \(crmSchema)")
        do {
            try await Self.writeThroughBothSchemas(url: url, erpSchema: erpSchema, crmSchema: crmSchema, session: session)
        } catch {
            _ = try? await session.query("DROP SCHEMA \(erpSchema), \(crmSchema) CASCADE")
            _ = await session.close()
            await admin.close()
            throw error
        }
        _ = try await session.query("DROP SCHEMA \(erpSchema), \(crmSchema) CASCADE")
        _ = await session.close()
        await admin.close()
    }

    /// The body of ``oneDatabaseTwoSchemas()``, in schemas made (and dropped) by it.
    static func writeThroughBothSchemas(
        url: String, erpSchema: String, crmSchema: String, session: PostgreSQLSession
    ) async throws {
        let directory = try Fixtures.temporaryDirectory("init-pg-schemas") + "/env"
        let created = try Self.initEnvironment(
            directory, ["--erp", url, "--crm", url, "--erp-schema", erpSchema, "--crm-schema", crmSchema])
        #expect(created.status == 0, "\(created.stderr)")
        let config = try String(contentsOfFile: directory + "/tandem.yaml", encoding: .utf8)
        #expect(config.contains("schema: \(erpSchema)") && config.contains("schema: \(crmSchema)"), "\(config)")

        let started = try await Fixtures.run(
            Fixtures.tandemExecutable, ["maps", "run", "sample.notes", "--env", directory],
            environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
        #expect(started.status == 0, "\(started.stderr)")
        let written = try await Fixtures.run(
            Fixtures.tandemExecutable,
            ["write", "erp", "Notes", #"{"NOTEID": 7, "TEXT": "één schema elk"}"#, "--env", directory],
            environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
        #expect(written.status == 0, "\(written.stderr)")
        let erp = try await session.query(#"SELECT "TEXT" FROM \#(erpSchema)."Notes" WHERE "NOTEID" = 7"#)
        let crm = try await session.query("SELECT notetext FROM \(crmSchema).annotation WHERE annotationid = 7")
        #expect(erp.map { $0.first ?? nil } == ["één schema elk"])
        #expect(crm.map { $0.first ?? nil } == ["één schema elk"])
    }
}
