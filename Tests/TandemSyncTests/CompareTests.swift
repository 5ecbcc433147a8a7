import Foundation
import TandemTestSupport
import Testing

/// `tandem maps compare` as a real process on real side databases.
@Suite("tandem maps compare")
struct CompareTests {
    static func compare(_ fixture: SyncFixture, _ arguments: [String]) throws -> (status: Int32, maps: [[String: Any]]) {
        let result = try fixture.tandem(["maps", "compare", "--json"] + arguments)
        let maps = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return (result.status, maps)
    }

    @Test("in step after initial sync (exit 0); a CRM edit and a CRM-only row are found with their keys (exit 1); value-mapped columns compare as stored")
    func differences() throws {
        let fixture = try SyncFixture.make("compare", maps: ["sample.groups", "sample.customers"])
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');
            INSERT INTO CustTable VALUES ('usmf', 'C1', 'Ada', '10', '100.50', 'No', 'n', NULL), ('usmf', 'C2', 'Bob', '10', '5', 'Invoice', NULL, x'00ff');
            """)
        #expect(try fixture.tandem(["maps", "initial-sync", "sample.groups", "sample.customers", "--no-run"]).status == 0)
        let clean = try Self.compare(fixture, [])
        #expect(clean.status == 0)
        #expect(clean.maps.map { $0["map"] as? String } == ["sample.groups", "sample.customers"])
        #expect(clean.maps.allSatisfy { ($0["inStep"] as? Bool) == true && ($0["equal"] as? Int) == ($0["carried"] as? Int) })

        try SideReader.execute(
            fixture.crm,
            "UPDATE account SET name = 'renamed' WHERE accountnumber = 'C1'; INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', 'C9', 'crm only');")
        let dirty = try Self.compare(fixture, ["sample.customers"])
        #expect(dirty.status == 1)
        let result = try #require(dirty.maps.first)
        #expect(result["inStep"] as? Bool == false)
        #expect(result["equal"] as? Int == 1)
        #expect(result["differing"] as? Int == 1)
        #expect(result["onlyTarget"] as? Int == 1)
        #expect(result["missing"] as? Int == 0)
        let examples = result["examples"] as? [String: [String]]
        #expect(examples?["differing"] == ["'usmf','C1'"])
        #expect(examples?["onlyTarget"] == ["'usmf','C9'"])

        let text = try fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(text.stdout.contains("sample.customers only on target: 'usmf','C9'"))
        let unknown = try fixture.tandem(["maps", "compare", "nope"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("map 'nope' is not enabled in this environment (enabled: sample.groups, sample.customers); add it to tandem.yaml"))
    }

    @Test(
        "A row created on the CRM side is in step once synced, though its one-way default column (msdyn_source) holds the CRM's value, not the map's 'ERP'; a later CRM edit is named by its column"
    )
    func rowMadeOnTheCRMSide() async throws {
        let fixture = try SyncFixture.make("compare-crm-made", maps: ["sample.groups", "sample.customers"])
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        try SideReader.execute(fixture.erp, "INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale')")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_customergroup") == 1 }
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, creditlimit, msdyn_onholdstatus)
                VALUES ('usmf', 'K1', 'Made in Sales', '10', '250.5', 806380001);
            INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, msdyn_source)
                VALUES ('usmf', 'K2', 'Imported', '10', 'CRM');
            """)
        try await waitUntil { try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM CustTable") == 2 }
        try await waitUntil {
            try SideReader.drained(fixture, map: "sample.customers", erpTable: "CustTable", crmTable: "account")
        }
        let clean = try Self.compare(fixture, ["sample.customers"])
        #expect(clean.status == 0, "\(clean.maps)")
        #expect(clean.maps.first?["equal"] as? Int == 2)
        #expect(try SideReader.rows(fixture.crm, "SELECT quote(msdyn_source) FROM account ORDER BY 1") == ["'CRM'", "NULL"])

        try SideReader.execute(fixture.crm, "UPDATE account SET msdyn_onholdstatus = 806380002 WHERE accountnumber = 'K1'")
        try await waitUntil { try SideReader.rows(fixture.erp, "SELECT ONHOLD FROM CustTable WHERE ACCOUNTNUM = 'K1'") == ["All"] }
        kill(engine.processIdentifier, SIGTERM)
        _ = try await engine.awaitExit()
        try SideReader.execute(fixture.crm, "UPDATE account SET creditlimit = '99' WHERE accountnumber = 'K2'")
        let dirty = try Self.compare(fixture, ["sample.customers"])
        #expect(dirty.status == 1)
        #expect(dirty.maps.first?["differingColumns"] as? [String: [String]] == ["'usmf','K2'": ["creditlimit"]])
        let text = try await fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(text.stdout.contains("sample.customers differing: 'usmf','K2' (creditlimit)"), "\(text.stdout)")
    }

    /// Gives sample.notes a CRM-side filter: the annotation rows it leaves out are other maps' rows.
    static func sharedTable(_ text: String) -> String {
        text.replacingOccurrences(
            of: "  - name: sample.notes\n    direction: both\n",
            with: "  - name: sample.notes\n    direction: both\n    filters:\n      crm_to_erp: annotationid lt 100\n")
    }

