import Foundation
import TandemTestSupport
import Testing

/// Overrides of standard maps (issue 19 §2): a map file with `extends:`
/// gives only the differences from a plugin's map, the engine runs the
/// result under the plugin map's name, `tandem maps inspect` says where each
/// line came from, and every mistake is named at its FILE:LINE:COLUMN.
@Suite("Declarative maps: overrides of a plugin's map", .serialized)
struct DeclarativeMapOverrideTests {
    static let map = "sample.customers"

    /// Contoso's changes to the sample customer map: a new column both ways,
    /// its own on-hold codes, the logo no longer synced, notes one way, a
    /// filter and a conflict policy. Line numbers matter: the tests read them.
    static let yaml = """
        # Contoso's changes to the sample customer map: only the differences.
        extends: sample.customers
        version: 1.0.0-contoso.1
        publisher: Contoso IT
        fields:
          add:
            - { erp: LOYALTYTIER, crm: contoso_loyaltytier, direction: <-> }
          remove: [LOGO]
          change:
            ONHOLD:
              transform:
                config:
                  map: { No: "7", Invoice: "8", All: "9" }
            NOTES: { direction: -> }
        filters:
          erp_to_crm: NAME NOT LIKE 'TEST%'
        conflict_policy: crm-wins

        """

    /// Every column of both customer tables that the override touches, quoted by SQLite.
    static let erpCustomers = """
        SELECT quote(ACCOUNTNUM)||'|'||quote(NAME)||'|'||quote(ONHOLD)||'|'||quote(NOTES)||'|'||quote(LOGO)||'|'||
        quote(LOYALTYTIER) FROM CustTable ORDER BY 1
        """
    static let crmAccounts = """
        SELECT quote(accountnumber)||'|'||quote(name)||'|'||quote(msdyn_onholdstatus)||'|'||quote(description)||'|'||
        quote(entityimage)||'|'||quote(contoso_loyaltytier) FROM account ORDER BY 1
        """

    /// An environment with the sample maps, the new column on both customer
    /// tables, and the override (`yaml`, as `maps/customers.yaml`).
    static func fixture(_ label: String, yaml: String = Self.yaml) throws -> SyncFixture {
        let fixture = try SyncFixture.make(label, maps: ["sample.groups", "sample.customers", "sample.notes"])
        try SideReader.execute(fixture.erp, "ALTER TABLE CustTable ADD COLUMN LOYALTYTIER TEXT")
        try SideReader.execute(fixture.crm, "ALTER TABLE account ADD COLUMN contoso_loyaltytier TEXT")
        try FileManager.default.createDirectory(atPath: fixture.directory + "/maps", withIntermediateDirectories: true)
        try yaml.write(toFile: fixture.directory + "/maps/customers.yaml", atomically: true, encoding: .utf8)
        return fixture
    }

