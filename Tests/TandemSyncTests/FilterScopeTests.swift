import Foundation
import TandemTestSupport
import Testing

/// An update that moves a row out of its map's filter while the other side
/// holds the row carried before (issue 16, item 6): the map's
/// `out_of_scope` decides, `report` by default, and the activity log says
/// what happened. A real engine process on real side databases.
@Suite("A row that leaves a filter's scope")
struct FilterScopeTests {
    /// sample.customers with a filter that leaves out customers whose notes say `secret`, and
    /// `setting` under the map.
    static func environment(_ label: String, setting: String = "") throws -> SyncFixture {
        try SyncFixture.make(label, maps: ["sample.groups", "sample.customers"]) {
            $0.replacingOccurrences(
                of: "  - name: sample.customers\n",
                with: "  - name: sample.customers\n    filters:\n      erp_to_crm: \"NOTES ne 'secret' or NOTES is null\"\n\(setting)")
        }
    }

    /// Customer C1 reaches the CRM, then becomes secret; C2 is secret from the start (changes
    /// erp:1 to erp:3 the inserts, erp:4 and erp:5 the updates).
    static func leaveScope(_ fixture: SyncFixture) async throws -> Process {
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        let engine = try fixture.startEngine()
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP, NOTES) VALUES
                ('usmf', 'C1', 'Ada', '10', 'public'), ('usmf', 'C2', 'Bob', '10', 'secret');
            """)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 1 }
        try SideReader.execute(fixture.erp, "UPDATE CustTable SET NOTES = 'secret' WHERE ACCOUNTNUM IN ('C1', 'C2')")
        return engine
    }

    /// Waits until the engine applied every change of sample.customers.
    static func drained(_ fixture: SyncFixture) async throws {
        try await waitUntil {
            try SideReader.drained(fixture, map: "sample.customers", erpTable: "CustTable", crmTable: "account")
        }
    }

    /// The `row left filter` entries of `tandem log`, their details.
    static func entries(_ fixture: SyncFixture) throws -> [String] {
        let result = try fixture.tandem(["log", "--json", "--limit", "1000", "--kind", "row left filter"])
        #expect(result.status == 0, "\(result.stderr)")
        let list = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return list.compactMap { $0["details"] as? String }
    }

    @Test(
        "By default (report) the other side's row stays as it was, and tandem log says so once, with the key and the filter"
    )
    func reportByDefault() async throws {
        let fixture = try Self.environment("scope-report")
        let engine = try await Self.leaveScope(fixture)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try await waitUntil { try !Self.entries(fixture).isEmpty }
        // A later edit of a column the filter does not read: the row was out of scope already.
        try SideReader.execute(fixture.erp, "UPDATE CustTable SET NAME = 'Ada L.' WHERE ACCOUNTNUM = 'C1'")
        try await Self.drained(fixture)
        #expect(try SideReader.rows(fixture.crm, "SELECT accountnumber || ':' || name || ':' || description FROM account") == ["C1:Ada:public"])
        // C2 never reached the CRM: nothing to report.
        let entries = try Self.entries(fixture)
        #expect(
            entries == [
                "change erp:4 moved CustTable 'usmf','C1' out of the scope of filters.erp_to_crm in tandem.yaml "
                    + "(NOTES ne 'secret' or NOTES is null); the crm side's account 'usmf','C1' was kept as it was (out_of_scope: report; "
                    + "`delete` removes such rows, `keep` stops these entries)"
            ], "\(entries)")
        let text = try await fixture.tandem(["log", "--map", "sample.customers"])
        #expect(text.stdout.contains("row left filter"), "\(text.stdout)")

        // maps compare counts the kept row apart, not as a row only the CRM has: a difference under report...
        let compare = try await fixture.tandem(["maps", "compare", "sample.customers", "--json"])
        #expect(compare.status == 1)
        let result = (try? JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [[String: Any]])?.first ?? [:]
        #expect(result["outOfScope"] as? Int == 1, "\(compare.stdout)")
        #expect(result["onlyTarget"] as? Int == 0)
        #expect(result["outOfScopePolicy"] as? String == "report")
        #expect((result["examples"] as? [String: [String]])?["outOfScope"] == ["'usmf','C1'"])
        let compareText = try await fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(
            compareText.stdout.contains(
                "sample.customers left its filter's scope, still on target (out_of_scope: report): 'usmf','C1'"),
            "\(compareText.stdout)")
        // ...and none once the map says to keep such rows.
        kill(engine.processIdentifier, SIGTERM)
        _ = try await engine.awaitExit()
        let config = fixture.directory + "/tandem.yaml"
        try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "NOTES ne 'secret' or NOTES is null\"\n", with: "NOTES ne 'secret' or NOTES is null\"\n    out_of_scope: keep\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let kept = try await fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
    }

    @Test("out_of_scope: delete deletes the other side's row (not sent back) and logs it; back in scope, the row is written again")
    func delete() async throws {
        let fixture = try Self.environment("scope-delete", setting: "    out_of_scope: delete\n")
        let engine = try await Self.leaveScope(fixture)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 0 }
        try await Self.drained(fixture)
        // The delete is Tandem's own write: the ERP keeps both customers.
        #expect(try SideReader.rows(fixture.erp, "SELECT ACCOUNTNUM || ':' || NOTES FROM CustTable ORDER BY 1") == ["C1:secret", "C2:secret"])
        let entries = try Self.entries(fixture)
        #expect(
            entries == [
                "change erp:4 moved CustTable 'usmf','C1' out of the scope of filters.erp_to_crm in tandem.yaml "
                    + "(NOTES ne 'secret' or NOTES is null); the crm side's account 'usmf','C1' was deleted (out_of_scope: delete)"
            ], "\(entries)")
        try SideReader.execute(fixture.erp, "UPDATE CustTable SET NOTES = 'public again' WHERE ACCOUNTNUM = 'C1'")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 1 }
    }

    @Test("out_of_scope takes report, delete or keep; anything else is refused with FILE:LINE:COLUMN")
    func badSetting() throws {
        let fixture = try Self.environment("scope-bad", setting: "    out_of_scope: remove\n")
        let result = try fixture.tandem(["status"])
        #expect(result.status != 0)
        // FILE:LINE:COLUMN, the column that of the value (the line depends on the template above the maps).
        #expect(result.stderr.contains("/tandem.yaml:"), "\(result.stderr)")
        #expect(
            result.stderr.contains(":19: maps[1].out_of_scope: 'remove' is not one of report, delete, keep"),
            "\(result.stderr)")
    }
}
