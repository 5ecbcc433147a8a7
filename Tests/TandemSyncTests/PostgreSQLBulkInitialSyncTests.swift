import Foundation
import GRDB
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// Initial sync into a PostgreSQL side takes the bulk path (COPY per
/// chunk), with the row path's checks: a row that a check refuses is parked
/// with its reason, a row the target has with other values is a conflict
/// the master wins, and a run killed with `kill -9` resumes after its last
/// committed chunk to the same bytes as one that was never killed.
@Suite(
    "Initial sync into PostgreSQL: the bulk path", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLBulkInitialSyncTests {
    /// The CRM's accounts as the ERP should hold them, one line each, every byte of every mapped column.
    static let crmLines = """
        SELECT accountnumber || '|' || name || '|' || COALESCE(msdyn_customergroupid, 'NULL') || '|' || creditlimit || '|'
            || CASE msdyn_onholdstatus WHEN 806380000 THEN 'No' WHEN 806380001 THEN 'Invoice' ELSE 'NULL' END || '|'
            || COALESCE(description, 'NULL') || '|'
            || CASE WHEN entityimage IS NULL THEN 'NULL' ELSE lower(hex(entityimage)) END
        FROM account WHERE accountnumber NOT LIKE 'BAD%' ORDER BY accountnumber
        """
    /// The ERP's customers, in the same form.
    static let erpLines = #"""
        SELECT "ACCOUNTNUM" || '|' || "NAME" || '|' || COALESCE("CUSTGROUP", 'NULL') || '|' || "CREDITLIMIT"::text || '|'
            || COALESCE("ONHOLD", 'NULL') || '|' || COALESCE("NOTES", 'NULL') || '|' || COALESCE(encode("LOGO", 'hex'), 'NULL')
        FROM "CustTable" ORDER BY "ACCOUNTNUM" COLLATE "C"
        """#

    @Test("CRM master into an ERP on PostgreSQL: bulk path, killed mid-way it resumes byte for byte; bad rows parked with their reason")
    func bulkResumes() async throws {
        try await PostgreSQLMixedEnvironmentTests.withSchema { url, schema, server in
            let fixture = try SyncFixture.make(
                "pg-bulk-initial", maps: ["sample.customers"],
                initArguments: ["--with-dependencies", "--erp", url, "--schema", schema])
            // An exact decimal column: a value with more decimals than it keeps must be parked, not rounded.
            _ = try await server.query(#"ALTER TABLE "CustTable" ALTER COLUMN "CREDITLIMIT" TYPE numeric(20,10) USING NULL"#)
            try SideReader.execute(
                fixture.crm,
                """
                WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 20)
                INSERT INTO msdyn_customergroup SELECT 'usmf', CAST(i AS TEXT), 'Gruppe ' || i || ' ü' FROM g
                """)
            // Text that COPY's format must escape (tab, newline, return, backslash), scripts, blobs, NULLs.
            try SideReader.execute(
                fixture.crm,
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, creditlimit,
                    msdyn_onholdstatus, description, entityimage)
                SELECT 'usmf', printf('C%05d', i), 'Kunde Ä ' || i || ' 株 Ελ 🙂',
                    CASE WHEN i % 97 = 0 THEN NULL ELSE CAST(i % 20 + 1 AS TEXT) END,
                    printf('%d.%010d', i * 7, i), CASE WHEN i % 2 = 0 THEN 806380000 ELSE 806380001 END,
                    CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN 'tab' || char(9) || 'nl' || char(10) || 'cr' || char(13) || 'bs\\N'
                        ELSE 'plain ' || i END,
                    CASE WHEN i % 5 = 0 THEN randomblob(8) ELSE NULL END
                FROM n
                """)
            // A constraint only the server knows: the COPY of that row's chunk fails, and the chunk goes
            // row by row, which parks just that row.
            _ = try await server.query(#"ALTER TABLE "CustTable" ADD CONSTRAINT no_refused CHECK ("NAME" <> 'Refused by a check')"#)
            try SideReader.execute(
                fixture.crm,
                """
                INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, creditlimit, msdyn_onholdstatus)
                VALUES ('usmf', 'BAD03', 'Refused by a check', '3', '1.5', 806380000)
                """)
            // Two rows a check refuses: too many decimals for numeric(20,10), and a group no side has.
            try SideReader.execute(
                fixture.crm,
                """
                INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, creditlimit, msdyn_onholdstatus)
                VALUES ('usmf', 'BAD01', 'Too precise', '3', '1.123456789012', 806380000),
                       ('usmf', 'BAD02', 'No such group', '77', '1.5', 806380000)
                """)
            // The ERP has one of the rows with other values (the master wins), and one of its own.
            _ = try await server.query(#"INSERT INTO "CustGroup" VALUES ('usmf', '3', 'Gruppe 3 ü')"#)
            _ = try await server.query(
                #"""
                INSERT INTO "CustTable" ("DATAAREAID", "ACCOUNTNUM", "NAME", "CUSTGROUP", "CREDITLIMIT", "ONHOLD")
                VALUES ('usmf', 'C02100', 'Differs in the ERP', '3', 5, 'No'), ('usmf', 'E00001', 'Only in the ERP', '3', 7, 'No')
                """#)

            let run = ["maps", "initial-sync", "sample.groups", "sample.customers", "--master", "crm", "--chunk", "700"]
            let killed = try await fixture.tandem(run, environment: ["TANDEM_FAULT": "kill-after-rows:1400"])
            #expect(killed.status != 0, "\(killed.stdout)\(killed.stderr)")
            #expect(killed.stderr.contains("sample.customers [master]: bulk path"), "\(killed.stderr)")
            let afterKill = try await server.query(#"SELECT count(*) FROM "CustTable""#).first?[0].flatMap(Int.init) ?? 0
            #expect(afterKill > 2 && afterKill < 3002, "\(afterKill)")

            let resumed = try await fixture.tandem(run)
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect((resumed.stdout + resumed.stderr).contains("resum"), "\(resumed.stdout)\(resumed.stderr)")

            let erp = try await server.query(Self.erpLines).compactMap { $0[0] }
            let crm = try SideReader.rows(fixture.crm, Self.crmLines)
            #expect(crm.count == 3001)
            let same = erp == crm
            #expect(same, "sides differ: \(SideReader.differences(erp, crm))")
            #expect(erp.contains { $0.contains("tab\tnl\ncr\rbs\\N") })
            // Parked with their reasons, nothing rounded or dropped without a word.
            #expect(try await server.query(#"SELECT count(*) FROM "CustTable" WHERE "ACCOUNTNUM" LIKE 'BAD%'"#) == [["0"]])
            let errors = try await fixture.tandem(["errors", "list"])
            // The list wraps its reasons: compared with every run of blanks as one space.
            let listed = errors.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(
                listed.contains("'usmf','BAD01' application error")
                    && listed.contains("1.123456789012 has more decimals than the column keeps (10); it would be rounded"),
                "\(errors.stdout)")
            #expect(listed.contains("waits for its parent in map sample.groups: text '77' is not on the erp side"), "\(errors.stdout)")
            #expect(listed.contains("'usmf','BAD03' application error"), "\(errors.stdout)")
            #expect(listed.contains("violates check constraint \"no_refused\""), "\(errors.stdout)")
            // The copied rows were not logged as echoes (capture was off for each COPY, inside its
            // transaction; the one chunk that went row by row was); capture is on again after.
            let echoes = try await server.query(
                "SELECT count(*) FROM \(schema)._tandem_changes WHERE tbl = 'CustTable' AND origin IS NOT NULL")
            #expect((echoes.first?[0].flatMap(Int.init) ?? 9999) <= 701, "\(echoes)")
            func applicationChanges() async throws -> Int {
                try await server.query(
                    "SELECT count(*) FROM \(schema)._tandem_changes WHERE tbl = 'CustTable' AND origin IS NULL"
                ).first?[0].flatMap(Int.init) ?? -1
            }
            let before = try await applicationChanges()
            _ = try await server.query(#"UPDATE "CustTable" SET "NAME" = 'Captured' WHERE "ACCOUNTNUM" = 'C00001'"#)
            #expect(try await applicationChanges() == before + 1)
            let conflicts = try await server.query(
                "SELECT key FROM \(schema)._tandem_conflicts WHERE policy = 'initial-sync'")
            #expect(conflicts.count == 1, "\(conflicts)")
        }
    }
}
