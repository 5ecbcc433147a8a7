import Foundation
import TandemTestSupport
import Testing

/// In F&O a customer's name is its party's name (the customer entity reads
/// and writes the party): a rename on either CRM row reaches both ERP rows
/// and from there the other CRM row.
@Suite("A customer's name is its party's name", .serialized)
struct PartyNameTests {
    static let names = """
        SELECT 'erp customer ' || quote(c.ORGANIZATIONNAME) FROM CustCustomerV3Entity c WHERE c.CUSTOMERACCOUNT = 'US-000'
        UNION ALL SELECT 'erp party ' || quote(p.ORGANIZATIONNAME) FROM DirPartyCDSEntity p WHERE p.PARTYNUMBER = '000001'
        """
    static let crmNames = """
        SELECT 'crm account ' || quote(name) FROM account WHERE accountnumber = 'US-000'
        UNION ALL SELECT 'crm party ' || quote(msdyn_organizationname) FROM msdyn_party WHERE msdyn_partynumber = '000001'
        """

    @Test(
        "A CRM rename of an account renames its party on both sides; a CRM rename of the party renames the account on both sides"
    )
    func renamesFollow() async throws {
        let (fixture, engine) = try await StandardEnvironment.start("party-name")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.crm, "UPDATE account SET name = 'Contoso Ελλάς' WHERE accountnumber = 'US-000'")
        try await waitUntil {
            try SideReader.rows(fixture.crm, Self.crmNames) == ["crm account 'Contoso Ελλάς'", "crm party 'Contoso Ελλάς'"]
        }
        #expect(try SideReader.rows(fixture.erp, Self.names) == ["erp customer 'Contoso Ελλάς'", "erp party 'Contoso Ελλάς'"])

        try SideReader.execute(
            fixture.crm, "UPDATE msdyn_party SET msdyn_organizationname = 'Contoso Nordic' WHERE msdyn_partynumber = '000001'")
        try await waitUntil {
            try SideReader.rows(fixture.crm, Self.crmNames) == ["crm account 'Contoso Nordic'", "crm party 'Contoso Nordic'"]
        }
        #expect(try SideReader.rows(fixture.erp, Self.names) == ["erp customer 'Contoso Nordic'", "erp party 'Contoso Nordic'"])
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
        #expect(try ConflictTests.conflicts(fixture).isEmpty)
    }
}