    /// What `rows` (the CRM's annotations) compare as, against the ERP's note 1.
    static func expectOtherMaps(_ result: (status: Int32, maps: [[String: Any]])) {
        #expect(result.status == 1)
        let map = result.maps.first ?? [:]
        #expect(map["targetRows"] as? Int == 3, "\(map)")
        #expect(map["equal"] as? Int == 1, "\(map)")
        #expect(map["onlyTarget"] as? Int == 1, "\(map)")
        #expect(map["otherMaps"] as? Int == 1, "\(map)")
        #expect(map["otherMapsFilter"] as? String == "annotationid lt 100", "\(map)")
        #expect((map["examples"] as? [String: [String]])?["onlyTarget"] == ["50"], "\(map)")
    }

    @Test(
        "A table other maps share: target rows the map's other direction filters out are other maps' (otherMaps), not rows only the target has; one inside the filter still is"
    )
    func sharedTargetTable() async throws {
        let fixture = try SyncFixture.make("compare-shared", maps: ["sample.notes"], edit: Self.sharedTable)
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'one')")
        try SideReader.execute(fixture.crm, "INSERT INTO annotation VALUES (1, 'one'), (50, 'crm own'), (500, 'another map''s')")
        Self.expectOtherMaps(try Self.compare(fixture, ["sample.notes"]))
        let text = try await fixture.tandem(["maps", "compare", "sample.notes"])
        #expect(
            text.stdout.contains(
                "sample.notes: 1 crm row(s) outside its crm-side filter (annotationid lt 100) belong to other maps; not compared"),
            "\(text.stdout)")
        #expect(text.stdout.contains("sample.notes only on target: 50"), "\(text.stdout)")
    }

    @Test("Keys zero and below are compared like any other: a missing note 0 and a differing note -5 are found")
    func keysZeroAndBelow() throws {
        let fixture = try SyncFixture.make("compare-keys", maps: ["sample.notes"])
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (-5, 'minus five'), (0, 'zero'), (1, 'one')")
        #expect(try fixture.tandem(["maps", "initial-sync", "sample.notes", "--no-run"]).status == 0)
        let clean = try Self.compare(fixture, [])
        #expect(clean.status == 0)
        #expect(clean.maps.first?["carried"] as? Int == 3)
        #expect(clean.maps.first?["equal"] as? Int == 3)

        try SideReader.execute(
            fixture.crm,
            "DELETE FROM annotation WHERE annotationid = 0; UPDATE annotation SET notetext = 'edited' WHERE annotationid = -5"
        )
        let dirty = try Self.compare(fixture, [])
        #expect(dirty.status == 1)
        let result = try #require(dirty.maps.first)
        #expect(result["sourceRows"] as? Int == 3)
        #expect(result["missing"] as? Int == 1)
        #expect(result["differing"] as? Int == 1)
        let examples = result["examples"] as? [String: [String]]
        #expect(examples?["missing"] == ["0"])
        #expect(examples?["differing"] == ["-5"])
        #expect(result["differingColumns"] as? [String: [String]] == ["-5": ["notetext"]])
    }

    @Test(
        "Byte for byte: a value cut at its NUL and an integer against a real differ, each named by its column; a one-way default column the CRM changed is no difference"
    )
    func byteForByte() throws {
        let fixture = try SyncFixture.make("compare-bytes", maps: ["sample.groups", "sample.customers"])
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP, LOGO) VALUES
                ('usmf', 'C1', 'before' || char(0) || 'after', '10', NULL), ('usmf', 'C2', 'Bob', '10', 1), ('usmf', 'C3', 'Cy', '10', NULL);
            """)
        #expect(
            try fixture.tandem(["maps", "initial-sync", "sample.groups", "sample.customers", "--no-run"]).status == 0)
        #expect(try Self.compare(fixture, ["sample.customers"]).status == 0)

        // What the old triggers made of C1, a real where the ERP has an integer, and the CRM's own value in msdyn_source.
        try SideReader.execute(
            fixture.crm,
            """
            UPDATE account SET name = 'before' WHERE accountnumber = 'C1';
            UPDATE account SET entityimage = 1.0, name = 'Bobby' WHERE accountnumber = 'C2';
            UPDATE account SET msdyn_source = 'CRM' WHERE accountnumber = 'C3';
            """)
        let dirty = try Self.compare(fixture, ["sample.customers"])
        #expect(dirty.status == 1)
        let result = try #require(dirty.maps.first)
        #expect(result["differing"] as? Int == 2)
        #expect(result["equal"] as? Int == 1)
        #expect(result["examples"] as? [String: [String]] == ["differing": ["'usmf','C1'", "'usmf','C2'"]])
        #expect(
            result["differingColumns"] as? [String: [String]] == [
                "'usmf','C1'": ["name"], "'usmf','C2'": ["name", "entityimage"],
            ])
        let text = try fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(
            text.stdout.contains("sample.customers differing: 'usmf','C1' (name); 'usmf','C2' (name, entityimage)"),
            "\(text.stdout)")
    }
}
