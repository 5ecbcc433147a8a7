import Foundation
import TandemTestSupport
import Testing

/// `tandem maps validate` against real side databases that an admin (or an
/// application's upgrade) changed under the maps.
@Suite("Map health check (tandem maps validate)")
struct MapValidateTests {
    static func findings(_ fixture: SyncFixture, _ names: [String] = []) throws -> (status: Int32, list: [[String: Any]]) {
        let result = try fixture.tandem(["maps", "validate", "--json"] + names)
        let list = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return (result.status, list)
    }

    @Test("a sound environment has no findings and validate exits 0")
    func clean() throws {
        let fixture = try SyncFixture.make("validate-clean", maps: ["sample.groups", "sample.customers", "sample.unit-conversions", "sample.items"])
        let result = try fixture.tandem(["maps", "validate"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("no findings: sample.groups, sample.customers, sample.unit-conversions, sample.items"))
    }

    @Test("coded findings for changed tables and config: mandatory column, generated column, missing column, type mismatch, key direction, bad filter, missing dependency; maps run refuses to start them")
    func findingsAndRefusal() throws {
        let fixture = try SyncFixture.make("validate-broken", maps: ["sample.groups", "sample.customers", "sample.unit-conversions", "sample.items"])
        // Capture's triggers name every column: a schema change that drops one goes without them.
        #expect(try fixture.tandem(["capture", "remove"]).status == 0)
        try SideReader.execute(
            fixture.crm,
            """
            DROP TABLE msdyn_unitconversion;
            CREATE TABLE msdyn_unitconversion (msdyn_fromunit TEXT NOT NULL, msdyn_tounit TEXT NOT NULL, msdyn_factor TEXT NOT NULL,
                msdyn_rounding TEXT GENERATED ALWAYS AS ('Nearest'), msdyn_owner TEXT NOT NULL, PRIMARY KEY (msdyn_fromunit, msdyn_tounit));
            ALTER TABLE account DROP COLUMN entityimage;
            """)
        try SideReader.execute(
            fixture.erp,
            """
            DROP TABLE UnitConversion;
            CREATE TABLE UnitConversion (FROMUNIT TEXT NOT NULL, TOUNIT TEXT NOT NULL, FACTOR REAL NOT NULL, ROUNDING TEXT, PRIMARY KEY (FROMUNIT, TOUNIT));
            """)
        // And the config: a dependency dropped, a filter over a column the table lacks, a one-way map asked to go the other way.
        let config = fixture.directory + "/tandem.yaml"
        let original = try String(contentsOfFile: config, encoding: .utf8)
        try original
            .replacingOccurrences(of: "  - name: sample.groups\n    direction: both\n    master: erp\n", with: "")
            .replacingOccurrences(
                of: "  - name: sample.customers\n    direction: both\n    master: erp\n",
                with: "  - name: sample.customers\n    direction: both\n    master: erp\n    filters:\n      erp_to_crm: \"NOSUCHCOLUMN eq 1\"\n")
            .replacingOccurrences(of: "direction: erp-to-crm", with: "direction: crm-to-erp")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let (status, list) = try Self.findings(fixture)
        #expect(status == 1)
        func has(_ code: String, _ map: String, _ text: String, severity: String = "blocking") -> Bool {
            list.contains {
                $0["code"] as? String == code && $0["map"] as? String == map && $0["severity"] as? String == severity
                    && ($0["message"] as? String ?? "").contains(text)
            }
        }
        #expect(has("TW001", "sample.unit-conversions", "msdyn_unitconversion.msdyn_owner is NOT NULL without a default, and no field writes it"), "\(list)")
        #expect(has("TW004", "sample.unit-conversions", "msdyn_unitconversion.msdyn_rounding is a generated column"), "\(list)")
        #expect(has("TW003", "sample.unit-conversions", "UnitConversion.FACTOR (REAL) is copied into msdyn_unitconversion.msdyn_factor (TEXT)", severity: "warning"), "\(list)")
        #expect(has("TW010", "sample.customers", "account has no column entityimage"), "\(list)")
        #expect(has("TW007", "sample.customers", ".filters.erp_to_crm: the table has no column 'NOSUCHCOLUMN'; the table's columns are "), "\(list)")
        #expect(has("TW009", "sample.customers", "map sample.customers depends on sample.groups, which is not enabled"), "\(list)")
        #expect(has("TW002", "sample.items", "tandem.yaml asks map sample.items to sync crm-to-erp, but its key Item (DATAAREAID, ITEMID) is not written that way"), "\(list)")
        #expect(list.allSatisfy { ($0["fix"] as? String ?? "").isEmpty == false })

        let text = try fixture.tandem(["maps", "validate", "sample.unit-conversions"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("TW001 blocking sample.unit-conversions (erp-to-crm): msdyn_unitconversion.msdyn_owner is NOT NULL without a default"), "\(text.stdout)")
        #expect(text.stdout.contains("      fix: map a field to it, give it a default in the map (`default`), or let the column be empty"), "\(text.stdout)")

        // With the config sound again, the changed tables alone keep the map from starting.
        try original.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try fixture.tandem(["maps", "run", "sample.unit-conversions"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("not starting: sample.unit-conversions has blocking findings"), "\(run.stderr)")
        #expect(run.stderr.contains("TW004 blocking sample.unit-conversions (erp-to-crm)"), "\(run.stderr)")
        let listed = try JSONSerialization.jsonObject(with: Data(try fixture.tandem(["maps", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(listed?.first { $0["name"] as? String == "sample.unit-conversions" }?["state"] as? String == "not running")
    }
}

/// The findings that only a plugin's own map can have, with the SDK example
/// edited into a faulty plugin (built with cc, dropped into ENV/plugins).
@Suite("Map health check on a faulty plugin")
struct FaultyPluginValidateTests {
    @Test("two fields writing one column, a two-way value map with a repeated target, an unknown transform: TW005, TW006, TW008")
    func faultyMaps() throws {
        let fixture = try SyncFixture.make("validate-plugin", maps: []) {
            $0.replacingOccurrences(of: "maps: []", with: "maps:\n  - name: contoso.sites\n  - name: contoso.warehouses\n")
        }
        _ = try Fixtures.warehousesExample(
            editing: [
                (#"{ "erp": "SITEID", "crm": "msdyn_siteid", "direction": "<->" },"#,
                 #"{ "erp": "SITEID", "crm": "msdyn_siteid", "direction": "<->" }, { "erp": "NAME", "crm": "msdyn_siteid", "direction": "->" },"#),
                (#""Transit": "192350002""#, #""Transit": "192350001""#),
                (#"{ "erp": "MAXPALLETS", "crm": "msdyn_maxpallets", "direction": "<->" },"#,
                 #"{ "erp": "MAXPALLETS", "crm": "msdyn_maxpallets", "direction": "<->", "transform": { "name": "tandem.std.valu-map" } },"#),
            ],
            into: fixture.directory + "/plugins")
        #expect(try fixture.tandem(["capture", "install", "--create-tables"]).status == 0)
        let result = try fixture.tandem(["maps", "validate"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("TW005 blocking contoso.sites (erp-to-crm): 2 fields write msdyn_operationalsite.msdyn_siteid"), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "TW006 blocking contoso.warehouses (crm-to-erp): the value map on WAREHOUSETYPE maps Quarantine and Transit to 192350001; going back, 192350001 is ambiguous"),
            "\(result.stdout)")
        // A misspelt name is answered with the closest transform loaded.
        #expect(result.stdout.contains("TW008 blocking contoso.warehouses (erp-to-crm): transform tandem.std.valu-map is not provided by any loaded plugin (did you mean 'tandem.std.value-map'?)"), "\(result.stdout)")
        #expect(result.stdout.contains("TW008 blocking contoso.warehouses (crm-to-erp): transform tandem.std.valu-map is not provided by any loaded plugin (did you mean 'tandem.std.value-map'?)"), "\(result.stdout)")
    }

    @Test("a misspelt lookup map is provided by no plugin, with the closest name and the plugin to fix; not 'not enabled'")
    func misspeltLookup() throws {
        let fixture = try SyncFixture.make("validate-lookup", maps: []) {
            $0.replacingOccurrences(of: "maps: []", with: "maps:\n  - name: contoso.sites\n  - name: contoso.warehouses\n")
        }
        _ = try Fixtures.warehousesExample(
            editing: [(#""lookup": { "map": "contoso.sites""#, #""lookup": { "map": "contoso.sits""#)],
            into: fixture.directory + "/plugins")
        #expect(try fixture.tandem(["capture", "install", "--create-tables"]).status == 0)
        let result = try fixture.tandem(["maps", "validate"])
        #expect(
            result.stdout.contains(
                "a lookup names map contoso.sits, which no loaded plugin provides: rows that name a parent wait for it forever"),
            "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "fix lookup.map in com.contoso.warehouses (did you mean 'contoso.sites'?), or load the plugin that provides contoso.sits"),
            "\(result.stdout)")
        #expect(!result.stdout.contains("which is not enabled"), "\(result.stdout)")
    }

    @Test("a plugins.settings entry for a misspelt plugin id is TW013, a warning with the closest loaded id; a map named alone does not show it")
    func misspeltPluginSetting() throws {
        let fixture = try SyncFixture.make("validate-plugin-setting", maps: ["sample.groups"]) {
            $0.replacingOccurrences(
                of: "\nplugins:\n", with: "\nplugins:\n  settings:\n    tandem.sample: {isolation: process}\n    tandem.std.transforms: {isolation: process}\n")
        }
        let result = try fixture.tandem(["maps", "validate"])
        // A warning: the maps still start.
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout
                == """
                TW013 warning plugins.settings.tandem.sample: no loaded plugin has id tandem.sample: its settings apply to nothing
                      fix: write 'tandem.samples', the loaded plugin it is closest to, or remove the entry from tandem.yaml; `tandem plugins list` shows the loaded plugins and their ids

                """, "\(result.stdout)")
        let named = try MapValidateTests.findings(fixture, ["sample.groups"])
        #expect(named.status == 0)
        #expect(named.list.isEmpty, "\(named.list)")
    }
}
