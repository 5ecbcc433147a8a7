import Foundation
import TandemTestSupport
import Testing

/// The customer loyalty plugin (`tandem.std.loyalty`, docs/MAPS.md) with the
/// real `tandem` executable and engine, in one shared environment: each map
/// round-trips both ways with its value maps, the reward points' currency
/// lookup, and the card's replacement number flowing F&O to Dataverse only.
@Suite(
    "Customer loyalty maps", .serialized,
    SharedEnvironment(label: "loyalty", maps: StandardEnvironment.maps + StandardEnvironment.loyaltyMaps, seeds: []))
struct LoyaltyTests {
    @Test("Every loyalty map round-trips both ways, value maps and lookups compared column for column", arguments: RoundTrip.loyalty)
    func roundTrip(_ trip: RoundTrip) async throws {
        let fixture = try SharedEnvironment.fixture
        try await trip.runInStep(fixture)
    }

    @Test("A card tender type F&O does not have is an error on its row that names the value, and the card waits in the error list")
    func unknownTenderType() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp, "INSERT INTO RetailLoyaltyCardEntity (CARDNUMBER, CARDTENDERTYPE) VALUES ('LC-BAD', 'asCardTender')")
        try await waitUntil(timeout: .seconds(90)) { try ErrorTests.entries(fixture, ["--map", "loyalty-cards"]).count == 1 }
        let entry = try #require(try ErrorTests.entries(fixture, ["--map", "loyalty-cards"]).first)
        #expect((entry["reason"] as? String)?.contains("asCardTender") == true, "\(entry)")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_loyaltycard WHERE msdyn_cardnumber = 'LC-BAD'") == 0)
        // Fixed at the source, the row's later change applies; the entry goes with it.
        try SideReader.execute(fixture.erp, "UPDATE RetailLoyaltyCardEntity SET CARDTENDERTYPE = 'AsCardTender' WHERE CARDNUMBER = 'LC-BAD'")
        #expect(try await fixture.tandem(["errors", "retry", "--all", "--map", "loyalty-cards"]).status == 0)
        try await waitUntil(timeout: .seconds(90)) {
            try SideReader.rows(
                fixture.crm, "SELECT CAST(msdyn_cardtendertype AS TEXT) FROM msdyn_loyaltycard WHERE msdyn_cardnumber = 'LC-BAD'")
                == ["806380000"]
        }
        try SideReader.execute(fixture.erp, "DELETE FROM RetailLoyaltyCardEntity WHERE CARDNUMBER = 'LC-BAD'")
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }
}
