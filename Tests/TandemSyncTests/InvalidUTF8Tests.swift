import Foundation
import TandemTestSupport
import Testing

/// Text that is not valid UTF-8, in a key and in a value: Tandem parks the
/// row with the column, the byte and what to do, and never repairs it to
/// U+FFFD (which made two keys one, and a CRM update of the repaired copy a
/// second ERP row).
@Suite("Text that is not valid UTF-8", .serialized)
struct InvalidUTF8Tests {
    /// A key, a second key that U+FFFD repair would make the same, a value, and a good row.
    static let rows = """
        INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME) VALUES ('usmf', CAST(x'4BFF' AS TEXT), 'bad key');
        INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME) VALUES ('usmf', CAST(x'4BFE' AS TEXT), 'bad key too');
        INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME) VALUES ('usmf', 'B', CAST(x'6F6BC328' AS TEXT));
        INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME) VALUES ('usmf', 'G', 'good');
        """

    static func entries(_ fixture: SyncFixture) throws -> [[String: Any]] {
        let result = try fixture.tandem(["errors", "list", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(
        "Live sync parks a row whose key or value is not valid UTF-8, naming table, column, key and byte; nothing is repaired, no row doubles, and retry after a fix at the source applies it"
    )
    func live() async throws {
        let fixture = try SyncFixture.make("utf8-live", maps: ["sample.groups", "sample.customers"])
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, Self.rows)
        try await waitUntil { try Self.entries(fixture).count == 3 }
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT accountnumber FROM account") == ["G"] }

        let entries = try Self.entries(fixture).sorted { ($0["key"] as? String ?? "") < ($1["key"] as? String ?? "") }
        #expect(entries.map { $0["key"] as? String } == ["'usmf','B'", "'usmf',TX'4BFE'", "'usmf',TX'4BFF'"])
        #expect(entries.allSatisfy { $0["errorClass"] as? String == "application" })
        let value = try #require(entries.first?["reason"] as? String)
        #expect(
            value
                == "table CustTable on the erp side, key 'usmf','B': column NAME is not valid UTF-8: byte 3 of 4 (0xC3) in TX'6F6BC328'; "
                + "Tandem carries text byte for byte and does not repair it; fix the value on the erp side (the update is captured), "
                + "then `tandem errors retry ID`")
        let key = try #require(entries.last?["reason"] as? String)
        #expect(
            key.hasPrefix(
                "table CustTable on the erp side, key 'usmf',TX'4BFF': column ACCOUNTNUM is not valid UTF-8: byte 2 of 2 (0xFF)"
            ), "\(key)")

        // Shown with every column, the bad one as its bytes.
        let id = try #require(entries.last?["id"] as? String)
        let shown = try await fixture.tandem(["errors", "show", id])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("ACCOUNTNUM = TX'4BFF'"), "\(shown.stdout)")
        #expect(shown.stdout.contains("NAME = 'bad key'"), "\(shown.stdout)")
        #expect(shown.stdout.contains("not valid UTF-8"), "\(shown.stdout)")

        // No repaired copy on the CRM side, so nothing a CRM user could update into a second ERP row.
        #expect(
            try SideReader.scalar(
                fixture.crm, "SELECT COUNT(*) FROM account WHERE instr(accountnumber, char(65533)) > 0") == 0)
        try SideReader.execute(fixture.crm, "UPDATE account SET name = 'crm edit' WHERE accountnumber = 'G'")
        try await waitUntil {
            try SideReader.rows(fixture.erp, "SELECT NAME FROM CustTable WHERE ACCOUNTNUM = 'G'") == ["crm edit"]
        }
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM CustTable") == 4)
        #expect(
            try SideReader.rows(fixture.erp, "SELECT hex(ACCOUNTNUM) FROM CustTable ORDER BY ACCOUNTNUM") == [
                "42", "47", "4BFE", "4BFF",
            ])

        // Fixed at the source: the update waits behind the parked change, and retry applies the key's latest row.
        try SideReader.execute(fixture.erp, "UPDATE CustTable SET NAME = 'ok' WHERE ACCOUNTNUM = 'B'")
        let valueID = try #require(entries.first?["id"] as? String)
        try await waitUntil {
            try SideReader.scalar(
                fixture.crm, "SELECT COUNT(*) FROM _tandem_parked WHERE key = '''usmf'',''B''' AND kind = 'behind'")
                == 1
        }
        let retried = try await fixture.tandem(["errors", "retry", valueID])
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        #expect(try SideReader.rows(fixture.crm, "SELECT hex(name) FROM account WHERE accountnumber = 'B'") == ["6F6B"])
        #expect(try Self.entries(fixture).count == 2)
    }

    @Test(
        "Initial sync parks the same rows with the same reasons on the bulk path as on the row path, and copies the rest"
    )
    func initialSyncBothPaths() throws {
        var parked: [[String]] = []
        for bulk in [true, false] {
            let fixture = try SyncFixture.make("utf8-initial-\(bulk)", maps: ["sample.groups", "sample.customers"])
            try SideReader.execute(fixture.erp, Self.rows)
            let run = try fixture.tandem(
                ["maps", "initial-sync", "sample.groups", "sample.customers"] + (bulk ? [] : ["--no-bulk"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("sample.customers [master]: \(bulk ? "bulk" : "row") path"), "\(run.stderr)")
            #expect(
                try SideReader.rows(fixture.crm, "SELECT hex(accountnumber) || ' ' || hex(name) FROM account") == [
                    "47 676F6F64"
                ])
            parked.append(
                try SideReader.rows(fixture.crm, "SELECT key || ' ' || reason FROM _tandem_parked ORDER BY key"))
        }
        #expect(parked[0].count == 3)
        #expect(parked[0] == parked[1])
        #expect(parked[0].allSatisfy { $0.contains("is not valid UTF-8") }, "\(parked[0])")
    }
}
