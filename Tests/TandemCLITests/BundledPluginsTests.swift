import Foundation
import Testing
import TandemTestSupport

/// Every bundled plugin passes the conformance kit, as a third party's
/// would have to: `tandem plugins validate` on the library this package built.
@Suite("Bundled plugins pass tandem plugins validate")
struct BundledPluginsTests {
    @Test(
        "tandem plugins validate passes with no warnings (every map's tables have DDL on both sides)",
        arguments: Fixtures.bundledPlugins)
    func validate(_ plugin: String) throws {
        // Every bundled plugin packed side by side, as they ship: the maps of
        // one name the maps and transforms of others.
        let directory = try Fixtures.temporaryDirectory("validate")
        for bundled in Fixtures.bundledPlugins + ["StandardTransforms"] {
            let pack = try TandemCLI.run([
                "plugins", "pack", Fixtures.productsDirectory + "/libTandem\(bundled).so", "--manifest",
                Fixtures.repositoryRoot + "/Plugins/\(bundled)/tandem-plugin.json", "--into", directory,
            ])
            try #require(pack.status == 0, "\(pack.stderr)")
        }
        let result = try TandemCLI.run(["plugins", "validate", directory + "/libTandem\(plugin).so", "--plugins", directory])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("OK: "), "\(result.stdout)")
        #expect(!result.stdout.contains("WARN"), "\(result.stdout)")
    }

    @Test("The standard map plugins are all bundled")
    func standardPluginsBundled() {
        #expect(
            Set(["ReferenceData", "Customers", "Vendors", "Products", "PartyGAB", "ProspectToCash", "ProcureToPay", "Notes", "Loyalty", "Assets"]).isSubset(of: Fixtures.bundledPlugins)
        )
    }
}
