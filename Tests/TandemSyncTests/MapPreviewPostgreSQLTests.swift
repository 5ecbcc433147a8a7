import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// `tandem maps preview` with the ERP side on the test PostgreSQL server and
/// the CRM side a SQLite file: the server as source and as the target whose
/// parent rows are looked up (in a `READ ONLY` transaction), and nothing
/// written to it, its change log included.
@Suite(
    "maps preview on a PostgreSQL side", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct MapPreviewPostgreSQLTests {
    /// The schema's tables, triggers and functions, and its change log's rows: what a write would change.
    static func serverState(_ server: PostgreSQLSession, _ schema: String) async throws -> [[String?]] {
        let objects = try await server.query(
            """
            SELECT c.relname || ' ' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1
            UNION ALL SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal
            ORDER BY 1
            """, [schema])
        let log = try await server.query(#"SELECT count(*)::text, coalesce(max(seq), 0)::text FROM "_tandem_changes""#)
        let rows = try await server.query(#"SELECT count(*)::text FROM "CustTable""#)
        return objects + log + rows
    }

    @Test(
        "Both ways across a PostgreSQL ERP: unmappable, waiting-for-parent, conflict and new rows counted, the server's objects and change log and the CRM file unchanged"
    )
    func bothWays() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "pg-preview", maps: ["sample.customers"],
                initArguments: ["--with-dependencies", "--erp", url, "--schema", schema])
            _ = try await server.query(
                #"INSERT INTO "CustGroup" VALUES ('usmf', '10', 'Retail'), ('usmf', '20', 'Bulk')"#)
            _ = try await server.query(
                #"""
                INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "CREDITLIMIT", "ONHOLD") VALUES
                ('usmf', 'C1', 'Ada', '10', '100.50', 'No'), ('usmf', 'C3', 'Cy', '10', '7', 'Maybe'),
                ('usmf', 'C4', 'Dee', '20', '1', 'No'), ('usmf', 'C5', 'Eve', '10', '2', 'Invoice')
                """#)
            try SideReader.execute(
                fixture.crm,
                """
                INSERT INTO msdyn_customergroup VALUES ('usmf', '10', 'Retail');
                INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, creditlimit,
                  msdyn_onholdstatus, msdyn_source) VALUES
                  ('usmf', 'C5', 'Eva', '10', '2', 806380001, 'ERP'), ('usmf', 'C7', 'Gus', '30', '1', 806380000, 'ERP'),
                  ('usmf', 'C8', 'Hal', '10', '4', 806380000, 'ERP');
                """)
            let before = try await Self.serverState(server, schema)
            let files = try MapPreviewTests.files(fixture, ["crm.sqlite", "state.sqlite"])

            let result = try await fixture.tandem(["maps", "preview", "sample.customers", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let previews = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            let names = [
                "sourceRows", "inScope", "filteredOut", "unmappable", "waitingForParent", "wouldConflict", "new",
                "unchanged",
            ]
            // ERP (the server) to CRM: C1 new, C3 unmappable, C4's group 20 not on the CRM side, C5 differs.
            #expect(previews.first?["direction"] as? String == "erp-to-crm")
            #expect(names.map { previews.first?[$0] as? Int } == [4, 4, 0, 1, 1, 1, 1, 0], "\(previews)")
            // CRM to ERP (the server the target): C5 differs, C7's group 30 is not on the server, C8 new.
            #expect(previews.last?["direction"] as? String == "crm-to-erp")
            #expect(names.map { previews.last?[$0] as? Int } == [3, 3, 0, 0, 1, 1, 1, 0], "\(previews)")
            let waiting = previews.last?["waitingExamples"] as? [[String: String]]
            #expect(
                waiting?.first?["reason"]
                    == "waits for its parent in map sample.groups: text '30' is not on the erp side yet",
                "\(previews)")
            let compare = try await fixture.tandem(["maps", "compare", "sample.customers"])
            #expect(compare.status == 1, "\(compare.stderr)")

            #expect(try await Self.serverState(server, schema) == before)
            let after = try MapPreviewTests.files(fixture, ["crm.sqlite", "state.sqlite"])
            for (name, value) in files.sorted(by: { $0.key < $1.key }) {
                #expect(after[name] == value, "\(name) changed")
            }
        }
    }
}