    @Test(
        "An override that adds a field and changes a value map syncs the changed values live both ways, under the plugin map's name; the removed field, the one-way field and the added filter hold"
    )
    func liveSync() async throws {
        let fixture = try Self.fixture("override-live")
        // Capture's triggers name the mapped columns: installed again, they carry the new one.
        let install = try await fixture.tandem(["capture", "install"])
        try #require(install.status == 0, "\(install.stderr)")
        let validate = try await fixture.tandem(["maps", "validate", Self.map])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let run = try await fixture.tandem(["maps", "run", "sample.groups", Self.map])
        try #require(run.status == 0, "\(run.stderr)")
        let list = try await fixture.tandem(["maps", "list", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        // One map, not two: the override replaces the plugin's under its name.
        #expect(entries.filter { $0["name"] as? String == Self.map }.count == 1, "\(list.stdout)")
        let entry = try #require(entries.first { $0["name"] as? String == Self.map })
        #expect(entry["plugin"] as? String == "tandem.samples+maps/customers.yaml", "\(list.stdout)")
        #expect(entry["override"] as? String == fixture.directory + "/maps/customers.yaml", "\(list.stdout)")

        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale');
            INSERT INTO CustTable (DATAAREAID, ACCOUNTNUM, NAME, CUSTGROUP, ONHOLD, NOTES, LOGO, LOYALTYTIER) VALUES
              ('usmf', 'C1', 'Contoso Retail', '10', 'Invoice', 'erp note', x'01', 'Gold'),
              ('usmf', 'C2', 'Fabrikam', '10', 'No', NULL, NULL, NULL),
              ('usmf', 'C3', 'TEST account', '10', 'All', NULL, NULL, 'Gold');
            """)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 2 }
        try await waitUntil {
            try SideReader.drained(fixture, map: Self.map, erpTable: "CustTable", crmTable: "account")
        }
        // Contoso's codes, the new column, no logo; the TEST account stays out by the override's filter.
        #expect(
            try SideReader.rows(fixture.crm, Self.crmAccounts) == [
                "'C1'|'Contoso Retail'|8|'erp note'|NULL|'Gold'",
                "'C2'|'Fabrikam'|7|NULL|NULL|NULL",
            ])

        // The CRM side changes the on-hold code, the tier and the notes: the first two come back, notes flow one way.
        try SideReader.execute(
            fixture.crm,
            """
            UPDATE account SET msdyn_onholdstatus = 9, contoso_loyaltytier = 'Platinum', description = 'crm note'
              WHERE accountnumber = 'C1';
            """)
        let erpExpected = [
            "'C1'|'Contoso Retail'|'All'|'erp note'|X'01'|'Platinum'",
            "'C2'|'Fabrikam'|'No'|NULL|NULL|NULL",
            "'C3'|'TEST account'|'All'|NULL|NULL|'Gold'",
        ]
        let crmExpected = [
            "'C1'|'Contoso Retail'|9|'erp note'|NULL|'Platinum'",
            "'C2'|'Fabrikam'|7|NULL|NULL|NULL",
        ]
        // Not `drained`: the engine's put-back of the one-way notes is a CRM change of its own that no batch follows.
        try await waitUntil {
            try SideReader.rows(fixture.erp, Self.erpCustomers) == erpExpected
                && SideReader.rows(fixture.crm, Self.crmAccounts) == crmExpected
        }
        #expect(try SideReader.rows(fixture.erp, Self.erpCustomers) == erpExpected)
        // The notes are one way now: the CRM's edit was put back, as the engine says.
        #expect(try SideReader.rows(fixture.crm, Self.crmAccounts) == crmExpected)
        #expect(fixture.engineLog.contains("description is one-way erp-to-crm; the crm side edited it"))
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 0)
    }

    @Test(
        "maps inspect shows the effective map and names each line's origin: the plugin and its version, or the override file and line"
    )
    func inspect() async throws {
        let fixture = try Self.fixture("override-inspect")
        let text = try await fixture.tandem(["maps", "inspect", Self.map])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map { String($0) }
        func line(_ start: String) -> String? { lines.first { $0.hasPrefix(start) } }
        /// The FROM column of a table line (columns are two spaces or more apart).
        func from(_ line: String?) -> String? {
            line?.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .dropFirst().first
        }
        #expect(
            text.stdout.hasPrefix(
                "map sample.customers 1.0.0: plugin tandem.samples overridden by map file \(fixture.directory)/maps/customers.yaml"
            ), "\(text.stdout)")
        #expect(line("erp ")?.contains("CustTable key (DATAAREAID, ACCOUNTNUM)") == true, "\(text.stdout)")
        #expect(from(line("erp ")) == "plugin tandem.samples 1.0.0", "\(text.stdout)")
        let onHold = try #require(lines.first { $0.contains("ONHOLD <-> msdyn_onholdstatus") }, "\(text.stdout)")
        #expect(
            onHold.contains(#"via tandem.std.value-map {"map":{"All":"9","Invoice":"8","No":"7"},"output":"l"}"#),
            "\(onHold)")
        #expect(from(onHold) == "maps/customers.yaml:10", "\(onHold)")
        let added = try #require(lines.first { $0.contains("LOYALTYTIER <-> contoso_loyaltytier") }, "\(text.stdout)")
        #expect(from(added) == "maps/customers.yaml:7", "\(added)")
        #expect(from(lines.first { $0.contains("NOTES -> description") }) == "maps/customers.yaml:14")
        let name = try #require(lines.first { $0.contains("NAME <-> name") }, "\(text.stdout)")
        #expect(from(name) == "plugin tandem.samples 1.0.0", "\(name)")
        let removed = try #require(line("removed"), "\(text.stdout)")
        #expect(removed.contains("LOGO <-> entityimage") && from(removed) == "maps/customers.yaml:8", "\(removed)")
        #expect(from(line("filters.erp_to_crm")) == "maps/customers.yaml:16", "\(text.stdout)")
        #expect(from(line("depends_on")) == "plugin tandem.samples 1.0.0", "\(text.stdout)")
        let policy = try #require(line("conflict_policy"), "\(text.stdout)")
        #expect(policy.hasSuffix("crm-wins") && from(policy) == "maps/customers.yaml:17", "\(policy)")

        let json = try await fixture.tandem(["maps", "inspect", Self.map, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["override"] as? String == fixture.directory + "/maps/customers.yaml")
        let entries = try #require(report["lines"] as? [[String: Any]])
        let tier = try #require(entries.first { ($0["value"] as? String)?.hasPrefix("LOYALTYTIER") == true })
        #expect(tier["from"] as? String == "maps/customers.yaml:7")
        #expect((tier["field"] as? [String: Any])?["crm"] as? String == "contoso_loyaltytier")
        #expect(report["findings"] as? [String] == [])

        // plugins list names the override by the map it changes.
        let plugins = try await fixture.tandem(["plugins", "list", "--env", fixture.directory])
        #expect(plugins.stdout.contains("Map overrides:"), "\(plugins.stdout)")
        #expect(
            plugins.stdout.contains(
                "sample.customers  1.0.0-contoso.1  Contoso IT  \(fixture.directory)/maps/customers.yaml"),
            "\(plugins.stdout)")

        // A map no override touches: every line from its plugin.
        let notes = try await fixture.tandem(["maps", "inspect", "sample.notes"])
        #expect(notes.stdout.hasPrefix("map sample.notes 1.0.0: plugin tandem.samples\n"), "\(notes.stdout)")
        #expect(!notes.stdout.contains("maps/"), "\(notes.stdout)")
        // The help teaches the origins and shows an example, in 79 columns.
        let help = try await fixture.tandem(["maps", "inspect", "--help"])
        #expect(
            help.stdout.contains("maps/NAME.yaml:LINE  the override line that added or changed it"), "\(help.stdout)")
        #expect(help.stdout.contains("tandem maps inspect customers-accounts --env /srv/tandem --json"))
        #expect(
            help.stdout.split(separator: "\n").filter { $0.count > 79 && !$0.hasPrefix("USAGE:") }.isEmpty,
            "\(help.stdout)")
        // An unknown name gets the closest loaded one.
        let unknown = try await fixture.tandem(["maps", "inspect", "sample.customer"])
        #expect(unknown.status != 0)
        #expect(
            unknown.stderr.contains(
                "no loaded plugin or map file provides map 'sample.customer' (did you mean 'sample.customers'?)"),
            "\(unknown.stderr)")
    }

    @Test(
        "An override naming a field its base lacks (the plugin was upgraded and the field is gone) is a maps validate finding at the override's line, never a silent drop; every command warns of it"
    )
    func fieldGone() async throws {
        let gone = Self.yaml.replacingOccurrences(of: "  remove: [LOGO]\n", with: "  remove: [LOGO, FAXNUMBER, NAMEE]\n")
            .replacingOccurrences(of: "    NOTES: { direction: -> }\n", with: "    TELEX: { direction: -> }\n")
        try #require(gone != Self.yaml)
        let fixture = try Self.fixture("override-gone", yaml: gone)
        let file = fixture.directory + "/maps/customers.yaml"
        let validate = try await fixture.tandem(["maps", "validate", Self.map])
        #expect(validate.status == 1, "\(validate.stdout)\(validate.stderr)")
        let changed =
            "TW012 blocking sample.customers: \(file):14:5: fields.change.TELEX: field 'TELEX' is not in map sample.customers (plugin tandem.samples 1.0.0), so this change applies to nothing (was it dropped by an upgrade?): remove the change, or add the field under fields.add"
        #expect(validate.stdout.contains(changed), "\(validate.stdout)")
        let removed =
            "TW012 warning sample.customers: \(file):8:18: fields.remove[1]: field 'FAXNUMBER' is not in map sample.customers (plugin tandem.samples 1.0.0); there is nothing to remove"
        #expect(validate.stdout.contains(removed), "\(validate.stdout)")
        // A typo of a column the map has is answered with that column, not the list of every field.
        let typo =
            "TW012 warning sample.customers: \(file):8:29: fields.remove[2]: field 'NAMEE' is not in map sample.customers (plugin tandem.samples 1.0.0); there is nothing to remove (was it dropped by an upgrade?): delete this entry (did you mean 'NAME'?)"
        #expect(validate.stdout.contains(typo), "\(validate.stdout)")
        // A blocking finding keeps the map from starting, with the same words.
        let run = try await fixture.tandem(["maps", "run", "sample.groups", Self.map])
        #expect(run.status != 0)
        #expect(
            (run.stdout + run.stderr).contains("fields.change.TELEX: field 'TELEX' is not in map"),
            "\(run.stdout)\(run.stderr)")
        // The rest of the override still applies, and any command says what it could not.
        let list = try await fixture.tandem(["maps", "list"])
        #expect(
            list.stderr.contains("warning: \(file):14:5: fields.change.TELEX: field 'TELEX' is not in map"),
            "\(list.stderr)")
        let inspect = try await fixture.tandem(["maps", "inspect", Self.map])
        #expect(inspect.stdout.contains("LOYALTYTIER <-> contoso_loyaltytier"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("  \(file):14:5: fields.change.TELEX:"), "\(inspect.stdout)")
    }

    @Test(
        "Override mistakes are refused at FILE:LINE:COLUMN with the fix: an unknown base map with the closest name, two overrides of one map naming both files, a bad value, a member an override cannot have"
    )
    func mistakes() async throws {
        let fixture = try Self.fixture("override-mistakes")
        let file = fixture.directory + "/maps/customers.yaml"
        func write(_ text: String, _ path: String? = nil) throws {
            try text.write(toFile: path ?? file, atomically: true, encoding: .utf8)
        }
        func list() async throws -> (stdout: String, stderr: String) {
            let result = try await fixture.tandem(["maps", "list"])
            return (result.stdout, result.stderr)
        }

        try write(Self.yaml.replacingOccurrences(of: "extends: sample.customers", with: "extends: sample.customer"))
        var result = try await list()
        #expect(
            result.stderr.contains(
                "warning: \(file):2:10: extends: no loaded plugin or map file provides map 'sample.customer' (did you mean 'sample.customers'?)"
            ), "\(result.stderr)")

        // Two overrides of one map: both refused, each naming the other; the map does not run either way.
        try write(Self.yaml)
        try write(Self.yaml, fixture.directory + "/maps/more-customers.yml")
        result = try await list()
        let first =
            "\(file):2:10: extends: map 'sample.customers' is also overridden by \(fixture.directory)/maps/more-customers.yml; a map takes one override"
        #expect(result.stderr.contains("warning: " + first), "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "\(fixture.directory)/maps/more-customers.yml:2:10: extends: map 'sample.customers' is also overridden by \(file)"
            ), "\(result.stderr)")
        #expect(
            result.stdout.contains("sample.customers failed: map 'sample.customers' is not loaded: \(file):2:10"),
            "\(result.stdout)")
        try FileManager.default.removeItem(atPath: fixture.directory + "/maps/more-customers.yml")

        try write(Self.yaml.replacingOccurrences(of: "NOTES: { direction: -> }", with: "NOTES: { direction: <=> }"))
        result = try await list()
        #expect(
            result.stderr.contains(
                "warning: \(file):14:25: fields.change.NOTES.direction: '<=>' is not one of <->, ->, <-"),
            "\(result.stderr)")
        #expect(result.stdout.contains("sample.customers failed: map 'sample.customers' is not loaded: \(file):14:25"))

        try write(Self.yaml.replacingOccurrences(of: "  change:\n", with: "  chnage:\n"))
        result = try await list()
        #expect(
            result.stderr.contains(
                "warning: \(file):9:3: fields.chnage: unknown setting 'chnage' (did you mean 'change'?); expected one of add, remove, change"
            ), "\(result.stderr)")

        try write(Self.yaml.replacingOccurrences(of: "version: 1.0.0-contoso.1\n", with: "id: contoso.customers\n"))
        result = try await list()
        #expect(
            result.stderr.contains(
                "warning: \(file):3:1: id: an override keeps the name of the map it extends (extends: NAME); remove id"),
            "\(result.stderr)")
    }

    /// A map of tags, version 1: the base an override extends, so that the
    /// test can upgrade it underneath the override (a new version without
    /// the weight field) as a plugin upgrade would.
    static let tags = """
        id: contoso.tags
        version: 1.0.0
        erp: { table: Tag, key: [TAGID] }
        crm: { table: cr_tag, key: [cr_tagid] }
        fields:
          - { erp: TAGID, crm: cr_tagid, direction: <-> }
          - erp: COLOR
            crm: cr_color
            direction: <->
            transform: { name: tandem.std.value-map, config: { map: { red: "1", blue: "2" }, output: l } }
          - { erp: WEIGHT, crm: cr_weight, direction: <-> }
        ddl:
          erp: CREATE TABLE IF NOT EXISTS Tag (TAGID TEXT PRIMARY KEY, COLOR TEXT, WEIGHT TEXT, NOTE TEXT)
          crm: CREATE TABLE IF NOT EXISTS cr_tag (cr_tagid TEXT PRIMARY KEY, cr_color INTEGER, cr_weight TEXT, cr_note TEXT)

        """

    @Test(
        "When the map under an override is upgraded, the override still applies live (its added field, its value map) and the change of a field the new version dropped is a validate finding at the override's line"
    )
    func baseUpgraded() async throws {
        let fixture = try SyncFixture.make(
            "override-upgrade", maps: ["sample.notes"], edit: { $0 + "  - name: contoso.tags\n" })
        let folder = fixture.directory + "/maps"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.tags.write(toFile: folder + "/tags.yaml", atomically: true, encoding: .utf8)
        let override = """
            extends: contoso.tags
            fields:
              add:
                - { erp: NOTE, crm: cr_note, direction: <-> }
              change:
                COLOR:
                  transform: { config: { map: { red: "10", blue: "20", green: "30" } } }
                WEIGHT: { direction: -> }

            """
        try override.write(toFile: folder + "/tags-contoso.yaml", atomically: true, encoding: .utf8)
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        try #require(try await fixture.tandem(["maps", "run", "contoso.tags"]).status == 0)
        let tags =
            "SELECT quote(cr_tagid)||'|'||quote(cr_color)||'|'||quote(cr_weight)||'|'||quote(cr_note) FROM cr_tag ORDER BY 1"

        var engine = try fixture.startEngine()
        try SideReader.execute(fixture.erp, "INSERT INTO Tag VALUES ('T1', 'green', '1.5', 'first')")
        try await waitUntil { try SideReader.rows(fixture.crm, tags) == ["'T1'|30|'1.5'|'first'"] }
        kill(engine.processIdentifier, SIGKILL)
        _ = try await engine.awaitExit()

        // Version 2 of the base drops the weight field; the override is not touched.
        try Self.tags.replacingOccurrences(of: "version: 1.0.0", with: "version: 2.0.0")
            .replacingOccurrences(of: "  - { erp: WEIGHT, crm: cr_weight, direction: <-> }\n", with: "")
            .write(toFile: folder + "/tags.yaml", atomically: true, encoding: .utf8)
        let validate = try await fixture.tandem(["maps", "validate", "contoso.tags"])
        #expect(validate.status == 1)
        #expect(
            validate.stdout.contains(
                "TW012 blocking contoso.tags: \(folder)/tags-contoso.yaml:8:5: fields.change.WEIGHT: field 'WEIGHT' is not in map contoso.tags (maps/tags.yaml), so this change applies to nothing"
            ), "\(validate.stdout)")
        let inspect = try await fixture.tandem(["maps", "inspect", "contoso.tags"])
        #expect(
            inspect.stdout.hasPrefix("map contoso.tags 2.0.0: map file \(folder)/tags.yaml overridden by"),
            "\(inspect.stdout)")

        engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Tag VALUES ('T2', 'blue', '2.5', 'second')")
        // The override's value map and added field still apply; the weight no longer syncs.
        try await waitUntil {
            try SideReader.rows(fixture.crm, tags) == ["'T1'|30|'1.5'|'first'", "'T2'|20|NULL|'second'"]
        }
        // The engine said at its start what the override could not do.
        #expect(
            fixture.engineLog.contains("fields.change.WEIGHT: field 'WEIGHT' is not in map contoso.tags"),
            "\(fixture.engineLog.suffix(2000))")
    }

    @Test(
        "An override of a bundled standard map (customers-accounts) changes the currency scale and the on-hold value map; inspect names the override's lines and tandem.std.customers for the rest"
    )
    func standardMap() async throws {
        let yaml = """
            extends: customers-accounts
            fields:
              change:
                CREDITLIMIT:
                  transform: { config: { scale: 4 } }
                ONHOLDSTATUS:
                  transform:
                    config:
                      map: { "No": "100000000", Invoice: "100000001", All: "100000002" }

            """
        let fixture = try SyncFixture.make("override-standard", maps: ["sample.notes"])
        try FileManager.default.createDirectory(atPath: fixture.directory + "/maps", withIntermediateDirectories: true)
        try yaml.write(toFile: fixture.directory + "/maps/accounts.yaml", atomically: true, encoding: .utf8)
        let inspect = try await fixture.tandem(["maps", "inspect", "customers-accounts", "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let lines = try #require(report["lines"] as? [[String: Any]])
        func line(_ start: String) -> [String: Any]? {
            lines.first { ($0["value"] as? String)?.hasPrefix(start) == true }
        }
        let credit = try #require(line("CREDITLIMIT <-> creditlimit"), "\(inspect.stdout)")
        #expect(
            credit["value"] as? String == #"CREDITLIMIT <-> creditlimit via tandem.std.currency-precision {"scale":4}"#)
        #expect(credit["from"] as? String == "maps/accounts.yaml:4")
        let onHold = try #require(line("ONHOLDSTATUS <-> msdyn_onholdstatus"), "\(inspect.stdout)")
        #expect(
            onHold["value"] as? String
                == #"ONHOLDSTATUS <-> msdyn_onholdstatus via tandem.std.value-map {"map":{"All":"100000002","Invoice":"100000001","No":"100000000"},"output":"l"}"#
        )
        #expect(onHold["from"] as? String == "maps/accounts.yaml:6")
        #expect(line("CUSTOMERACCOUNT")?["from"] as? String == "plugin tandem.std.customers 1.0.0")
        #expect(
            lines.first { $0["member"] as? String == "filters.erp_to_crm" }?["from"] as? String
                == "plugin tandem.std.customers 1.0.0")
        #expect(
            report["source"] as? String
                == "plugin tandem.std.customers overridden by map file \(fixture.directory)/maps/accounts.yaml")
    }
}
