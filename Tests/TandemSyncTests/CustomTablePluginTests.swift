import Foundation
import TandemTestSupport
import Testing

/// The SDK walkthrough (`SDK/README.md`, "Walkthrough: your own tables"), step
/// by step with real processes: the example under `SDK/examples/warehouses/`
/// compiled with `cc` and the header alone, packed into the environment's
/// plugin folder by the CLI, enabled in tandem.yaml, synced by `tandem run`
/// while the sqlite3 CLI writes both sides.
@Suite("Custom tables: the SDK walkthrough with a plugin built out of tree", .serialized)
struct CustomTablePluginTests {
    static let example = "SDK/examples/warehouses"
    static let maps = ["contoso.sites", "contoso.warehouses"]

    /// The walkthrough's tandem.yaml edit: enable both maps (defaults: both directions, ERP master).
    static func enableMaps(_ yaml: String) -> String {
        yaml.replacingOccurrences(of: "maps: []", with: "maps:\n" + maps.map { "  - name: \($0)\n" }.joined())
    }

    /// `cc` as the walkthrough runs it; returns the built library (in a build folder, not the plugin folder).
    static func build() throws -> String {
        let library = try Fixtures.temporaryDirectory("build") + "/libwarehouses.so"
        try Fixtures.compileC(example + "/warehouses.c", output: library)
        return library
    }

    /// The application's own writes: the sqlite3 CLI, which knows nothing of Tandem.
    static func sqlite3(_ database: String, _ sql: String) throws {
        // The engine holds a side's write lock while it applies a batch; an application waits, as this one does.
        let result = try Fixtures.run("/usr/bin/env", ["sqlite3", "-cmd", ".timeout 30000", database, sql])
        try #require(result.status == 0, "sqlite3 \(database): \(result.stderr)")
    }

    /// Every column of the four tables, quoted by SQLite, so that type and digits count.
    static let erpSites = "SELECT quote(DATAAREAID)||'|'||quote(SITEID)||'|'||quote(NAME) FROM InventSite ORDER BY 1"
    static let crmSites =
        "SELECT quote(cdm_companycode)||'|'||quote(msdyn_siteid)||'|'||quote(msdyn_name) FROM msdyn_operationalsite ORDER BY 1"
    static let erpWarehouses = """
        SELECT quote(DATAAREAID)||'|'||quote(WAREHOUSEID)||'|'||quote(NAME)||'|'||quote(INVENTSITEID)||'|'||quote(WAREHOUSETYPE)
        ||'|'||quote(MAXPALLETS) FROM InventWarehouse ORDER BY 1
        """
    static let crmWarehouses = """
        SELECT quote(cdm_companycode)||'|'||quote(msdyn_warehouseidentifier)||'|'||quote(msdyn_name)||'|'||quote(msdyn_operationalsiteid)
        ||'|'||quote(msdyn_warehousetype)||'|'||quote(msdyn_maxpallets)||'|'||quote(msdyn_source) FROM msdyn_warehouse ORDER BY 1
        """

