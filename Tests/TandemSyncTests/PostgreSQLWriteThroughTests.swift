import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// Write-through between two PostgreSQL sides, by the real `tandem`
/// processes: both sides commit or neither keeps the write, whatever stops
/// it (the target refusing a row, unsynced edits of the key on the target,
/// the origin refusing a row), and the target's transaction, which begins
/// while the origin writes, leaves no lock behind in a running engine.
@Suite(
    "Write-through between two PostgreSQL sides", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLWriteThroughTests {
    /// The ids and texts of `table` (its key and text columns) in `schema`, by id.
    static func rows(_ server: PostgreSQLSession, _ schema: String, _ table: String, _ key: String, _ text: String)
        async throws -> [String]
    {
        try await server.query(#"SELECT "\#(key)"::text || '=' || coalesce("\#(text)", '') FROM \#(schema)."\#(table)" ORDER BY 1"#)
            .map { $0[0] ?? "" }
    }

    @Test(
        "A write lands on both PostgreSQL sides or neither: a target refusal, unsynced target edits and an origin refusal keep nothing, and a running engine holds no lock after them"
    )
    func bothOrNeither() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let (erp, crm) = ("\(schema)_erp", "\(schema)_crm")
            _ = try await server.query("CREATE SCHEMA \(erp)")
            _ = try await server.query("CREATE SCHEMA \(crm)")
            do {
                try await Self.bothOrNeither(url: url, erp: erp, crm: crm, server: server)
            } catch {
                _ = try? await server.query("DROP SCHEMA \(erp), \(crm) CASCADE")
                throw error
            }
            _ = try await server.query("DROP SCHEMA \(erp), \(crm) CASCADE")
        }
    }

    /// The body of ``bothOrNeither()``, with the sides in schemas `erp` and `crm` made (and
    /// dropped) by it.
    static func bothOrNeither(url: String, erp: String, crm: String, server: PostgreSQLSession) async throws {
        let fixture = try SyncFixture.make(
            "pg-write", maps: ["sample.notes"],
            initArguments: ["--erp", url, "--crm", url, "--erp-schema", erp, "--crm-schema", crm])
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        func notes() async throws -> [String] { try await Self.rows(server, erp, "Notes", "NOTEID", "TEXT") }
        func annotations() async throws -> [String] {
            try await Self.rows(server, crm, "annotation", "annotationid", "notetext")
        }

        // No engine running: the command carries the write out itself.
        let first = try await fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 1, "TEXT": "one"}"#])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try await notes() == ["1=one"])
        #expect(try await annotations() == ["1=one"])

        // An application's edit of key 4 on the CRM side, not synced yet: a write of that key
        // is refused (read with the target's lock, while the ERP side wrote) and keeps nothing.
        _ = try await server.query("INSERT INTO \(crm).annotation (annotationid, notetext) VALUES (4, 'crm edit')")
        let conflicting = try await fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 4, "TEXT": "erp"}"#])
        #expect(conflicting.status != 0)
        #expect(conflicting.stderr.contains("have not synced yet"), "\(conflicting.stderr)")
        #expect(try await notes() == ["1=one"])
        #expect(try await annotations() == ["1=one", "4=crm edit"])

        // The CRM side refuses one row of two: neither side keeps either.
        _ = try await server.query("ALTER TABLE \(crm).annotation ADD CONSTRAINT no_poison CHECK (notetext <> 'poison')")
        let refused = try await fixture.tandem(
            ["write", "erp", "Notes", #"[{"NOTEID": 2, "TEXT": "fine"}, {"NOTEID": 3, "TEXT": "poison"}]"#])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no_poison"), "\(refused.stderr)")
        #expect(try await notes() == ["1=one"])
        #expect(try await annotations() == ["1=one", "4=crm edit"])

        // With the engine running, the ERP side refuses a row: the CRM side's transaction, begun
        // while the ERP side wrote, is rolled back, so an application writes there at once.
        let engine = try fixture.startEngine()
        defer {
            engine.terminate()
            engine.waitUntilExit()
        }
        #expect(engine.isRunning, "\(fixture.engineLog)")
        _ = try await server.query(#"ALTER TABLE \#(erp)."Notes" ADD CONSTRAINT no_bad CHECK ("TEXT" <> 'bad')"#)
        let bad = try await fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 5, "TEXT": "bad"}"#])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("no_bad"), "\(bad.stderr)")
        _ = try await server.query("SET lock_timeout = '3s'")
        _ = try await server.query("INSERT INTO \(crm).annotation (annotationid, notetext) VALUES (6, 'app')")
        _ = try await server.query("RESET lock_timeout")
        let seventh = try await fixture.tandem(["write", "erp", "Notes", #"{"NOTEID": 7, "TEXT": "seven"}"#])
        #expect(seventh.status == 0, "\(seventh.stderr)")

        // A delete whose first key is not there: the second is carried all the same (what the write
        // logged is read from where the log stood before its first change, not its first statement).
        let deleted = try await fixture.tandem(["write", "erp", "Notes", "--delete", #"[{"NOTEID": 99}, {"NOTEID": 7}]"#])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await annotations().contains("7=seven") == false)

        // The engine takes the write-throughs' markers and applies none twice; the CRM's own
        // rows reach the ERP side. The sides end row for row equal.
        let expected = ["1=one", "4=crm edit", "6=app"]
        let settled = try await PostgreSQLMixedEnvironmentTests.eventually {
            let markers = try await server.query("SELECT count(*) FROM \(crm)._tandem_written").first?[0]
            let (erpRows, crmRows) = (try await notes(), try await annotations())
            return erpRows == expected && crmRows == expected && markers == "0"
        }
        let (erpRows, crmRows) = (try await notes(), try await annotations())
        #expect(settled, "\(erpRows) \(crmRows) \(fixture.engineLog)")
        let applied = try await server.query(
            "SELECT count(*) FROM \(crm)._tandem_changes WHERE origin IS NOT NULL AND origin NOT LIKE 'write:%'"
        ).first?[0]
        // Only the three write-throughs wrote the CRM side on the ERP's behalf: nothing applied again.
        #expect(applied == "3", "\(fixture.engineLog)")
    }
}
