import Foundation
import TandemTestSupport
import Testing

/// `tandem plugins validate --env DIR` with no file: every plugin the
/// environment loads, then every enabled map with each field's transform
/// created on the real types of its columns. Plugin validation used to run
/// only the documented examples, so a transform that cannot take the real
/// column passed and failed only when the map started.
@Suite("tandem plugins validate --env checks what the environment loads")
struct PluginsValidateEnvironmentTests {
    @Test(
        "Each loaded plugin and map is checked; a transform refusing its column's real type fails naming the map, direction and column"
    )
    func environment() throws {
        let fixture = try SyncFixture.make("validate-env", maps: ["sample.groups", "sample.customers"])
        let clean = try fixture.tandem(["plugins", "validate", "--env", fixture.directory])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("(tandem.std.transforms)"), "\(clean.stdout)")
        #expect(clean.stdout.contains("PASS map sample.customers: tables, columns, filters and transforms"))
        #expect(clean.stdout.contains("OK: "))

        // The ERP's real table declares ONHOLD as REAL, which the value map cannot take.
        try SideReader.execute(
            fixture.erp,
            """
            DROP TABLE CustTable;
            CREATE TABLE CustTable (DATAAREAID TEXT NOT NULL, ACCOUNTNUM TEXT NOT NULL, NAME TEXT, CUSTGROUP TEXT,
                CREDITLIMIT TEXT, ONHOLD REAL, NOTES TEXT, LOGO BLOB, PRIMARY KEY (DATAAREAID, ACCOUNTNUM));
            """)
        let broken = try fixture.tandem(["plugins", "validate", "--env", fixture.directory])
        #expect(broken.status == 1, "\(broken.stdout)\(broken.stderr)")
        let line = try #require(
            broken.stdout.split(separator: "\n").first { $0.contains("FAIL map sample.customers") }, "\(broken.stdout)")
        #expect(line.hasPrefix("  FAIL map sample.customers (erp-to-crm): TW008 "), "\(line)")
        #expect(
            line.contains("tandem.std.value-map: input column 'ONHOLD' is ")
                && line.contains("expected text, integer or boolean"), "\(line)")
        #expect(broken.stdout.contains("PASS map sample.groups"))
        #expect(broken.stdout.contains("FAILED: 1 of "), "\(broken.stdout)")
        // The map health check says so too, so `maps run` does not start the map on it.
        let validate = try fixture.tandem(["maps", "validate", "sample.customers"])
        #expect(validate.stdout.contains("input column 'ONHOLD'"), "\(validate.stdout)\(validate.stderr)")

        let nothing = try fixture.tandem(["plugins", "validate"], environment: ["TANDEM_ENV": ""])
        #expect(nothing.status != 0)
        #expect(
            nothing.stderr.contains(
                "name a plugin library, or an environment (--env DIR) to check every plugin and map it loads"),
            "\(nothing.stderr)")
    }
}
