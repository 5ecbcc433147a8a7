import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// `tandem maps add-field` with the ERP side on PostgreSQL and the CRM
/// side on SQLite: the server's column and the file's, the server's
/// existing values queued in its change log, both directions afterwards.
@Suite(
    "Maps: add-field on a PostgreSQL side", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct AddFieldPostgreSQLTests {
    static let crmAccounts =
        "SELECT quote(accountnumber)||'|'||quote(name)||'|'||quote(contoso_tier) FROM account ORDER BY 1"

    @Test(
        "A field added to a running map whose ERP is PostgreSQL: the server's values travel to the CRM's new column, edits come back, and a column new on both sides is made on the server with the type translated"
    )
    func mixedEnvironment() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "add-field-pg", maps: ["sample.customers"], initArguments: ["--with-dependencies", "--erp", url, "--schema", schema])
            _ = try await server.query(#"ALTER TABLE "CustTable" ADD COLUMN "TIER" text"#)
            _ = try await server.query(#"INSERT INTO "CustGroup" VALUES ('usmf', '10', 'Retail')"#)
            _ = try await server.query(
                #"""
                INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "TIER") VALUES
                  ('usmf', 'C1', 'Contoso', '10', 'Gold'), ('usmf', 'C2', 'Fabrikam', '10', NULL),
                  ('usmf', 'C3', 'Zoë 株式会社', '10', 'Sïlver 😀')
                """#)
            let started = try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"])
            try #require(started.status == 0, "\(started.stderr)")
            let engine = try fixture.startEngine()
            defer { kill(engine.processIdentifier, SIGKILL) }
            try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 3 }

            let add = try await fixture.tandem(["maps", "add-field", "sample.customers", "--erp", "TIER", "--crm", "contoso_tier"])
            try #require(add.status == 0, "\(add.stdout)\(add.stderr)")
            #expect(
                add.stdout
                    == "sample.customers: added — ERP TIER <-> CRM contoso_tier: column contoso_tier text added to crm table account; field added to maps/sample.customers.yaml; 2 existing value(s) queued from the erp side\n"
            )
            let expected = ["'C1'|'Contoso'|'Gold'", "'C2'|'Fabrikam'|NULL", "'C3'|'Zoë 株式会社'|'Sïlver 😀'"]
            try await waitUntil { try SideReader.rows(fixture.crm, Self.crmAccounts) == expected }

            try SideReader.execute(fixture.crm, "UPDATE account SET contoso_tier = 'Platinum' WHERE accountnumber = 'C2'")
            let back = try await PostgreSQLMixedEnvironmentTests.eventually {
                try await server.query(#"SELECT "TIER" FROM "CustTable" WHERE "ACCOUNTNUM" = 'C2'"#).first?[0] == "Platinum"
            }
            #expect(back, "\(fixture.engineLog)")

            // New on both sides: SQLite's INTEGER is bigint on the server, as in a plugin's DDL.
            let second = try await fixture.tandem([
                "maps", "add-field", "sample.customers", "--erp", "VISITS", "--crm", "contoso_visits", "--type", "INTEGER",
            ])
            try #require(second.status == 0, "\(second.stdout)\(second.stderr)")
            let type = try await server.query(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'CustTable' AND column_name = 'VISITS'",
                [schema])
            #expect(type.first?[0] == "bigint")
            _ = try await server.query(#"UPDATE "CustTable" SET "VISITS" = 7 WHERE "ACCOUNTNUM" = 'C1'"#)
            try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account WHERE contoso_visits = 7") == 1 }
        }
    }
}
