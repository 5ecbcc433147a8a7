import Foundation
import TandemTestSupport
import Testing

/// Lookups into company-specific tables match the parent in the row's own
/// company, in live sync and in initial sync's bulk path alike.
@Suite("Lookups within a company", .serialized)
struct LookupTests {
    static let groupsAndCustomers = """
        INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');
        INSERT INTO CustTable VALUES ('usmf', 'C1', 'In usmf', '10', '1', 'No', NULL, NULL), ('demf', 'C2', 'In demf', '10', '2', 'No', NULL, NULL);
        """

    @Test("initial sync: a customer whose group exists only in another company waits in the error list, then arrives with its group")
    func initialSync() async throws {
        let fixture = try SyncFixture.make("lookup-initial", maps: ["sample.groups", "sample.customers"])
        try SideReader.execute(fixture.erp, Self.groupsAndCustomers)
        let run = try await fixture.tandem(["maps", "initial-sync", "sample.groups", "sample.customers"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sample.customers [master]: bulk path"), "\(run.stderr)")
        #expect(try SideReader.rows(fixture.crm, "SELECT msdyn_company || ' ' || accountnumber FROM account") == ["usmf C1"])
        let parked = try await fixture.tandem(["errors", "list", "--map", "sample.customers", "--json"])
        #expect(parked.stdout.contains("waits for its parent in map sample.groups: text '10' is not on the crm side yet"), "\(parked.stdout)")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO CustGroup VALUES ('demf', '10', 'Großhandel');")
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT msdyn_company || ' ' || accountnumber FROM account ORDER BY accountnumber") == ["usmf C1", "demf C2"] }
    }

    @Test("live sync: the same, change by change")
    func live() async throws {
        let fixture = try SyncFixture.make("lookup-live", maps: ["sample.groups", "sample.customers"])
        #expect(try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, Self.groupsAndCustomers)
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT accountnumber FROM account") == ["C1"] }
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked WHERE kind = 'parent'") == 1 }
        #expect(try SideReader.rows(fixture.crm, "SELECT key FROM _tandem_parked") == ["'demf','C2'"])
        try SideReader.execute(fixture.erp, "INSERT INTO CustGroup VALUES ('demf', '10', 'Großhandel');")
        try await waitUntil { try SideReader.rows(fixture.crm, "SELECT accountnumber FROM account ORDER BY 1") == ["C1", "C2"] }
    }
}
