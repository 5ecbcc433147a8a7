import Foundation
@testable import TandemEngine
import TandemTestSupport
import Testing

/// Rows a map's filter leaves out are never synced and raise no error, so
/// `maps compare` and `status` count them per map and `maps validate` warns
/// of the ones that look like slips in the data (issue 16, item 5): the
/// standard customer maps, whose filters read `PARTYTYPE`.
@Suite("Rows a filter leaves out are counted and named")
struct FilteredRowsTests {
    static let maps = [
        "companies", "currencies", "payment-terms", "customer-groups", "parties", "customers-accounts", "customers-contacts",
    ]

    /// Five customers: one organisation as the filter wants it, and one each
    /// with `PARTYTYPE` NULL, in lower case, with a trailing blank, and a person.
    static func environment(_ label: String) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: maps)
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO OMLegalEntity VALUES ('usmf', 'Contoso');
            INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE, ORGANIZATIONNAME) VALUES
                ('usmf', 'C1', 'Organization', 'Right'), ('usmf', 'C2', NULL, 'No type'),
                ('usmf', 'C3', 'organization', 'Lower case'), ('usmf', 'C4', 'Person', NULL),
                ('usmf', 'C5', 'Organization ', 'Trailing blank');
            """)
        let sync = try fixture.tandem(["maps", "initial-sync", "companies", "customers-accounts", "--no-run"])
        try #require(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(try SideReader.rows(fixture.crm, "SELECT accountnumber FROM account") == ["C1"])
        return fixture
    }

    @Test("The columns a filter reads and its text literals are told apart: quotes, doubled quotes, numbers, comments")
    func filterTokens() {
        let (words, literals) = SideDatabase.tokens(
            "\"Party Type\" IN ('it''s', 'Person') AND [GROUP] <> 'x AND y' AND `a` = 1e5 -- NOTE 'z'\n OR lower(b) = 'c'")
        #expect(words == ["Party Type", "IN", "AND", "GROUP", "AND", "a", "OR", "lower", "b"])
        #expect(literals == ["it's", "Person", "x AND y", "c"])
        // A filter that tests a column for NULL means to leave those rows out.
        let invoices = SideDatabase.tokens("SALESORDERNUMBER IS NOT NULL AND SALESORDERNUMBER <> ''").words
        #expect(SideDatabase.testsNull("SALESORDERNUMBER", in: invoices))
        #expect(SideDatabase.testsNull("b", in: SideDatabase.tokens("coalesce(b, 'x') = 'x'").words))
        #expect(!SideDatabase.testsNull("PARTYTYPE", in: SideDatabase.tokens("PARTYTYPE = 'Organization'").words))
    }

    @Test("initial sync says how many rows the filter left out, in its output and in tandem log")
    func initialSync() throws {
        let fixture = try SyncFixture.make("filtered-initial", maps: Self.maps)
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO OMLegalEntity VALUES ('usmf', 'Contoso');
            INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE) VALUES
                ('usmf', 'C1', 'Organization'), ('usmf', 'C2', NULL), ('usmf', 'C3', 'organization');
            """)
        let sync = try fixture.tandem(["maps", "initial-sync", "companies", "customers-accounts", "--no-run"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(
            sync.stdout.contains(
                "  2 row(s) of the erp side left out by filters.erp_to_crm of plugin tandem.std.customers "
                    + "(PARTYTYPE = 'Organization'): `tandem maps compare customers-accounts` names them, "
                    + "`tandem maps validate customers-accounts` finds NULLs and wrong case"),
            "\(sync.stdout)")
        // Companies has no filter: one such line only.
        #expect(sync.stdout.components(separatedBy: "left out by").count == 2, "\(sync.stdout)")
        let log = try fixture.tandem(["log", "--map", "customers-accounts", "--kind", "initial sync finished", "--json"])
        #expect(
            log.stdout.contains(
                "2 row(s) left out by filters.erp_to_crm of plugin tandem.std.customers (PARTYTYPE = 'Organization')"),
            "\(log.stdout)")
    }

    @Test("maps compare counts the rows the filter leaves out (FILTERED) and names their keys and the filter; still in step")
    func compare() throws {
        let fixture = try Self.environment("filtered-compare")
        let json = try fixture.tandem(["maps", "compare", "customers-accounts", "--json"])
        #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
        let result = try #require(
            (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(result["sourceRows"] as? Int == 5)
        #expect(result["carried"] as? Int == 1)
        #expect(result["filteredOut"] as? Int == 4)
        #expect(result["filter"] as? String == "PARTYTYPE = 'Organization'")
        #expect(result["filterOrigin"] as? String == "filters.erp_to_crm of plugin tandem.std.customers")
        #expect(
            result["filteredOutExamples"] as? [String] == ["'usmf','C2'", "'usmf','C3'", "'usmf','C4'", "'usmf','C5'"])
        #expect(result["inStep"] as? Bool == true)

        let text = try fixture.tandem(["maps", "compare", "customers-accounts"])
        #expect(text.stdout.contains("FILTERED"), "\(text.stdout)")
        #expect(
            text.stdout.contains(
                "customers-accounts left out by filters.erp_to_crm of plugin tandem.std.customers "
                    + "(PARTYTYPE = 'Organization'): 4 row(s), e.g. 'usmf','C2'; 'usmf','C3'; 'usmf','C4'; 'usmf','C5'"),
            "\(text.stdout)")
    }

    @Test("status counts, per map and direction, the rows the filter leaves out now")
    func status() throws {
        let fixture = try Self.environment("filtered-status")
        let result = try fixture.tandem(["status", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let maps = try #require(report["maps"] as? [[String: Any]])
        func filteredOut(_ map: String, _ direction: String) -> Int? {
            let entry = maps.first { $0["name"] as? String == map }
            let directions = entry?["directions"] as? [[String: Any]] ?? []
            return directions.first { $0["direction"] as? String == direction }?["filteredOut"] as? Int
        }
        #expect(filteredOut("customers-accounts", "erp-to-crm") == 4)
        // The account C1 has customertypecode 3, as the filter back wants.
        #expect(filteredOut("customers-accounts", "crm-to-erp") == 0)
        #expect(filteredOut("customers-contacts", "erp-to-crm") == 4)
        // No filter, nothing to count.
        #expect(filteredOut("companies", "erp-to-crm") == nil)

        let text = try fixture.tandem(["status"])
        #expect(text.stdout.contains("FILTERED"), "\(text.stdout)")
    }

    @Test("maps validate warns (TW011) of rows with NULL in a filter column and values that miss by case or blanks only")
    func validate() throws {
        let fixture = try Self.environment("filtered-validate")
        let result = try fixture.tandem(["maps", "validate", "customers-accounts", "customers-contacts", "--json"])
        let list = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        let warnings = list.filter { $0["code"] as? String == "TW011" }
        #expect(warnings.allSatisfy { $0["severity"] as? String == "warning" && $0["direction"] as? String == "erp-to-crm" })
        let messages = Set(warnings.map { "\($0["map"] as? String ?? ""): \($0["message"] as? String ?? "")" })
        #expect(
            messages == [
                "customers-accounts: 1 row(s) of CustCustomerV3Entity have no PARTYTYPE (NULL), and the filter of "
                    + "tandem.std.customers (PARTYTYPE = 'Organization') leaves them out: they never reach account, "
                    + "and no error says so",
                "customers-accounts: 1 row(s) of CustCustomerV3Entity have PARTYTYPE 'organization', which misses "
                    + "'Organization' of the filter of tandem.std.customers (PARTYTYPE = 'Organization') by case or "
                    + "blanks only: they never reach account, and no error says so",
                "customers-accounts: 1 row(s) of CustCustomerV3Entity have PARTYTYPE 'Organization ', which misses "
                    + "'Organization' of the filter of tandem.std.customers (PARTYTYPE = 'Organization') by case or "
                    + "blanks only: they never reach account, and no error says so",
                "customers-contacts: 1 row(s) of CustCustomerV3Entity have no PARTYTYPE (NULL), and the filter of "
                    + "tandem.std.customers (PARTYTYPE = 'Person') leaves them out: they never reach contact, and no "
                    + "error says so",
            ], "\(list)")
        #expect(
            warnings.first?["fix"] as? String
                == "give them a PARTYTYPE (the filter reads it, so it is required), or change the filter in tandem.yaml")

        // Fixed data: no warning left.
        try SideReader.execute(
            fixture.erp, "UPDATE CustCustomerV3Entity SET PARTYTYPE = 'Organization' WHERE CUSTOMERACCOUNT IN ('C2', 'C3', 'C5')")
        let fixed = try fixture.tandem(["maps", "validate", "customers-accounts", "customers-contacts", "--json"])
        #expect(!fixed.stdout.contains("TW011"), "\(fixed.stdout)")
    }
}
