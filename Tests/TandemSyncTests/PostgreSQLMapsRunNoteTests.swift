import Foundation
import TandemTestSupport
import Testing

/// `tandem maps run` on a map that never ran names the master's rows that
/// live sync will not carry, on a PostgreSQL master as on a SQLite one
/// (it used to say nothing when a side was a server).
@Suite(
    "maps run's initial-sync note with a PostgreSQL master", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason), .timeLimit(.minutes(20)))
struct PostgreSQLMapsRunNoteTests {
    @Test("Rows from before capture on a PostgreSQL master, not on the SQLite side: maps run points to initial sync, counting them")
    func noteOnPostgreSQLMaster() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "pg-run-note", maps: ["sample.notes"], initArguments: ["--erp", url, "--schema", schema])
            _ = try await server.query(#"INSERT INTO "Notes" VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')"#)
            try SideReader.execute(fixture.crm, "INSERT INTO annotation VALUES (3, 'c')")
            // As if rows 1 to 3 predated capture: no change of theirs in either log. Row 4 is a captured change.
            _ = try await server.query(#"DELETE FROM "_tandem_changes" WHERE key->>'NOTEID' <> '4'"#)
            try SideReader.execute(fixture.crm, "DELETE FROM _tandem_changes")
            let run = try await fixture.tandem(["maps", "run", "sample.notes"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(
                run.stderr.contains(
                    "note: rows that live sync does not carry (on the master side from before capture, not on the other side): sample.notes 2; `tandem maps initial-sync sample.notes` brings them into step\n"),
                "\(run.stderr)")
        }
    }
}
