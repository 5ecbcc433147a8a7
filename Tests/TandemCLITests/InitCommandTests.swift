import Foundation
import TandemTestSupport
import Testing

/// `tandem init` as a newcomer meets it: a map whose dependencies are not
/// listed used to name one missing map per try and leave `tandem.yaml`
/// behind, so that the retry said `tandem.yaml already exists`.
@Suite("tandem init names every missing dependency, adds them on request and leaves nothing behind when it fails")
struct InitCommandTests {
    /// `tandem ARGS` with every bundled plugin staged.
    private func tandem(_ arguments: [String]) throws -> TandemCLI.Result {
        try TandemCLI.run(arguments, environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
    }

    /// The entries of `directory`, sorted; nil when it does not exist.
    private func entries(_ directory: String) -> [String]? {
        (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted()
    }

    @Test("every missing dependency is named at once, parents first, and the folder is not created")
    func missingDependencies() throws {
        let directory = try Fixtures.temporaryDirectory("init-missing") + "/env"
        let result = try tandem(["init", directory, "--map", "customers-accounts"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "customers-accounts depends on maps that are not listed: companies, currencies, payment-terms, customer-groups, parties (parents first); add each with --map, or pass --with-dependencies to add them all. Nothing was created"
            ), "\(result.stderr)")
        #expect(!result.stderr.contains("not enabled"))
        #expect(entries(directory) == nil, "init left \(entries(directory) ?? [])")
        // The retry works at once: nothing from the failed try is in its way.
        let retry = try tandem([
            "init", directory, "--map", "companies", "--map", "currencies", "--map", "payment-terms", "--map",
            "customer-groups", "--map", "parties", "--map", "customers-accounts",
        ])
        #expect(retry.status == 0, "\(retry.stderr)")
    }

    @Test("--with-dependencies enables the whole closure and says what it added")
    func withDependencies() throws {
        let directory = try Fixtures.temporaryDirectory("init-with") + "/env"
        let result = try tandem(["init", directory, "--map", "customers-accounts", "--with-dependencies"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                """
                  maps:   companies, currencies, payment-terms, customer-groups, parties, customers-accounts
                  added:  companies, currencies, payment-terms, customer-groups, parties (what customers-accounts depends on)
                """), "\(result.stdout)")
        let list = try tandem(["maps", "list", "--env", directory, "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let names = try list.json().arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["companies", "currencies", "payment-terms", "customer-groups", "parties", "customers-accounts"])
    }

    @Test("a misspelt map is provided by no plugin, with the closest name; not 'not enabled'")
    func misspeltMap() throws {
        let directory = try Fixtures.temporaryDirectory("init-misspelt") + "/env"
        let result = try tandem(["init", directory, "--map", "customer-accounts", "--with-dependencies"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "map 'customer-accounts' is provided by no loaded plugin; did you mean 'customers-accounts'?"),
            "\(result.stderr)")
        #expect(!result.stderr.contains("not enabled"))
        #expect(entries(directory) == nil)
    }

    @Test("a misspelt depends_on names the map, the missing name, the closest one and the plugin to fix")
    func misspeltDependency() throws {
        let plugins = try Fixtures.temporaryDirectory("init-dep-plugins")
        _ = try Fixtures.warehousesExample(
            editing: [(#""depends_on": ["contoso.sites"]"#, #""depends_on": ["contoso.site"]"#)], into: plugins)
        let directory = try Fixtures.temporaryDirectory("init-dep") + "/env"
        let result = try tandem(["init", directory, "--map", "contoso.warehouses", "--plugins", plugins])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "map 'contoso.warehouses' depends on 'contoso.site', which no loaded plugin provides; did you mean 'contoso.sites'? (fix depends_on in com.contoso.warehouses, or load the plugin that provides it)"
            ), "\(result.stderr)")
        #expect(!result.stderr.contains("not enabled"))
        #expect(entries(directory) == nil)
    }

    @Test("a failure part-way removes what init made and keeps what was in the folder before")
    func partWay() throws {
        let directory = try Fixtures.temporaryDirectory("init-partway")
        // A file where the ERP database goes, and a plugin folder with something in it.
        try "not a database".write(toFile: directory + "/erp.sqlite", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/plugins", withIntermediateDirectories: true)
        try "keep".write(toFile: directory + "/plugins/notes.txt", atomically: true, encoding: .utf8)
        let result = try tandem(["init", directory, "--map", "sample.notes"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(entries(directory) == ["erp.sqlite", "plugins"], "\(entries(directory) ?? [])")
        #expect(entries(directory + "/plugins") == ["notes.txt"])
        #expect(try String(contentsOfFile: directory + "/erp.sqlite", encoding: .utf8) == "not a database")
    }

    @Test("a --plugins folder init found a map in is listed in tandem.yaml, so later commands find the map without it")
    func pluginsOptionRecorded() throws {
        let plugins = try Fixtures.temporaryDirectory("init-extra, plugins")
        _ = try Fixtures.warehousesExample(into: plugins)
        let directory = try Fixtures.temporaryDirectory("init-extra") + "/env"
        let result = try tandem(["init", directory, "--map", "contoso.sites", "--plugins", plugins])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  plugins: \(plugins) (from --plugins, listed in tandem.yaml)"), "\(result.stdout)")
        let list = try tandem(["maps", "list", "--env", directory])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("contoso.sites"), "\(list.stdout)")
    }

    @Test("init loads DIR/plugins, where a plugin packed before init is enabled with --map")
    func ownPluginFolder() throws {
        let directory = try Fixtures.temporaryDirectory("init-own") + "/env"
        _ = try Fixtures.warehousesExample(into: directory + "/plugins")
        let result = try tandem(["init", directory, "--map", "contoso.warehouses", "--with-dependencies"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  added:  contoso.sites (what contoso.warehouses depends on)"), "\(result.stdout)")
        // Every command loads the folder, listed in tandem.yaml or not.
        let config = directory + "/tandem.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "directories: [plugins]", with: "directories: []")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let list = try tandem(["maps", "list", "--env", directory])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("contoso.warehouses"), "\(list.stdout)")
    }
}
