import Foundation
import TandemTestSupport
import Testing

@testable import TandemEngine

/// `tandem maps add-field` (issue 19 §5): a field added to a map in one
/// command, with a running engine or none; columns, the override file,
/// capture, and the existing values queued behind the waiting changes.
@Suite("Maps: add-field", .serialized)
struct AddFieldTests {
    static let map = "sample.customers"

    /// The CRM's accounts with the new column, quoted by SQLite.
    static let crmAccounts =
        "SELECT quote(accountnumber)||'|'||quote(name)||'|'||quote(contoso_tier) FROM account ORDER BY 1"
    /// The ERP's customers with the column, quoted by SQLite.
    static let erpCustomers = "SELECT quote(ACCOUNTNUM)||'|'||quote(NAME)||'|'||quote(TIER) FROM CustTable ORDER BY 1"

    /// An environment with the sample customer map whose ERP table already
    /// has a column `TIER` with values that the map does not carry.
    static func fixture(_ label: String) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers"])
        try SideReader.execute(
            fixture.erp,
            """
            ALTER TABLE CustTable ADD COLUMN TIER TEXT;
            INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP, TIER) VALUES
              ('usmf', 'C1', 'Contoso', '10', 'Gold'),
              ('usmf', 'C2', 'Fabrikam', '10', NULL),
              ('usmf', 'C3', 'Litware', '10', 'Silver');
            """)
        return fixture
    }

    @Test(
        "A field added to a running map: the CRM column is made, the ERP's values travel behind the changes already queued, later edits flow both ways, and status does not call the file stale"
    )
    func runningEngine() async throws {
        let fixture = try Self.fixture("add-field-running")
        let run = try await fixture.tandem(["maps", "run", "sample.groups", Self.map])
        try #require(run.status == 0, "\(run.stderr)")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 3 }
        // Queued while the map is paused: a new row, and a name edit of a row with a tier.
        let pause = try await fixture.tandem(["maps", "pause", Self.map])
        try #require(pause.status == 0, "\(pause.stderr)")
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP, TIER) VALUES ('usmf', 'C4', 'Adatum', '10', 'Bronze');
            UPDATE CustTable SET NAME = 'Contoso Ltd' WHERE ACCOUNTNUM = 'C1';
            """)

        let add = try await fixture.tandem(["maps", "add-field", Self.map, "--erp", "TIER", "--crm", "contoso_tier"])
        try #require(add.status == 0, "\(add.stdout)\(add.stderr)")
        #expect(
            add.stdout
                == "sample.customers: added — ERP TIER <-> CRM contoso_tier: column contoso_tier TEXT added to crm table account; field added to maps/sample.customers.yaml; 3 existing value(s) queued from the erp side\n"
        )
        let file = try String(contentsOfFile: fixture.directory + "/maps/sample.customers.yaml", encoding: .utf8)
        #expect(file.hasSuffix("extends: sample.customers\nfields:\n  add:\n    - { erp: TIER, crm: contoso_tier, direction: <-> }\n"))
        // Nothing crossed while paused: the values wait behind the queued changes.
        #expect(try SideReader.rows(fixture.crm, Self.crmAccounts) == ["'C1'|'Contoso'|NULL", "'C2'|'Fabrikam'|NULL", "'C3'|'Litware'|NULL"])

        let resume = try await fixture.tandem(["maps", "resume", Self.map])
        try #require(resume.status == 0, "\(resume.stderr)")
        let expected = ["'C1'|'Contoso Ltd'|'Gold'", "'C2'|'Fabrikam'|NULL", "'C3'|'Litware'|'Silver'", "'C4'|'Adatum'|'Bronze'"]
        try await waitUntil { try SideReader.rows(fixture.crm, Self.crmAccounts) == expected }

        // Later edits of the column travel both ways, like any field's.
        try SideReader.execute(fixture.crm, "UPDATE account SET contoso_tier = 'Platinum' WHERE accountnumber = 'C2'")
        try SideReader.execute(fixture.erp, "UPDATE CustTable SET TIER = 'Gold' WHERE ACCOUNTNUM = 'C3'")
        let both = ["'C1'|'Contoso Ltd'|'Gold'", "'C2'|'Fabrikam'|'Platinum'", "'C3'|'Litware'|'Gold'", "'C4'|'Adatum'|'Bronze'"]
        try await waitUntil {
            try SideReader.rows(fixture.crm, Self.crmAccounts) == both && SideReader.rows(fixture.erp, Self.erpCustomers) == both
        }

        // The engine compiled the map again from the file it wrote: status does not ask for a restart.
        let status = try await fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(!status.stdout.contains("map file"), "\(status.stdout)")
        let log = try await fixture.tandem(["log", "--kind", "field added"])
        #expect(log.stdout.contains("ERP TIER <-> CRM contoso_tier"), "\(log.stdout)\(log.stderr)")
    }

    @Test(
        "With no engine running the command does the work itself; a hand-written override keeps its comments and gets the field after its own; the next engine carries the values"
    )
    func noEngineHandWrittenOverride() async throws {
        let fixture = try Self.fixture("add-field-stopped")
        try SideReader.execute(fixture.crm, "ALTER TABLE account ADD COLUMN contoso_note TEXT")
        try FileManager.default.createDirectory(atPath: fixture.directory + "/maps", withIntermediateDirectories: true)
        let handWritten = """
            # Contoso's customer map changes.
            extends: sample.customers
            fields:
              add:
                - erp: NOTES2
                  crm: contoso_note     # the CRM's own note column
                  direction: <-
              remove: [LOGO]

            """
        try SideReader.execute(fixture.erp, "ALTER TABLE CustTable ADD COLUMN NOTES2 TEXT")
        try handWritten.write(toFile: fixture.directory + "/maps/contoso.yaml", atomically: true, encoding: .utf8)
        let run = try await fixture.tandem(["maps", "run", "sample.groups", Self.map])
        try #require(run.status == 0, "\(run.stderr)")

        let add = try await fixture.tandem([
            "maps", "add-field", Self.map, "--erp", "TIER", "--crm", "contoso_tier", "--direction", "erp-to-crm",
        ])
        try #require(add.status == 0, "\(add.stdout)\(add.stderr)")
        #expect(add.stdout.contains("field added to maps/contoso.yaml; 2 existing value(s) queued from the erp side"), "\(add.stdout)")
        let file = try String(contentsOfFile: fixture.directory + "/maps/contoso.yaml", encoding: .utf8)
        #expect(
            file == handWritten.replacingOccurrences(
                of: "      direction: <-\n", with: "      direction: <-\n    - { erp: TIER, crm: contoso_tier, direction: -> }\n"))

        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        let expected = ["'C1'|'Contoso'|'Gold'", "'C2'|'Fabrikam'|NULL", "'C3'|'Litware'|'Silver'"]
        try await waitUntil { try SideReader.rows(fixture.crm, Self.crmAccounts) == expected }
        // One way: a CRM edit of the column stays on the CRM.
        try SideReader.execute(fixture.crm, "UPDATE account SET contoso_tier = 'Platinum', contoso_note = 'n' WHERE accountnumber = 'C2'")
        try await waitUntil { try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM CustTable WHERE NOTES2 = 'n'") == 1 }
        #expect(try SideReader.rows(fixture.erp, Self.erpCustomers) == ["'C1'|'Contoso'|'Gold'", "'C2'|'Fabrikam'|NULL", "'C3'|'Litware'|'Silver'"])
    }

    @Test("Mistakes are refused with what to do, and change nothing: a column the map has, a type that is not one, a direction the map cannot carry, an unknown map")
    func mistakes() async throws {
        let fixture = try Self.fixture("add-field-mistakes")
        let columns = "SELECT group_concat(name) FROM pragma_table_info('account')"
        let before = try SideReader.rows(fixture.crm, columns)
        let cases: [([String], Int32, String)] = [
            (
                ["--erp", "NAME", "--crm", "contoso_name"], 1,
                "sample.customers: refused — map sample.customers already has a field on ERP column NAME (ERP NAME <-> CRM name); `tandem maps inspect sample.customers` shows its fields. To change that field, edit it under fields.change of the map's override file\n"
            ),
            (
                ["--erp", "TIER", "--crm", "contoso_tier", "--type", "TEXT); DROP TABLE account; --"], 1,
                "sample.customers: refused — --type 'TEXT); DROP TABLE account; --' is not a column type; give one such as TEXT, INTEGER, NUMERIC(32, 10) or BLOB\n"
            ),
            (
                ["--erp", "TIER", "--crm", "contoso_tier", "--direction=<-"], 1,
                "sample.customers: refused — the existing values cannot go from the erp side: the field syncs <- in a map that syncs both; give --from crm\n"
            ),
            (
                ["--erp", "TIER", "--crm", "contoso_tier", "--from", "crm"], 1,
                "sample.customers: refused — --from crm: the crm table account has no column contoso_tier yet, so it has no values to send; leave --from out\n"
            ),
        ]
        for (arguments, status, output) in cases {
            let result = try await fixture.tandem(["maps", "add-field", Self.map] + arguments)
            #expect(result.status == status, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stdout == output, "\(arguments)")
        }
        let direction = try await fixture.tandem(["maps", "add-field", Self.map, "--erp", "A", "--crm", "b", "--direction", "<>"])
        #expect(direction.status == 64)
        #expect(direction.stderr.contains("--direction must be both, erp-to-crm or crm-to-erp (or <->, ->, <-), not '<>'"), "\(direction.stderr)")
        let unknown = try await fixture.tandem(["maps", "add-field", "sample.customer", "--erp", "A", "--crm", "b"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("map 'sample.customer' is not enabled in this environment"), "\(unknown.stderr)")
        // Nothing changed: no column, no file.
        #expect(try SideReader.rows(fixture.crm, columns) == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/maps/sample.customers.yaml"))
    }

    @Test("The override editor adds a line and leaves every other line alone, or declines a layout it cannot edit")
    func overrideEditor() throws {
        let entry = "{ erp: X, crm: y, direction: <-> }"
        let cases: [(String, String?)] = [
            ("extends: m\n", "extends: m\nfields:\n  add:\n    - \(entry)\n"),
            ("extends: m", "extends: m\nfields:\n  add:\n    - \(entry)\n"),
            (
                "extends: m\nfields:\n  remove: [A]   # no\n",
                "extends: m\nfields:\n  add:\n    - \(entry)\n  remove: [A]   # no\n"
            ),
            (
                "extends: m\nfields:\n  add:\n  - { erp: A, crm: a }\n  # kept\n",
                "extends: m\nfields:\n  add:\n  - { erp: A, crm: a }\n  - \(entry)\n  # kept\n"
            ),
            (
                "extends: m\nfields:\n    add:\n      -   erp: A\n          crm: a\n    remove: [B]\n",
                "extends: m\nfields:\n    add:\n      -   erp: A\n          crm: a\n      - \(entry)\n    remove: [B]\n"
            ),
            ("extends: m\nfields: { add: [{ erp: A, crm: a }] }\n", nil),
            ("extends: m\nfields:\n  add: [{ erp: A, crm: a }]\n", nil),
            ("{ extends: m }\n", nil),
        ]
        for (text, expected) in cases {
            #expect(OverrideFileEditor.adding(entry, to: text) == expected, "\(text)")
        }
        #expect(OverrideFileEditor.scalar("TIER") == "TIER")
        #expect(OverrideFileEditor.scalar("yes") == "\"yes\"")
        #expect(OverrideFileEditor.scalar("a b:c") == "\"a b:c\"")
    }
}
