import Foundation
import TandemTestSupport
import Testing

/// An update carries the columns its side changed and nothing else: a
/// column the other side did not touch keeps its bytes, even where a
/// transform would write the same meaning in another form.
@Suite("An update rewrites only the columns its side changed", .serialized)
struct UntouchedColumnsTests {
    @Test(
        "A CRM edit of an address's street leaves the ERP's open valid-to as it was (NULL, '2154-12-31', '2154-12-31 23:59:59'); a CRM edit of the valid-to itself still travels"
    )
    func streetEditKeepsValidTo() async throws {
        let (fixture, engine) = try await StandardEnvironment.start("untouched-validto")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO LogisticsPostalAddressLocationCDSEntity VALUES ('L401', 'Open as NULL'), ('L402', 'Open as a date'), ('L403', 'Open with a space');
            INSERT INTO LogisticsPostalAddressHistoryV2CDSEntity (LOCATIONID, VALIDFROM, VALIDTO, STREET, CITY) VALUES
                ('L401', '2024-01-01T00:00:00', NULL, 'Old street 1', 'Oslo'),
                ('L402', '2024-01-01T00:00:00', '2154-12-31', 'Old street 2', 'Oslo'),
                ('L403', '2024-01-01T00:00:00', '2154-12-31 23:59:59', 'Old street 3', 'Oslo');
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        let erpRows = """
            SELECT LOCATIONID || ' ' || quote(VALIDFROM) || ' ' || quote(VALIDTO) || ' ' || STREET || ' ' || CITY
            FROM LogisticsPostalAddressHistoryV2CDSEntity WHERE LOCATIONID IN ('L401', 'L402', 'L403') ORDER BY LOCATIONID
            """
        try SideReader.execute(
            fixture.crm,
            "UPDATE msdyn_postaladdress SET msdyn_street = 'New ' || msdyn_street WHERE msdyn_postaladdresscollectionid IN ('L401', 'L402', 'L403')"
        )
        try await waitUntil {
            try SideReader.scalar(
                fixture.erp,
                "SELECT COUNT(*) FROM LogisticsPostalAddressHistoryV2CDSEntity WHERE STREET LIKE 'New %'") == 3
        }
        #expect(
            try SideReader.rows(fixture.erp, erpRows) == [
                "L401 '2024-01-01T00:00:00' NULL New Old street 1 Oslo",
                "L402 '2024-01-01T00:00:00' '2154-12-31' New Old street 2 Oslo",
                "L403 '2024-01-01T00:00:00' '2154-12-31 23:59:59' New Old street 3 Oslo",
            ])

        // The valid-to the CRM side does change arrives, in the ERP's open-end form where it is emptied.
        try SideReader.execute(
            fixture.crm,
            """
            UPDATE msdyn_postaladdress SET msdyn_validto = '2030-06-30T23:59:59' WHERE msdyn_postaladdresscollectionid = 'L401';
            UPDATE msdyn_postaladdress SET msdyn_validto = '2031-01-31T23:59:59' WHERE msdyn_postaladdresscollectionid = 'L402';
            """)
        try await waitUntil {
            try SideReader.scalar(
                fixture.erp,
                "SELECT COUNT(*) FROM LogisticsPostalAddressHistoryV2CDSEntity WHERE VALIDTO LIKE '203%'") == 2
        }
        try SideReader.execute(
            fixture.crm,
            "UPDATE msdyn_postaladdress SET msdyn_validto = NULL WHERE msdyn_postaladdresscollectionid = 'L402'")
        try await waitUntil {
            try SideReader.scalar(
                fixture.erp,
                "SELECT COUNT(*) FROM LogisticsPostalAddressHistoryV2CDSEntity WHERE VALIDTO LIKE '203%'") == 1
        }
        #expect(
            try SideReader.rows(fixture.erp, erpRows) == [
                "L401 '2024-01-01T00:00:00' '2030-06-30T23:59:59' New Old street 1 Oslo",
                "L402 '2024-01-01T00:00:00' '2154-12-31T23:59:59' New Old street 2 Oslo",
                "L403 '2024-01-01T00:00:00' '2154-12-31 23:59:59' New Old street 3 Oslo",
            ])
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Side priority with different columns: the winner's whole row ends on both sides, the loser's column included (erp-wins and crm-wins)",
        arguments: [("erp-wins", "erp C", "100"), ("crm-wins", "original C", "99.5")])
    func winnerWritesWholeRow(policy: String, name: String, credit: String) async throws {
        let (fixture, engine) = try await ConflictTests.pausedFixture("untouched-\(policy)", policy: policy)
        defer { kill(engine.processIdentifier, SIGKILL) }
        // The ERP renames, the CRM changes the credit limit: each update's mask names one column.
        try await ConflictTests.editBothAndResume(fixture, erp: ConflictTests.erpRenames, crm: ConflictTests.crmCredit)
        let expected = ConflictTests.keys.map { "\($0)|\(name)\($0.dropFirst())|\(credit)" }
        try await waitUntil { try ConflictTests.erpRows(fixture) == expected && ConflictTests.crmRows(fixture) == expected }
        #expect(try ConflictTests.erpRows(fixture) == expected)
        #expect(try ConflictTests.crmRows(fixture) == expected)
    }
}