    /// Waits until every captured change of both maps is applied, both site
    /// tables hold exactly `sites` and the warehouse tables exactly their
    /// rows; records the differences otherwise.
    static func awaitTables(
        _ fixture: SyncFixture, sites: [String], erpWarehouses: [String], crmWarehouses: [String]
    ) async throws {
        let expected: [(database: String, query: String, rows: [String])] = [
            (fixture.erp, erpSites, sites), (fixture.crm, crmSites, sites),
            (fixture.erp, Self.erpWarehouses, erpWarehouses), (fixture.crm, Self.crmWarehouses, crmWarehouses),
        ]
        let deadline = ContinuousClock.now + .seconds(60)
        var actual: [[String]] = []
        while true {
            let drained =
                try SideReader.drained(
                    fixture, map: "contoso.sites", erpTable: "InventSite", crmTable: "msdyn_operationalsite")
                && SideReader.drained(
                    fixture, map: "contoso.warehouses", erpTable: "InventWarehouse", crmTable: "msdyn_warehouse")
            actual = try expected.map { try SideReader.rows($0.database, $0.query) }
            if drained, actual == expected.map(\.rows) { return }
            if ContinuousClock.now > deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        for (table, rows) in zip(expected, actual) where table.rows != rows {
            Issue.record("\(table.query.prefix(60))…\nexpected \(table.rows)\nfound    \(rows)")
        }
        Issue.record("engine log:\n\(fixture.engineLog.suffix(1500))")
    }

    @Test(
        "Built with cc and SDK/ alone, packed into ENV/plugins, listed, validated, enabled, and synced both ways row for row"
    )
    func walkthrough() async throws {
        // 1. An environment with no maps yet; `init` made its plugin folder.
        let fixture = try SyncFixture.make("custom-tables", maps: [])
        let plugins = fixture.directory + "/plugins"

        // 2. Build out of tree, then pack into the environment's plugin folder.
        let built = try Self.build()
        let pack = try await fixture.tandem([
            "plugins", "pack", built, "--manifest",
            Fixtures.repositoryRoot + "/" + Self.example + "/tandem-plugin.json", "--into", plugins,
        ])
        #expect(pack.status == 0, "\(pack.stderr)")
        #expect(pack.stdout.hasPrefix("packed com.contoso.warehouses 1.0.0 into \(plugins)/libwarehouses.so (sha256 "))

        // 3. `plugins list` run for the environment shows it, with its maps and where it came from.
        let listing = try await fixture.tandem(["plugins", "list", "--json"])
        #expect(listing.status == 0, "\(listing.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any]
        let loaded = try #require(
            (json?["plugins"] as? [[String: Any]])?.first { $0["id"] as? String == "com.contoso.warehouses" })
        #expect(loaded["file"] as? String == plugins + "/libwarehouses.so")
        #expect(loaded["kinds"] as? [String] == ["table-map"])
        #expect(loaded["maps"] as? [String] == Self.maps)
        #expect((json?["directories"] as? [String])?.contains("\(plugins) (config)") == true)
        #expect((json?["refusals"] as? [Any])?.isEmpty == true)
        let text = try await fixture.tandem(["plugins", "list"])
        #expect(
            text.stdout.split(separator: "\n").contains {
                $0.hasPrefix("com.contoso.warehouses ") && $0.contains("map contoso.sites, map contoso.warehouses")
                    && $0.hasSuffix(plugins + "/libwarehouses.so")
            }, "\(text.stdout)")

