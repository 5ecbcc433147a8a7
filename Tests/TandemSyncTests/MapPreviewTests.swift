import Foundation
import GRDB
import TandemTestSupport
import Testing

/// `tandem maps preview` (issue 19 §4): what syncing a map would do to the
/// rows there are now, through the engine's own map and decide steps, with
/// nothing written: run as the real CLI on real SQLite files.
@Suite("maps preview: what a sync would do, writing nothing", .serialized)
struct MapPreviewTests {
    /// Customers with one row of each outcome: C1 new, C2 left out by the
    /// filter, C3 an on-hold value the value map lacks, C4 a group the CRM
    /// side lacks, C5 on the CRM side under another name, C6 there alike.
    static let rows = """
        INSERT INTO CustGroup VALUES ('usmf', '10', 'Retail'), ('usmf', '20', 'Wholesale');
        INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP, CREDITLIMIT, ONHOLD) VALUES
          ('usmf', 'C1', 'Ada', '10', '100.50', 'No'), ('usmf', 'C2', 'Bob', '10', '5', 'No'),
          ('usmf', 'C3', 'Cy', '10', '7', 'Maybe'), ('usmf', 'C4', 'Dee', '20', '1', 'No'),
          ('usmf', 'C5', 'Eve', '10', '2', 'Invoice'), ('usmf', 'C6', 'Fay', '10', '3', 'All');
        """
    static let crmRows = """
        INSERT INTO msdyn_customergroup VALUES ('usmf', '10', 'Retail');
        INSERT INTO account (msdyn_company, accountnumber, name, msdyn_customergroupid, creditlimit, msdyn_onholdstatus,
          msdyn_source) VALUES
          ('usmf', 'C5', 'Eva', '10', '2', 806380001, 'ERP'), ('usmf', 'C6', 'Fay', '10', '3', 806380002, 'ERP');
        """

