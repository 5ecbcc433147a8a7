import Foundation
import TandemTestSupport
import Testing

/// A lookup into a company-specific table finds its parent in the row's own
/// company, also where the two tables name their company columns
/// differently: the map says which columns pair up (`lookup.match`).
@Suite("Composite lookups match on the company", .serialized)
struct CompositeLookupTests {
    /// The SDK's warehouses example, edited as an author would: the CRM
    /// warehouse keeps its company in `msdyn_legalentity`, while its site
    /// (the lookup's parent) keeps it in `cdm_companycode`.
    static let edits = [
        (
            #""crm": { "table": "msdyn_warehouse", "key": ["cdm_companycode", "msdyn_warehouseidentifier"] },"#,
            #""crm": { "table": "msdyn_warehouse", "key": ["msdyn_legalentity", "msdyn_warehouseidentifier"] },"#
        ),
        (
            #"{ "erp": "DATAAREAID", "crm": "cdm_companycode", "direction": "<->" },\#n                { "erp": "WAREHOUSEID""#,
            #"{ "erp": "DATAAREAID", "crm": "msdyn_legalentity", "direction": "<->" },\#n                { "erp": "WAREHOUSEID""#
        ),
        (
            #""lookup": { "map": "contoso.sites", "erp": "SITEID", "crm": "msdyn_siteid" } },"#,
            #""lookup": { "map": "contoso.sites", "erp": "SITEID", "crm": "msdyn_siteid", "match": { "crm": { "msdyn_legalentity": "cdm_companycode" } } } },"#
        ),
        (
            "msdyn_warehouse (cdm_companycode TEXT NOT NULL", "msdyn_warehouse (msdyn_legalentity TEXT NOT NULL"
        ),
        (
            "PRIMARY KEY (cdm_companycode, msdyn_warehouseidentifier)",
            "PRIMARY KEY (msdyn_legalentity, msdyn_warehouseidentifier)"
        ),
    ]

    static let crmWarehouses = """
        SELECT quote(msdyn_legalentity)||'|'||quote(msdyn_warehouseidentifier)||'|'||quote(msdyn_name)||'|'||quote(msdyn_operationalsiteid)
        FROM msdyn_warehouse ORDER BY 1
        """
    static let erpWarehouses = """
        SELECT quote(DATAAREAID)||'|'||quote(WAREHOUSEID)||'|'||quote(NAME)||'|'||quote(INVENTSITEID) FROM InventWarehouse ORDER BY 1
        """

    @Test(
        "A usmf warehouse whose site exists only in company dat waits for the usmf site, on the CRM side where the company columns are named differently, and arrives with it"
    )
    func companyMatched() async throws {
        let fixture = try SyncFixture.make("composite-lookup", maps: [])
        _ = try Fixtures.warehousesExample(editing: Self.edits, into: fixture.directory + "/plugins")
        let config = fixture.directory + "/tandem.yaml"
        try CustomTablePluginTests.enableMaps(try String(contentsOfFile: config, encoding: .utf8)).write(
            toFile: config, atomically: true, encoding: .utf8)
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        let run = try await fixture.tandem(["maps", "run"] + CustomTablePluginTests.maps)
        try #require(run.status == 0, "\(run.stderr)")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }

        try CustomTablePluginTests.sqlite3(fixture.erp, "INSERT INTO InventSite VALUES ('dat', 'S1', 'Dat site');")
        try await waitUntil {
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_operationalsite") == 1
        }
        try CustomTablePluginTests.sqlite3(
            fixture.erp,
            """
            INSERT INTO InventWarehouse VALUES ('usmf', 'W1', 'Usmf main', 'S1', 'Standard', NULL);
            INSERT INTO InventWarehouse VALUES ('dat', 'W2', 'Dat main', 'S1', 'Standard', NULL);
            """)
        // The dat warehouse has its site; the usmf one waits for a usmf S1.
        try await waitUntil {
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_warehouse WHERE msdyn_warehouseidentifier = 'W2'") == 1
        }
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 1 }
        #expect(try SideReader.rows(fixture.crm, Self.crmWarehouses) == ["'dat'|'W2'|'Dat main'|'S1'"])
        #expect(
            try SideReader.rows(fixture.crm, "SELECT kind || ': ' || reason FROM _tandem_parked") == [
                "parent: waits for its parent in map contoso.sites: text 'S1' is not on the crm side yet"
            ])

        try CustomTablePluginTests.sqlite3(fixture.erp, "INSERT INTO InventSite VALUES ('usmf', 'S1', 'Usmf site');")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_warehouse") == 2 }
        #expect(
            try SideReader.rows(fixture.crm, Self.crmWarehouses) == ["'dat'|'W2'|'Dat main'|'S1'", "'usmf'|'W1'|'Usmf main'|'S1'"])

        // CRM to ERP, the ERP columns share their name: a CRM warehouse in a company without the site waits too.
        try CustomTablePluginTests.sqlite3(
            fixture.crm,
            """
            INSERT INTO msdyn_warehouse (msdyn_legalentity, msdyn_warehouseidentifier, msdyn_name, msdyn_operationalsiteid, msdyn_warehousetype)
            VALUES ('demf', 'W3', 'Demf main', 'S1', 192350000), ('usmf', 'W4', 'Usmf second', 'S1', 192350000);
            """)
        try await waitUntil {
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM InventWarehouse WHERE WAREHOUSEID = 'W4'") == 1
        }
        try await waitUntil { try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 1 }
        #expect(
            try SideReader.rows(fixture.erp, Self.erpWarehouses) == [
                "'dat'|'W2'|'Dat main'|'S1'", "'usmf'|'W1'|'Usmf main'|'S1'", "'usmf'|'W4'|'Usmf second'|'S1'",
            ])
    }

    @Test(
        "A lookup whose match names a column the map does not write in that direction fails that map with the column named; the engine keeps running"
    )
    func unmappedMatchColumn() async throws {
        let fixture = try SyncFixture.make("composite-lookup-bad", maps: [])
        var edits = Self.edits
        edits[2].1 = edits[2].1.replacingOccurrences(of: #"{ "msdyn_legalentity": "#, with: #"{ "msdyn_company": "#)
        _ = try Fixtures.warehousesExample(editing: edits, into: fixture.directory + "/plugins")
        let config = fixture.directory + "/tandem.yaml"
        try CustomTablePluginTests.enableMaps(try String(contentsOfFile: config, encoding: .utf8)).write(
            toFile: config, atomically: true, encoding: .utf8)
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        // The map fails rather than look up without the company; the engine goes on (issue 17).
        let engine = try fixture.startEngine()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        let reason =
            "contoso.warehouses failed: map contoso.warehouses (erp-to-crm): the lookup into map contoso.sites matches column 'msdyn_company', which no field writes to msdyn_warehouse in this direction"
        try await waitUntil { try fixture.tandem(["maps", "list"]).stdout.contains(reason) }
        #expect(try await fixture.tandem(["maps", "list"]).stdout.contains(reason))
        #expect(engine.isRunning, "\(fixture.engineLog)")
        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }
}