        // 4. The conformance kit passes it.
        let validate = try await fixture.tandem(["plugins", "validate", plugins + "/libwarehouses.so"])
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("OK: "))

        // 5. Enable the maps, create the tables from the plugin's DDL and install capture.
        let config = fixture.directory + "/tandem.yaml"
        try Self.enableMaps(try String(contentsOfFile: config, encoding: .utf8)).write(
            toFile: config, atomically: true, encoding: .utf8)
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(
            install.stdout.contains(
                "capture installed for 2 map(s); erp: InventSite, InventWarehouse; crm: msdyn_operationalsite, msdyn_warehouse"
            ))

        // 6. Start the maps (the parent named with its child) and the engine.
        let run = try await fixture.tandem(["maps", "run"] + Self.maps)
        #expect(run.status == 0, "\(run.stderr)")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }

        // 7. Applications write both sides: the same warehouse id in two companies, a CRM-made site and warehouse.
        try Self.sqlite3(
            fixture.erp,
            """
            INSERT INTO InventSite VALUES ('usmf', 'S1', 'Seattle'), ('demf', 'S1', 'München');
            INSERT INTO InventWarehouse VALUES ('usmf', 'W11', 'Seattle main', 'S1', 'Standard', '1200.5');
            INSERT INTO InventWarehouse VALUES ('usmf', 'W12', 'Seattle returns', 'S1', 'Quarantine', NULL);
            INSERT INTO InventWarehouse VALUES ('demf', 'W11', 'Unterföhring', 'S1', 'Standard', '0.0000000001');
            """)
        try Self.sqlite3(
            fixture.crm,
            """
            INSERT INTO msdyn_operationalsite VALUES ('usmf', 'S3', 'Tacoma');
            INSERT INTO msdyn_warehouse (cdm_companycode, msdyn_warehouseidentifier, msdyn_name, msdyn_operationalsiteid, msdyn_warehousetype, msdyn_maxpallets)
            VALUES ('usmf', 'W31', 'Tacoma transit', 'S3', 192350002, '80');
            """)
        try await Self.awaitTables(
            fixture, sites: ["'demf'|'S1'|'München'", "'usmf'|'S1'|'Seattle'", "'usmf'|'S3'|'Tacoma'"],
            erpWarehouses: [
                "'demf'|'W11'|'Unterföhring'|'S1'|'Standard'|'0.0000000001'",
                "'usmf'|'W11'|'Seattle main'|'S1'|'Standard'|'1200.5'",
                "'usmf'|'W12'|'Seattle returns'|'S1'|'Quarantine'|NULL",
                "'usmf'|'W31'|'Tacoma transit'|'S3'|'Transit'|'80'",
            ],
            crmWarehouses: [
                "'demf'|'W11'|'Unterföhring'|'S1'|192350000|'0.0000000001'|'ERP'",
                "'usmf'|'W11'|'Seattle main'|'S1'|192350000|'1200.5'|'ERP'",
                "'usmf'|'W12'|'Seattle returns'|'S1'|192350001|NULL|'ERP'",
                "'usmf'|'W31'|'Tacoma transit'|'S3'|192350002|'80'|NULL",
            ])

        // 8. Updates and a delete, each side editing rows the other made.
        try Self.sqlite3(
            fixture.crm,
            """
            UPDATE msdyn_warehouse SET msdyn_name = 'Seattle main (CRM)', msdyn_warehousetype = 192350001
            WHERE cdm_companycode = 'usmf' AND msdyn_warehouseidentifier = 'W11';
            UPDATE msdyn_operationalsite SET msdyn_name = 'München-Nord' WHERE cdm_companycode = 'demf';
            """)
        try Self.sqlite3(
            fixture.erp,
            """
            UPDATE InventWarehouse SET MAXPALLETS = '95.25' WHERE WAREHOUSEID = 'W31';
            DELETE FROM InventWarehouse WHERE DATAAREAID = 'usmf' AND WAREHOUSEID = 'W12';
            """)
        try await Self.awaitTables(
            fixture, sites: ["'demf'|'S1'|'München-Nord'", "'usmf'|'S1'|'Seattle'", "'usmf'|'S3'|'Tacoma'"],
            erpWarehouses: [
                "'demf'|'W11'|'Unterföhring'|'S1'|'Standard'|'0.0000000001'",
                "'usmf'|'W11'|'Seattle main (CRM)'|'S1'|'Quarantine'|'1200.5'",
                "'usmf'|'W31'|'Tacoma transit'|'S3'|'Transit'|'95.25'",
            ],
            crmWarehouses: [
                "'demf'|'W11'|'Unterföhring'|'S1'|192350000|'0.0000000001'|'ERP'",
                "'usmf'|'W11'|'Seattle main (CRM)'|'S1'|192350001|'1200.5'|'ERP'",
                // The CRM made W31: the ERP's update carries MAXPALLETS only, and the default is not stamped on.
                "'usmf'|'W31'|'Tacoma transit'|'S3'|192350002|'95.25'|NULL",
            ])

        // 9. Status agrees: both maps running, nothing queued or parked.
        let status = try await fixture.tandem(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        for map in Self.maps {
            #expect(
                status.stdout.split(separator: "\n").contains { $0.hasPrefix(map) && $0.contains("running") },
                "\(status.stdout)")
        }
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)

        kill(engine.processIdentifier, SIGTERM)
        #expect(try await engine.awaitExit() == 0)
    }

    @Test(
        "A library copied in without its manifest is refused, naming the file and the pack command, which fixes it; then a missing table is named"
    )
    func missingManifest() throws {
        let fixture = try SyncFixture.make("custom-no-manifest", maps: [], edit: Self.enableMaps)
        let plugins = fixture.directory + "/plugins"
        let library = plugins + "/libwarehouses.so"
        try FileManager.default.copyItem(atPath: try Self.build(), toPath: library)

        let advice =
            "has no manifest (expected \(library).manifest.json); create it with `tandem plugins pack \(library) --manifest tandem-plugin.json --into \(plugins)`"
        let listing = try fixture.tandem(["plugins", "list"])
        #expect(listing.status == 0, "one refused file never fails the listing")
        #expect(listing.stdout.contains("Refused:\n  \(library) [manifest-missing]: \(advice)"), "\(listing.stdout)")

        let validate = try fixture.tandem(["plugins", "validate", library])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains(advice), "\(validate.stdout)")

        // The engine's commands warn about the file and say why the map is missing.
        let install = try fixture.tandem(["capture", "install", "--create-tables"])
        #expect(install.status != 0)
        #expect(install.stderr.contains("warning: refused \(library): \(advice)"), "\(install.stderr)")
        // (The list of loaded maps in between names every bundled map.)
        #expect(install.stderr.contains("map 'contoso.sites' is not provided by any loaded plugin (loaded maps: "), "\(install.stderr)")
        #expect(
            install.stderr.contains("sample.notes, sample.unit-conversions, sample.items, vendors); `tandem plugins list --env \(fixture.directory)` shows what loaded and what was refused"),
            "\(install.stderr)")

        // Doing what it says (with the example's manifest) is the fix.
        let pack = try fixture.tandem([
            "plugins", "pack", library, "--manifest",
            Fixtures.repositoryRoot + "/" + Self.example + "/tandem-plugin.json", "--into", plugins,
        ])
        #expect(pack.status == 0, "\(pack.stderr)")
        let fixed = try fixture.tandem(["plugins", "list", "--json"])
        #expect(!fixed.stdout.contains("manifest-missing"), "\(fixed.stdout)")
        #expect(fixed.stdout.contains("\"com.contoso.warehouses\""))

        // Forgetting --create-tables: the message says which table, where, and both ways out.
        let noTables = try fixture.tandem(["capture", "install"])
        #expect(noTables.status != 0)
        #expect(
            noTables.stderr.contains(
                "table 'InventSite' does not exist in the erp database \(fixture.erp); create it, or run `tandem capture install --create-tables` to create it from its plugin's DDL (`tandem plugins validate \(library)` shows whether that DDL creates it)"
            ),
            "\(noTables.stderr)")
        #expect(try fixture.tandem(["capture", "install", "--create-tables"]).status == 0)
    }

    @Test("A plugin in a TANDEM_PLUGIN_PATH folder serves the environment's commands too, as `plugins list` shows it; without the path they name the map no plugin provides")
    func pluginPath() throws {
        let fixture = try SyncFixture.make("custom-tables-path", maps: [])
        let elsewhere = fixture.directory + "/../custom-tables-path-plugins"
        try? FileManager.default.removeItem(atPath: elsewhere)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let pack = try fixture.tandem([
            "plugins", "pack", try Self.build(), "--manifest",
            Fixtures.repositoryRoot + "/" + Self.example + "/tandem-plugin.json", "--into", elsewhere,
        ])
        #expect(pack.status == 0, "\(pack.stderr)")
        let config = fixture.directory + "/tandem.yaml"
        try Self.enableMaps(try String(contentsOfFile: config, encoding: .utf8)).write(
            toFile: config, atomically: true, encoding: .utf8)
        let path = ["TANDEM_PLUGIN_PATH": elsewhere]

        let without = try fixture.tandem(["capture", "install", "--create-tables"])
        #expect(without.status != 0)
        #expect(without.stderr.contains("contoso.sites"), "\(without.stderr)")
        let install = try fixture.tandem(["capture", "install", "--create-tables"], environment: path)
        #expect(install.status == 0, "\(install.stderr)")
        let validate = try fixture.tandem(["maps", "validate"] + Self.maps, environment: path)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let run = try fixture.tandem(["maps", "run"] + Self.maps, environment: path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try fixture.tandem(["maps", "list"], environment: path).stdout.contains("contoso.warehouses"))
    }

    @Test("A group-writable library and a manifest whose id differs from the library's are refused with what to do")
    func unsafeOrMismatched() throws {
        let fixture = try SyncFixture.make("custom-refused", maps: [])
        let plugins = fixture.directory + "/plugins"
        let library = plugins + "/libwarehouses.so"
        let manifest = Fixtures.repositoryRoot + "/" + Self.example + "/tandem-plugin.json"
        let built = try Self.build()
        #expect(try fixture.tandem(["plugins", "pack", built, "--manifest", manifest, "--into", plugins]).status == 0)

        try FileManager.default.setAttributes([.posixPermissions: 0o775], ofItemAtPath: library)
        let writable = try fixture.tandem(["plugins", "list"])
        #expect(
            writable.stdout.contains(
                "  \(library) [writable-by-others]: the library is group- or world-writable (mode 775); run `chmod go-w \(library)`"
            ),
            "\(writable.stdout)")

        // Renaming the plugin in tandem-plugin.json but not in warehouses.c.
        let renamed = try Fixtures.temporaryDirectory("manifest") + "/tandem-plugin.json"
        try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: "com.contoso.warehouses", with: "com.contoso.depots")
            .write(toFile: renamed, atomically: true, encoding: .utf8)
        // pack loads what it packed, so it refuses the pair and leaves the packed plugin as it was...
        let refused = try fixture.tandem(["plugins", "pack", built, "--manifest", renamed, "--into", plugins])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains(
                "the packed plugin would be refused [invalid-descriptor]: its descriptor id is 'com.contoso.warehouses' but its manifest says 'com.contoso.depots'; \(plugins) is unchanged"),
            "\(refused.stderr)")
        // ...and a manifest edited by hand after packing is refused by the loader.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: library)
        let packed = library + ".manifest.json"
        try String(contentsOfFile: packed, encoding: .utf8)
            .replacingOccurrences(of: "com.contoso.warehouses", with: "com.contoso.depots")
            .write(toFile: packed, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: packed)
        let mismatched = try fixture.tandem(["plugins", "list", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(mismatched.stdout.utf8)) as? [String: Any]
        let refusal = try #require((json?["refusals"] as? [[String: Any]])?.first)
        #expect(refusal["file"] as? String == library)
        #expect(refusal["code"] as? String == "invalid-descriptor")
        #expect(
            refusal["reason"] as? String
                == "its descriptor id is 'com.contoso.warehouses' but its manifest says 'com.contoso.depots'")
    }
}
