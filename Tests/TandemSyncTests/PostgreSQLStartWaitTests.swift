import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// A PostgreSQL side whose server is down when `tandem run` starts: the
/// engine waits for it with backoff instead of exiting, `tandem status`
/// says why (and still works), and once the server answers the engine
/// starts and syncs. The server "comes back" through a forwarder
/// (`Tests/Fixtures/tcp_forward.py`), so the shared test server is never
/// stopped under the other suites.
@Suite(
    "PostgreSQL side down at start: the engine waits", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason), .timeLimit(.minutes(20)))
struct PostgreSQLStartWaitTests {
    /// A loopback port nothing listens on (the kernel's choice, released).
    static func freePort() throws -> Int {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [
            "python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ]
        let out = Pipe()
        probe.standardOutput = out
        try probe.run()
        probe.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// `tandem status --env` as JSON.
    static func status(_ fixture: SyncFixture) throws -> [String: Any] {
        let result = try fixture.tandem(["status", "--env", fixture.directory, "--json"])
        guard result.status == 0 else { throw FixtureError("status failed: \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("Started while the server is down: status shows the side and the open incident; the server back, the engine starts and syncs")
    func waitsForTheServer() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "pg-start-wait", maps: ["sample.notes"], initArguments: ["--erp", url, "--schema", schema])
            #expect(try await fixture.tandem(["maps", "run", "sample.notes", "--env", fixture.directory]).status == 0)
            // The side now names a port where nothing answers yet.
            let realPort = try #require(url.split(separator: ":").last?.split(separator: "/").first.map(String.init))
            let port = try Self.freePort()
            let config = fixture.directory + "/tandem.yaml"
            let text = try String(contentsOfFile: config, encoding: .utf8)
            #expect(text.contains("127.0.0.1:\(realPort)/"))
            try text.replacingOccurrences(of: "127.0.0.1:\(realPort)/", with: "127.0.0.1:\(port)/")
                .write(toFile: config, atomically: true, encoding: .utf8)

            let engine = Process()
            engine.executableURL = URL(fileURLWithPath: Fixtures.tandemExecutable)
            engine.arguments = ["run", "--env", fixture.directory]
            engine.environment = ProcessInfo.processInfo.environment.merging(["TANDEM_BUNDLED_PLUGINS": fixture.bundled]) { $1 }
            let log = fixture.directory + "/engine.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            engine.standardOutput = handle
            engine.standardError = handle
            try engine.run()
            defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }

            // Waiting: the incident is open and the side is named as unreadable, and the engine lives on.
            try await waitUntil {
                let report = try Self.status(fixture)
                return !(report["incidents"] as? [Any] ?? []).isEmpty
            }
            try await Task.sleep(for: .seconds(2))
            #expect(engine.isRunning, "the engine exited instead of waiting: \(fixture.engineLog)")
            let shown = try await fixture.tandem(["status", "--env", fixture.directory])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains("erp side    cannot be read now: PostgreSQL at 127.0.0.1:\(port)"), "\(shown.stdout)")
            #expect(shown.stdout.contains("is not reachable: connection refused"), "\(shown.stdout)")
            #expect(shown.stdout.contains("the engine waits for it, retrying with backoff"), "\(shown.stdout)")
            // Unknown figures are shown as unknown, not as an empty queue.
            #expect(shown.stdout.contains("erp-to-crm  ?"), "\(shown.stdout)")
            // The error list works too (in JSON: the table wraps the reason), with the incident in it.
            let errors = try await fixture.tandem(["errors", "list", "--env", fixture.directory, "--json"])
            #expect(errors.status == 0, "\(errors.stderr)")
            #expect(errors.stdout.contains("is not reachable: connection refused"), "\(errors.stdout)")
            #expect(errors.stderr.contains("the erp side's parked changes are not shown: PostgreSQL at"), "\(errors.stderr)")
            let conflicts = try await fixture.tandem(["conflicts", "list", "--env", fixture.directory])
            #expect(conflicts.status == 0, "\(conflicts.stderr)")
            #expect(conflicts.stdout.contains("no conflicts recorded"), "\(conflicts.stdout)")
            #expect(conflicts.stderr.contains("the erp side's conflicts are not shown: PostgreSQL at"), "\(conflicts.stderr)")
            #expect(fixture.engineLog.contains("cannot start yet: PostgreSQL at 127.0.0.1:\(port)"), "\(fixture.engineLog)")

            // A row written while the engine waited, then the server "comes back".
            _ = try await server.query(#"INSERT INTO "Notes" ("NOTEID", "TEXT") VALUES (1, 'written while the engine waited')"#)
            let forwarder = Process()
            forwarder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            forwarder.arguments = [
                "python3", Fixtures.repositoryRoot + "/Tests/Fixtures/tcp_forward.py", String(port), realPort,
            ]
            forwarder.standardOutput = FileHandle.nullDevice
            try forwarder.run()
            defer { kill(forwarder.processIdentifier, SIGKILL) }
            try await waitUntil {
                try SideReader.rows(fixture.crm, "SELECT notetext FROM annotation WHERE annotationid = 1")
                    == ["written while the engine waited"]
            }
            let report = try Self.status(fixture)
            #expect((report["incidents"] as? [Any] ?? []).isEmpty, "\(report)")
            #expect((report["unreadable"] as? [Any] ?? []).isEmpty, "\(report)")
            let history = try await fixture.tandem(["log", "--env", fixture.directory, "--since", "1h"])
            #expect(history.stdout.contains("transient error cleared"), "\(history.stdout)")
            kill(engine.processIdentifier, SIGTERM)
            engine.waitUntilExit()
            #expect(engine.terminationStatus == 0, "\(fixture.engineLog)")
        }
    }
}
