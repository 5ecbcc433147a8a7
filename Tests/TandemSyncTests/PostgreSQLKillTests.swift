import Foundation
import GRDB
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// Exactly once across `kill -9` in a mixed environment: the ERP's notes
/// on a PostgreSQL schema, the CRM's in a SQLite file, an application
/// writing each side while the engine is killed and started again.
@Suite(
    "Kill -9 with an ERP on PostgreSQL", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLKillTests {
    /// Both sides' notes as `id|text` lines, text exact (NULL apart from the empty text).
    static func notes(_ fixture: SyncFixture, _ server: PostgreSQLSession) async throws -> (erp: [String], crm: [String]) {
        let erp = try await server.query(
            #"SELECT "NOTEID"::text || '|' || COALESCE('''' || "TEXT" || '''', 'NULL') FROM "Notes" ORDER BY "NOTEID""#
        ).compactMap { $0[0] }
        let crm = try SideReader.rows(
            fixture.crm,
            "SELECT annotationid || '|' || COALESCE('''' || notetext || '''', 'NULL') FROM annotation ORDER BY annotationid")
        return (erp, crm)
    }

    @Test("Writers on both sides, the engine killed five times: the sides end row for row, byte for byte equal, nothing parked")
    func killNineRounds() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "pg-kill", maps: ["sample.notes"], initArguments: ["--erp", url, "--schema", schema])
            let started = try await fixture.tandem(["maps", "run", "sample.notes"])
            #expect(started.status == 0, "\(started.stderr)")
            var engine = try fixture.startEngine()
            let crmWriter = try fixture.startWriter("crm", ["--ops", "600", "--seed", "21", "--keys", "120"])
            // The ERP's application: short transactions of inserts, updates and deletes over the same keys.
            let erpWriter = Task {
                var generator = SystemRandomNumberGenerator()
                let alphabet = Array("abcÄÖßé日本語Ελληνικά🙂 '")
                for round in 0..<150 {
                    _ = try await server.query("BEGIN")
                    for _ in 0..<Int.random(in: 1...4, using: &generator) {
                        let key = String(Int.random(in: 1...120, using: &generator))
                        let roll = Double.random(in: 0..<1, using: &generator)
                        if roll < 0.12 {
                            _ = try await server.query(#"DELETE FROM "Notes" WHERE "NOTEID" = $1::bigint"#, [key])
                        } else {
                            let text = "erp-\(round)-" + String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
                            _ = try await server.query(
                                #"INSERT INTO "Notes" ("NOTEID", "TEXT") VALUES ($1::bigint, $2) ON CONFLICT ("NOTEID") DO UPDATE SET "TEXT" = EXCLUDED."TEXT""#,
                                [key, text])
                        }
                    }
                    _ = try await server.query("COMMIT")
                    try await Task.sleep(for: .milliseconds(Int.random(in: 2...15, using: &generator)))
                }
            }
            for _ in 0..<5 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 200...700)))
                kill(engine.processIdentifier, SIGKILL)
                _ = try await engine.awaitExit()
                engine = try fixture.startEngine()
                #expect(engine.isRunning, "\(fixture.engineLog)")
            }
            try await erpWriter.value
            #expect(try await crmWriter.awaitExit() == 0)
            defer { kill(engine.processIdentifier, SIGKILL) }

            let deadline = ContinuousClock.now + .seconds(60)
            var last = try await Self.notes(fixture, server)
            while ContinuousClock.now < deadline, last.erp != last.crm || last.erp.isEmpty {
                try await Task.sleep(for: .milliseconds(250))
                last = try await Self.notes(fixture, server)
            }
            #expect(!last.erp.isEmpty)
            #expect(last.erp == last.crm, "sides differ: \(SideReader.differences(last.erp, last.crm))")
            #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
            #expect(try await server.query("SELECT count(*) FROM _tandem_parked").first?[0] == "0")
        }
    }
}
