import Foundation
import TandemTestSupport
import Testing

/// NUL bytes inside text keys and values, with the engine and the CLI as
/// real processes: SQLite's `quote()` prints a text as a C string, so the
/// capture triggers used to cut a text at its first NUL, which merged the
/// keys `'K'` and `'K\0evil'` into one row and truncated values.
@Suite("NUL bytes in keys and values", .serialized)
struct NulByteTests {
    /// Every customer row of the ERP side, byte for byte: each column's hex and storage class.
    static let erpCustomers = """
        SELECT hex(DATAAREAID)||'|'||hex(ACCOUNTNUM)||'|'||hex(NAME)||':'||typeof(NAME)||'|'||hex(NOTES)||':'||typeof(NOTES)
        FROM CustTable ORDER BY ACCOUNTNUM
        """
    /// The CRM side's accounts in the same form.
    static let crmAccounts = """
        SELECT hex(msdyn_company)||'|'||hex(accountnumber)||'|'||hex(name)||':'||typeof(name)||'|'||hex(description)||':'||typeof(description)
        FROM account ORDER BY accountnumber
        """

    static func customersFixture(_ label: String) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers"])
        let run = try fixture.tandem(["maps", "run", "sample.groups", "sample.customers"])
        #expect(run.status == 0, "\(run.stderr)")
        return fixture
    }

    /// Waits until both sides hold `count` customers, equal byte for byte; returns the ERP side's rows.
    static func awaitEqual(_ fixture: SyncFixture, count: Int) async throws -> [String] {
        try await waitUntil {
            let erp = try SideReader.rows(fixture.erp, erpCustomers)
            let crm = try SideReader.rows(fixture.crm, crmAccounts)
            return erp.count == count && erp == crm
        }
        let erp = try SideReader.rows(fixture.erp, erpCustomers)
        let crm = try SideReader.rows(fixture.crm, crmAccounts)
        #expect(erp == crm, "\(SideReader.differences(erp, crm))")
        return erp
    }

    @Test(
        "Live sync keeps keys that differ only after a NUL byte apart and carries values holding NULs exactly, both ways; compare sees them in step"
    )
    func liveBothWays() async throws {
        let fixture = try Self.customersFixture("nul-live")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, NOTES) VALUES ('usmf', 'K', 'plain', NULL);
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, NOTES) VALUES ('usmf', 'K' || char(0) || 'evil', 'evil', NULL);
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, NOTES)
                VALUES ('usmf', 'V', 'before' || char(0) || 'after', char(0) || 'lead' || char(0));
            """)
        let rows = try await Self.awaitEqual(fixture, count: 3)
        // The two keys are two rows, each with its own name.
        #expect(rows.contains("75736D66|4B|706C61696E:text|:null"))
        #expect(rows.contains("75736D66|4B006576696C|6576696C:text|:null"))
        #expect(rows.contains("75736D66|56|6265666F7265006166746572:text|006C65616400:text"))

        // The other way: a CRM edit of the NUL key's row reaches that row only; a CRM insert with a NUL in its key is a row of its own.
        try SideReader.execute(
            fixture.crm,
            """
            UPDATE account SET name = 'crm' || char(0) || 'edit' WHERE accountnumber = 'K' || char(0) || 'evil';
            INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', 'K' || char(0) || 'crm', 'from crm');
            """)
        let after = try await Self.awaitEqual(fixture, count: 4)
        #expect(after.contains("75736D66|4B|706C61696E:text|:null"))
        #expect(after.contains("75736D66|4B006576696C|63726D0065646974:text|:null"))
        #expect(after.contains("75736D66|4B0063726D|66726F6D2063726D:text|:null"))

        // A delete of the NUL key deletes that row, not 'K'.
        try SideReader.execute(fixture.erp, "DELETE FROM CustTable WHERE ACCOUNTNUM = 'K' || char(0) || 'evil'")
        let deleted = try await Self.awaitEqual(fixture, count: 3)
        #expect(deleted.contains("75736D66|4B|706C61696E:text|:null"))
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 0)

        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
        let compare = try await fixture.tandem(["maps", "compare", "sample.customers"])
        #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
    }

    @Test(
        "tandem write carries a NUL byte in a key and in a value to both sides exactly; 'W' and 'W\\0x' stay two rows")
    func writeThrough() throws {
        let fixture = try Self.customersFixture("nul-write")
        let write = try fixture.tandem([
            "write", "erp", "CustTable",
            #"[{"DATAAREAID": "usmf", "ACCOUNTNUM": "W", "NAME": "plain"}, {"DATAAREAID": "usmf", "ACCOUNTNUM": "W\u0000x", "NAME": "a\u0000b"}]"#,
        ])
        #expect(write.status == 0, "\(write.stderr)")
        let erp = try SideReader.rows(fixture.erp, Self.erpCustomers)
        #expect(erp == ["75736D66|57|706C61696E:text|:null", "75736D66|570078|610062:text|:null"])
        #expect(try SideReader.rows(fixture.crm, Self.crmAccounts) == erp)
    }

    @Test(
        "Initial sync, on the bulk path and on the row path, copies NUL keys and values exactly, and a conflict records both versions whole"
    )
    func initialSyncBothPaths() throws {
        for bulk in [true, false] {
            let fixture = try SyncFixture.make("nul-initial-\(bulk)", maps: ["sample.groups", "sample.customers"])
            try SideReader.execute(
                fixture.erp,
                """
                INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME) VALUES ('usmf', 'K', 'plain'), ('usmf', 'K' || char(0) || 'evil', 'evil'),
                    ('usmf', 'V', 'erp' || char(0) || 'side');
                """)
            // The CRM has V with another value: the master (ERP) keeps its version, and the conflict records both.
            try SideReader.execute(
                fixture.crm,
                "INSERT INTO account (msdyn_company, accountnumber, name) VALUES ('usmf', 'V', 'crm' || char(0) || 'side')"
            )
            let run = try fixture.tandem(
                ["maps", "initial-sync", "sample.groups", "sample.customers"] + (bulk ? [] : ["--no-bulk"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("sample.customers [master]: \(bulk ? "bulk" : "row") path"), "\(run.stderr)")
            let erp = try SideReader.rows(fixture.erp, Self.erpCustomers)
            #expect(erp.count == 3)
            #expect(try SideReader.rows(fixture.crm, Self.crmAccounts) == erp, "bulk: \(bulk)")
            #expect(erp.contains("75736D66|56|6572700073696465:text|:null"))
            let conflict = try SideReader.rows(
                fixture.crm, "SELECT key || ' ' || source_row || ' ' || target_row FROM _tandem_conflicts")
            #expect(conflict.count == 1)
            #expect(conflict.first?.contains("'usmf','V' ") == true, "\(conflict)")
            #expect(conflict.first?.contains("TX'6572700073696465'") == true, "\(conflict)")
            #expect(conflict.first?.contains("TX'63726D0073696465'") == true, "\(conflict)")
        }
    }
}
