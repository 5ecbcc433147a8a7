import Foundation
import TandemTestSupport
import Testing

/// The field service assets plugin (`tandem.std.assets`, docs/MAPS.md) with
/// the real `tandem` executable and engine, in one shared environment: each
/// of the eleven maps round-trips both ways with its flags, lookups, exact
/// money and F&O's null date; children written before their parents wait
/// for them, on either side; an asset's model is found by its two-part key;
/// a value F&O does not have is an error on its row that names it.
@Suite(
    "Field service asset maps", .serialized,
    SharedEnvironment(
        label: "assets", maps: StandardEnvironment.maps + StandardEnvironment.assetMaps,
        seeds: [StandardEnvironment.assetSeed]))
struct AssetTests {
    @Test(
        "Every asset map round-trips both ways, flags, lookups, exact money and the null replacement date compared column for column",
        arguments: RoundTrip.assets)
    func roundTrip(_ trip: RoundTrip) async throws {
        let fixture = try SharedEnvironment.fixture
        try await trip.runInStep(fixture)
    }

    @Test(
        "Children written before their parents wait for them, on either side (an asset for its location and its model by manufacturer and id, a location for its parent, a lifecycle model for its state), and arrive once they do, value for value"
    )
    func childrenWaitForParents() async throws {
        let fixture = try SharedEnvironment.fixture
        // ERP: an asset at a site that does not exist yet, of a model Siemens does not have yet (Grundfos has a
        // CR-10: found by the id alone, the asset would not wait); a location under that site.
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO EntAssetObjectEntity (DATAAREAID, MAINTENANCEASSETID, NAME, PARENTMAINTENANCEASSETID, FUNCTIONALLOCATIONID,
                PRODUCTID, MODELPRODUCTID, MODELID, REPLACEMENTDATE)
                VALUES ('usmf', 'A-0100', 'Drive motor', 'A-0000', 'SITE-2', 'Siemens', 'Siemens', 'CR-10', '1900-01-01');
            INSERT INTO EntAssetFunctionalLocationEntity (DATAAREAID, FUNCTIONALLOCATIONID, NAME, PARENTFUNCTIONALLOCATIONID,
                FUNCTIONALLOCATIONLIFECYCLESTATEID, FUNCTIONALLOCATIONTYPEID)
                VALUES ('usmf', 'SITE-2-P1', 'Pump room', 'SITE-2', 'Operational', 'Building');
            """)
        // CRM: a lifecycle model whose active state does not exist yet.
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO msdyn_assetlifecyclemodel (msdyn_company, msdyn_assetlifecyclemodel_id, msdyn_name, msdyn_activelifecyclestate)
                VALUES ('usmf', 'Field', 'Field lifecycle', 'Deployed');
            """)
        // Each child waits in its own map's error list, for its parent.
        let children = ["assets": 1, "functional-locations": 1, "asset-lifecycle-models": 1]
        try await waitUntil(timeout: .seconds(90)) {
            try children.allSatisfy { try ErrorTests.entries(fixture, ["--map", $0.key]).count == $0.value }
        }
        for map in children.keys.sorted() {
            for entry in try ErrorTests.entries(fixture, ["--map", map]) {
                #expect(
                    (entry["reason"] as? String)?.contains("waits for its parent in map") == true, "\(map): \(entry)")
            }
        }
        for (path, sql) in [
            (fixture.crm, "SELECT COUNT(*) FROM msdyn_customerasset WHERE msdyn_maintenanceassetid = 'A-0100'"),
            (
                fixture.crm,
                "SELECT COUNT(*) FROM msdyn_functionallocation WHERE msdyn_functionallocation_id = 'SITE-2-P1'"
            ),
            (fixture.erp, "SELECT COUNT(*) FROM EntAssetLifecycleModelEntity WHERE LIFECYCLEMODELID = 'Field'"),
        ] {
            #expect(try SideReader.scalar(path, sql) == 0, "\(sql)")
        }

        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO EntAssetFunctionalLocationEntity (DATAAREAID, FUNCTIONALLOCATIONID, NAME, PARENTFUNCTIONALLOCATIONID,
                FUNCTIONALLOCATIONLIFECYCLESTATEID, FUNCTIONALLOCATIONTYPEID)
                VALUES ('usmf', 'SITE-2', 'Second site', 'SITE-1', 'Operational', 'Building');
            INSERT INTO EntAssetManufacturerModelEntity (DATAAREAID, PRODUCTID, MODELID, DESCRIPTION)
                VALUES ('usmf', 'Siemens', 'CR-10', 'Siemens CR-10 drive');
            """)
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO msdyn_assetlifecyclestate (msdyn_company, msdyn_assetlifecyclestate_id, msdyn_name, msdyn_line,
                msdyn_deleteopencalendarlines, msdyn_maintenanceassetactive) VALUES ('usmf', 'Deployed', 'Deployed', 9, 0, 1);
            """)
        let asset =
            "SELECT msdyn_parentasset || ' ' || msdyn_functionallocation || ' ' || msdyn_manufacturer || ' ' || msdyn_modelmanufacturer || ' ' || msdyn_model || ' ' || quote(msdyn_replacementdate) FROM msdyn_customerasset WHERE msdyn_maintenanceassetid = 'A-0100'"
        let location =
            "SELECT msdyn_parentfunctionallocation || ' ' || msdyn_functionallocationlifecyclestate || ' ' || msdyn_functionallocationtype FROM msdyn_functionallocation WHERE msdyn_functionallocation_id = 'SITE-2-P1'"
        let model =
            "SELECT NAME || ' ' || ACTIVELIFECYCLESTATEID || ' ' || quote(INBOUNDLIFECYCLESTATEID) FROM EntAssetLifecycleModelEntity WHERE LIFECYCLEMODELID = 'Field'"
        let state =
            "SELECT NAME || ' ' || LINE || ' ' || DELETEOPENCALENDARLINES || ' ' || MAINTENANCEASSETACTIVE FROM EntAssetLifecycleStateEntity WHERE LIFECYCLESTATEID = 'Deployed'"
        try await waitUntil(timeout: .seconds(90)) {
            try SideReader.rows(fixture.crm, asset).count == 1 && SideReader.rows(fixture.crm, location).count == 1
                && SideReader.rows(fixture.erp, model).count == 1
        }
        #expect(try SideReader.rows(fixture.crm, asset) == ["A-0000 SITE-2 Siemens Siemens CR-10 NULL"])
        #expect(try SideReader.rows(fixture.crm, location) == ["SITE-2 Operational Building"])
        #expect(try SideReader.rows(fixture.erp, model) == ["Field lifecycle Deployed NULL"])
        #expect(try SideReader.rows(fixture.erp, state) == ["Deployed 9 No Yes"])
        try StandardEnvironment.expectNothingParked(fixture)

        // Away again, children first, each where it was made.
        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM EntAssetObjectEntity WHERE MAINTENANCEASSETID = 'A-0100';
            DELETE FROM EntAssetFunctionalLocationEntity WHERE FUNCTIONALLOCATIONID IN ('SITE-2-P1', 'SITE-2');
            DELETE FROM EntAssetManufacturerModelEntity WHERE PRODUCTID = 'Siemens' AND MODELID = 'CR-10';
            """)
        try SideReader.execute(
            fixture.crm,
            """
            DELETE FROM msdyn_assetlifecyclemodel WHERE msdyn_assetlifecyclemodel_id = 'Field';
            DELETE FROM msdyn_assetlifecyclestate WHERE msdyn_assetlifecyclestate_id = 'Deployed';
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "A flag F&O does not spell (yes for Yes) and a replacement date that is no ISO date are errors on their rows that name the value; fixed at the source, each row arrives"
    )
    func badValuesWaitInTheErrorList() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO EntAssetObjectTypeEntity (DATAAREAID, MAINTENANCEASSETTYPEID, NAME, CALCULATEKPITOTAL) VALUES ('usmf', 'BAD', 'Bad flag', 'yes');
            INSERT INTO EntAssetObjectEntity (DATAAREAID, MAINTENANCEASSETID, NAME, REPLACEMENTDATE) VALUES ('usmf', 'A-BAD', 'Bad date', '1/1/1900');
            """)
        for (map, value, reason) in [
            ("asset-types", "yes", "value 'yes' is not in the map (known: No, Yes)"),
            ("assets", "1/1/1900", "'1/1/1900' is not an ISO date (YYYY-MM-DD"),
        ] {
            try await waitUntil(timeout: .seconds(90)) { try ErrorTests.entries(fixture, ["--map", map]).count == 1 }
            let entry = try #require(try ErrorTests.entries(fixture, ["--map", map]).first)
            #expect((entry["reason"] as? String)?.contains(reason) == true, "\(map) \(value): \(entry)")
        }
        #expect(
            try SideReader.scalar(
                fixture.crm,
                "SELECT COUNT(*) FROM msdyn_customerassetcategory WHERE msdyn_maintenanceassettypeid = 'BAD'") == 0)
        #expect(
            try SideReader.scalar(
                fixture.crm, "SELECT COUNT(*) FROM msdyn_customerasset WHERE msdyn_maintenanceassetid = 'A-BAD'")
                == 0)
        // Fixed at the source, each row's later change applies; the entries go with them.
        try SideReader.execute(
            fixture.erp,
            """
            UPDATE EntAssetObjectTypeEntity SET CALCULATEKPITOTAL = 'Yes' WHERE MAINTENANCEASSETTYPEID = 'BAD';
            UPDATE EntAssetObjectEntity SET REPLACEMENTDATE = '1900-01-01' WHERE MAINTENANCEASSETID = 'A-BAD';
            """)
        for map in ["asset-types", "assets"] {
            #expect(try await fixture.tandem(["errors", "retry", "--all", "--map", map]).status == 0)
        }
        try await waitUntil(timeout: .seconds(90)) {
            try SideReader.rows(
                fixture.crm,
                "SELECT CAST(msdyn_calculatekpitotal AS TEXT) FROM msdyn_customerassetcategory WHERE msdyn_maintenanceassettypeid = 'BAD'"
            )
                == ["1"]
                && SideReader.rows(
                    fixture.crm,
                    "SELECT quote(msdyn_replacementdate) FROM msdyn_customerasset WHERE msdyn_maintenanceassetid = 'A-BAD'"
                )
                    == ["NULL"]
        }
        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM EntAssetObjectEntity WHERE MAINTENANCEASSETID = 'A-BAD';
            DELETE FROM EntAssetObjectTypeEntity WHERE MAINTENANCEASSETTYPEID = 'BAD';
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }
}