    /// Groups and customers enabled, customers with a filter (the filter
    /// language) that leaves Bob out; `sample.notes` is loaded but not enabled.
    static func fixture(_ label: String) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers"]) {
            $0.replacingOccurrences(
                of: "  - name: sample.customers\n",
                with: "  - name: sample.customers\n    filters:\n      erp_to_crm: \"NAME ne 'Bob'\"\n")
        }
        try SideReader.execute(fixture.erp, rows)
        try SideReader.execute(fixture.crm, crmRows)
        return fixture
    }

    /// What must not change: each database file's bytes (and its WAL's
    /// size), and every object in the side files, by type and name.
    static func snapshot(_ fixture: SyncFixture) throws -> [String: Data] {
        var result = try files(fixture, ["erp.sqlite", "crm.sqlite", "state.sqlite"])
        for side in [fixture.erp, fixture.crm] {
            result[side + " objects"] = Data(
                try SideReader.rows(side, "SELECT type || ' ' || name FROM sqlite_master ORDER BY 1")
                    .joined(separator: "\n").utf8)
        }
        return result
    }

    /// The bytes of each of the environment's database files `names`, and the size of its WAL.
    static func files(_ fixture: SyncFixture, _ names: [String]) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in names {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/" + name))
            // A WAL a reader leaves behind holds no frame: nothing was written there either.
            let wal = fixture.directory + "/" + name + "-wal"
            let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            result[name + "-wal"] = Data("\(size) bytes".utf8)
        }
        return result
    }

    static let expectedText = """
        sample.customers erp-to-crm: CustTable → account (plugin tandem.samples)
        filter: NAME ne 'Bob' (filters.erp_to_crm in tandem.yaml)

        SOURCE ROWS  IN SCOPE  FILTERED OUT  UNMAPPABLE  WAITING FOR PARENT  WOULD CONFLICT  NEW  UNCHANGED
        6            5         1             1           1                   1               1    1

        filtered out:
          'usmf','C2'
        unmappable:
          'usmf','C3': UNMAPPABLE_REASON
        waiting for parent:
          'usmf','C4': waits for its parent in map sample.groups: text '20' is not on the crm side yet
        would conflict:
          'usmf','C5': the target row differs in name

        first 3 source row(s) in key order:
        'usmf','C1' new
          erp  DATAAREAID='usmf', ACCOUNTNUM='C1', NAME='Ada', CUSTGROUP='10', CREDITLIMIT='100.50', ONHOLD='No', NOTES=NULL, LOGO=NULL
          crm  msdyn_company='usmf', accountnumber='C1', name='Ada', msdyn_customergroupid='10', creditlimit='100.50', msdyn_onholdstatus=806380000, description=NULL, entityimage=NULL, msdyn_source='ERP'
        'usmf','C2' filtered out
          erp  DATAAREAID='usmf', ACCOUNTNUM='C2', NAME='Bob', CUSTGROUP='10', CREDITLIMIT='5', ONHOLD='No', NOTES=NULL, LOGO=NULL
        'usmf','C3' unmappable: UNMAPPABLE_REASON
          erp  DATAAREAID='usmf', ACCOUNTNUM='C3', NAME='Cy', CUSTGROUP='10', CREDITLIMIT='7', ONHOLD='Maybe', NOTES=NULL, LOGO=NULL
        """

    @Test(
        "Each outcome is counted, exampled with its reason and shown beside the row it would become, in text and JSON"
    )
    func outcomes() async throws {
        let fixture = try Self.fixture("preview-outcomes")
        let text = try await fixture.tandem([
            "maps", "preview", "sample.customers", "--direction", "erp-to-crm", "--limit", "3",
        ])
        #expect(text.status == 0, "\(text.stderr)")
        let reason = try #require(
            text.stdout.split(separator: "\n").first { $0.hasPrefix("'usmf','C3' unmappable: ") }.map {
                String($0.dropFirst("'usmf','C3' unmappable: ".count))
            }, "\(text.stdout)")
        #expect(reason.contains("Maybe"), "\(reason)")
        #expect(
            text.stdout == Self.expectedText.replacingOccurrences(of: "UNMAPPABLE_REASON", with: reason) + "\n",
            "\(text.stdout)")

        let json = try await fixture.tandem(["maps", "preview", "sample.customers", "--json", "--limit", "6"])
        #expect(json.status == 0, "\(json.stderr)")
        let previews = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        // Both ways by default, ERP to CRM first.
        #expect(previews.map { $0["direction"] as? String } == ["erp-to-crm", "crm-to-erp"])
        let erp = previews[0]
        let counts = [
            "sourceRows", "inScope", "filteredOut", "unmappable", "waitingForParent", "wouldConflict", "new",
            "unchanged",
        ].map { erp[$0] as? Int }
        #expect(counts == [6, 5, 1, 1, 1, 1, 1, 1], "\(erp)")
        #expect(erp["enabled"] as? Bool == true)
        #expect(erp["from"] as? String == "plugin tandem.samples")
        #expect(erp["filter"] as? String == "NAME ne 'Bob'")
        let samples = try #require(erp["samples"] as? [[String: Any]])
        #expect(
            samples.map { "\($0["key"] ?? "") \($0["outcome"] ?? "")" } == [
                "'usmf','C1' new", "'usmf','C2' filtered-out", "'usmf','C3' unmappable",
                "'usmf','C4' waiting-for-parent",
                "'usmf','C5' conflict", "'usmf','C6' unchanged",
            ])
        #expect(samples[4]["reason"] as? String == "the target row differs in name")
        let target = try #require(samples[0]["target"] as? [[String: String]])
        #expect(target.first { $0["column"] == "msdyn_onholdstatus" }?["value"] == "806380000")
        #expect(samples[1]["target"] == nil)
        #expect((erp["waitingExamples"] as? [[String: String]])?.first?["key"] == "'usmf','C4'")
        // The other way: the CRM side's two accounts, both there on the ERP side, C5 with another name.
        let crm = previews[1]
        #expect(crm["sourceRows"] as? Int == 2)
        #expect(crm["wouldConflict"] as? Int == 1, "\(crm)")
        #expect(crm["unchanged"] as? Int == 1, "\(crm)")
        #expect(crm["filter"] == nil)
    }

    @Test(
        "Preview and compare only read: every database file keeps its bytes, no capture or _tandem_ object is made, not even for a map that is not enabled"
    )
    func readOnly() async throws {
        let fixture = try Self.fixture("preview-read-only")
        // sample.notes is loaded but not enabled: its tables have no capture.
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'one'), (2, 'two')")
        let before = try Self.snapshot(fixture)
        let objects = String(decoding: before[fixture.erp + " objects"] ?? Data(), as: UTF8.self)
        #expect(objects.contains("table Notes"), "\(objects)")
        // No capture of Notes: sample.notes is not enabled.
        #expect(
            !objects.split(separator: "\n").contains { $0.hasPrefix("trigger") && $0.contains("Notes") }, "\(objects)")
        let notes = try await fixture.tandem(["maps", "preview", "sample.notes", "--direction", "erp-to-crm"])
        #expect(notes.status == 0, "\(notes.stderr)")
        #expect(
            notes.stdout.hasPrefix(
                """
                sample.notes erp-to-crm: Notes → annotation (plugin tandem.samples)
                not enabled in tandem.yaml: previewed with the default settings

                """), "\(notes.stdout)")
        #expect(
            notes.stdout.contains(
                "\n2            2         0             0           0                   0               2    0\n"),
            "\(notes.stdout)")
        let customers = try await fixture.tandem(["maps", "preview", "sample.customers"])
        #expect(customers.status == 0, "\(customers.stderr)")
        let compare = try await fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(compare.status == 1, "\(compare.stderr)")
        let after = try Self.snapshot(fixture)
        for (name, value) in before.sorted(by: { $0.key < $1.key }) {
            #expect(after[name] == value, "\(name) changed")
        }
    }

    @Test(
        "A map file just written, not enabled, is previewed with its filter; an unknown map and bad arguments are named"
    )
    func mapFileAndBadInput() async throws {
        let fixture = try Self.fixture("preview-map-file")
        try FileManager.default.createDirectory(atPath: fixture.directory + "/maps", withIntermediateDirectories: true)
        try """
        format: tandem.map/1
        id: contoso.notes
        version: 0.1.0
        erp: { table: Notes, key: [NOTEID] }
        crm: { table: annotation, key: [annotationid] }
        fields:
          - { erp: NOTEID, crm: annotationid, direction: -> }
          - { erp: TEXT, crm: notetext, direction: -> }
        filters:
          erp_to_crm: TEXT LIKE 'keep%'

        """.write(toFile: fixture.directory + "/maps/notes.yaml", atomically: true, encoding: .utf8)
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'keep me'), (2, 'drop me'), (3, 'keep too')")
        let result = try await fixture.tandem(["maps", "preview", "contoso.notes", "--limit", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                contoso.notes erp-to-crm: Notes → annotation (map file maps/notes.yaml)
                not enabled in tandem.yaml: previewed with the default settings
                filter: TEXT LIKE 'keep%' (filters.erp_to_crm of map file \(fixture.directory)/maps/notes.yaml)

                SOURCE ROWS  IN SCOPE  FILTERED OUT  UNMAPPABLE  WAITING FOR PARENT  WOULD CONFLICT  NEW  UNCHANGED
                3            2         1             0           0                   0               2    0

                filtered out:
                  2

                first 2 source row(s) in key order:
                1 new
                  erp  NOTEID=1, TEXT='keep me'
                  crm  annotationid=1, notetext='keep me'
                2 filtered out
                  erp  NOTEID=2, TEXT='drop me'

                """, "\(result.stdout)")

        let unknown = try await fixture.tandem(["maps", "preview", "contoso.note"])
        #expect(unknown.status != 0)
        #expect(
            unknown.stderr.contains(
                "no loaded plugin or map file provides map 'contoso.note' (did you mean 'contoso.notes'?)"),
            "\(unknown.stderr)")
        let direction = try await fixture.tandem(["maps", "preview", "contoso.notes", "--direction", "sideways"])
        #expect(direction.status != 0)
        #expect(
            direction.stderr.contains("--direction must be erp-to-crm or crm-to-erp, not 'sideways'"),
            "\(direction.stderr)")
        let oneWay = try await fixture.tandem(["maps", "preview", "contoso.notes", "--direction", "crm-to-erp"])
        #expect(oneWay.status != 0)
        #expect(
            oneWay.stderr.contains(
                "map contoso.notes does not sync crm-to-erp (its fields); preview --direction erp-to-crm"),
            "\(oneWay.stderr)")
        let limit = try await fixture.tandem(["maps", "preview", "contoso.notes", "--limit", "0"])
        #expect(limit.status != 0)
        #expect(limit.stderr.contains("--limit must be 1 to 100, not 0"), "\(limit.stderr)")
        // The help teaches with an example.
        let help = try await fixture.tandem(["maps", "preview", "--help"])
        #expect(help.stdout.contains("tandem maps preview customers-accounts --json"), "\(help.stdout)")
    }
}
