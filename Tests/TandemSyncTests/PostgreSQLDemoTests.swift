import Foundation
import TandemPostgreSQL
import TandemTestSupport
import Testing

/// `tandem demo --erp URL --crm URL`, run as a real process against the
/// test server on a small size: both sides are schemas the demo makes,
/// every standard map is set up, seeded, initially synced (the bulk path
/// into each side) and live synced, and the summary checks row by row.
@Suite(
    "tandem demo on PostgreSQL", .serialized,
    .enabled(if: PostgreSQLTestServer.enabled, PostgreSQLTestServer.skipReason))
struct PostgreSQLDemoTests {
    /// Drops the demo's schemas `prefix_erp` and `prefix_crm` when `body` is done.
    static func withPrefix(_ body: (String, String) throws -> Void) async throws {
        let url = try PostgreSQLTestServer.requireURL()
        let prefix = "demo_" + UUID().uuidString.prefix(8).lowercased()
        let result = Result { try body(url, prefix) }
        let admin = PostgreSQLEndpoint(config: try PostgreSQLSideConfig(url: url), readerName: "demo-test")
        let session = try await admin.openSession()
        for side in ["erp", "crm"] { _ = try? await session.query("DROP SCHEMA IF EXISTS \(prefix)_\(side) CASCADE") }
        _ = await session.close()
        await admin.close()
        try result.get()
    }

    @Test("the demo with both sides on PostgreSQL ends with every map in step except the staged bad row; a schema that exists is refused")
    func bothSides() async throws {
        try await Self.withPrefix { url, prefix in
            let fixture = try SyncFixture.make("pg-demo-host", maps: [])
            let directory = try Fixtures.temporaryDirectory("pg-demo") + "/env"
            let result = try fixture.tandem([
                "demo", directory, "--erp", url, "--crm", url, "--schema", prefix, "--customers", "20", "--seconds", "2", "--json",
            ])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("erp on PostgreSQL (schema \(prefix)_erp), crm on PostgreSQL (schema \(prefix)_crm)"), "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            #expect(report["drained"] as? Bool == true)
            let comparisons = try #require(report["comparisons"] as? [[String: Any]])
            #expect(comparisons.count >= 19, "\(comparisons.count)")
            for comparison in comparisons where comparison["map"] as? String != "customers-accounts" {
                #expect(comparison["inStep"] as? Bool == true, "\(comparison)")
            }
            // The bad row (12 decimals of credit limit) is the only thing out of step.
            let accounts = try #require(comparisons.first { $0["map"] as? String == "customers-accounts" })
            #expect(accounts["unmappable"] as? Int == 1, "\(accounts)")
            #expect(accounts["missing"] as? Int == 0, "\(accounts)")
            #expect(accounts["differing"] as? Int == 0, "\(accounts)")
            #expect(accounts["onlyTarget"] as? Int == 0, "\(accounts)")
            #expect((accounts["carried"] as? Int ?? 0) > 20, "\(accounts)")
            #expect(report["errors"] as? Int == 1)
            #expect((report["conflicts"] as? Int ?? 0) >= 7)
            #expect((report["measured"] as? Int ?? 0) > 0)
            let errors = try fixture.tandem(["errors", "list", "--env", directory, "--json"])
            #expect(errors.stdout.contains("US-BAD001"), "\(errors.stdout)")

            // The demo makes its own schemas: one that exists is never written into.
            let again = try fixture.tandem([
                "demo", try Fixtures.temporaryDirectory("pg-demo-again") + "/env", "--erp", url, "--schema", prefix,
                "--customers", "20", "--seconds", "1",
            ])
            #expect(again.status != 0)
            #expect(
                again.stderr.contains(
                    "schema \(prefix)_erp exists already on"),
                "\(again.stderr)")
            #expect(again.stderr.contains("drop it (DROP SCHEMA \(prefix)_erp CASCADE) or name another prefix with --schema"), "\(again.stderr)")
        }
    }
}
