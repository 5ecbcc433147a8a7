import Foundation
import TandemTestSupport
import Testing

/// Declarative maps (issue 19 §1): a map written as YAML in `ENV/maps/`,
/// with no compiler, run by the real `tandem` processes exactly as a
/// plugin's map is: live both ways, initial sync, write-through, compare,
/// validate, and `capture install --create-tables` from its `ddl:` section.
@Suite("Declarative maps: YAML map files run like plugin maps", .serialized)
struct DeclarativeMapTests {
    static let map = "contoso.loyalty-cards"

    /// The loyalty-card map of dual-write (`Loyalty card → msdyn_loyaltycards`),
    /// as an admin writes it: the tender type through the bundled value map,
    /// the customer as a composite lookup (the CRM card keeps its company in
    /// `msdyn_legalentity`, the account in `msdyn_company`), a one-way
    /// column, a default, a filter, and the tables' DDL.
    static let yaml = """
        # Loyalty cards: a map an admin writes with a text editor.
        format: tandem.map/1
        id: contoso.loyalty-cards
        version: 1.2.0
        publisher: Contoso IT
        description: Loyalty cards with their customer and tender type
        erp:
          table: RetailLoyaltyCard
          key: [DATAAREAID, CARDNUMBER]
        crm:
          table: msdyn_loyaltycard
          key: [msdyn_legalentity, msdyn_cardnumber]
        fields:
          - { erp: DATAAREAID, crm: msdyn_legalentity, direction: <-> }
          - { erp: CARDNUMBER, crm: msdyn_cardnumber, direction: <-> }
          - erp: CARDTENDERTYPE
            crm: msdyn_cardtendertype
            direction: <->
            transform:
              name: tandem.std.value-map
              config:
                map:
                  asCardTender: 806380000
                  asContactTender: 806380001
                  noTender: 806380002
                  blocked: 806380003
                output: l
          - erp: CUSTACCOUNT
            crm: msdyn_customer
            direction: <->
            lookup:
              map: sample.customers
              erp: ACCOUNTNUM
              crm: accountnumber
              match:
                crm: { msdyn_legalentity: msdyn_company }
          - { erp: PARTYNUMBER, crm: msdyn_partynumber, direction: <-> }
          - { erp: REPLACEMENTCARDNUMBER, crm: msdyn_replacementcardnumber, direction: -> }
          - { erp: LOYALTYENROLLMENTDATE, crm: msdyn_enrollmentdate, direction: <-> }
          - { crm: msdyn_source, direction: ->, default: ERP }
        filters:
          erp_to_crm: CARDNUMBER NOT LIKE 'TEST-%'
        depends_on: [sample.customers]
        conflict_policy: erp-wins
        ddl:
          erp: |
            CREATE TABLE IF NOT EXISTS RetailLoyaltyCard (DATAAREAID TEXT NOT NULL, CARDNUMBER TEXT NOT NULL,
              CARDTENDERTYPE TEXT, CUSTACCOUNT TEXT, PARTYNUMBER TEXT, REPLACEMENTCARDNUMBER TEXT,
              LOYALTYENROLLMENTDATE TEXT, PRIMARY KEY (DATAAREAID, CARDNUMBER))
          crm: |
            CREATE TABLE IF NOT EXISTS msdyn_loyaltycard (msdyn_legalentity TEXT NOT NULL,
              msdyn_cardnumber TEXT NOT NULL, msdyn_cardtendertype INTEGER, msdyn_customer TEXT,
              msdyn_partynumber TEXT, msdyn_replacementcardnumber TEXT, msdyn_enrollmentdate TEXT,
              msdyn_source TEXT, PRIMARY KEY (msdyn_legalentity, msdyn_cardnumber))

        """

    /// Every column of both card tables, quoted by SQLite, so that type and digits count.
    static let erpCards = """
        SELECT quote(DATAAREAID)||'|'||quote(CARDNUMBER)||'|'||quote(CARDTENDERTYPE)||'|'||quote(CUSTACCOUNT)||'|'||
        quote(PARTYNUMBER)||'|'||quote(REPLACEMENTCARDNUMBER)||'|'||quote(LOYALTYENROLLMENTDATE) FROM RetailLoyaltyCard ORDER BY 1
        """
    static let crmCards = """
        SELECT quote(msdyn_legalentity)||'|'||quote(msdyn_cardnumber)||'|'||quote(msdyn_cardtendertype)||'|'||
        quote(msdyn_customer)||'|'||quote(msdyn_partynumber)||'|'||quote(msdyn_replacementcardnumber)||'|'||
        quote(msdyn_enrollmentdate)||'|'||quote(msdyn_source) FROM msdyn_loyaltycard ORDER BY 1
        """

    static let customers = """
        INSERT INTO CustGroup VALUES ('usmf', '10', 'Wholesale'), ('demf', '10', 'Großhandel');
        INSERT INTO CustTable VALUES ('usmf', 'C1', 'Contoso Retail', '10', '1', 'No', NULL, NULL),
          ('demf', 'C2', 'Fabrikam', '10', '2', 'No', NULL, NULL);
        """

    /// An environment with the sample maps, the map file in `maps/`
    /// (`yaml`, as `name`) and the map enabled in tandem.yaml after them.
    static func fixture(
        _ label: String, yaml: String = Self.yaml, name: String = "loyalty-cards.yaml", enable: [String] = [map]
    )
        throws -> SyncFixture
    {
        let fixture = try SyncFixture.make(
            label, maps: ["sample.groups", "sample.customers", "sample.notes"],
            edit: { $0 + enable.map { "  - name: \($0)\n" }.joined() })
        try FileManager.default.createDirectory(atPath: fixture.directory + "/maps", withIntermediateDirectories: true)
        try yaml.write(toFile: fixture.directory + "/maps/" + name, atomically: true, encoding: .utf8)
        return fixture
    }

    /// The table's columns as SQLite declares them: `name type`, in order.
    static func columns(_ database: String, _ table: String) throws -> [String] {
        try SideReader.rows(database, "SELECT name || ' ' || type FROM pragma_table_info('\(table)') ORDER BY cid")
    }

    @Test(
        "capture install --create-tables creates both tables from the map file's ddl section, and the file's map is listed with its version, publisher and file"
    )
    func createTables() async throws {
        let fixture = try Self.fixture("declarative-ddl")
        #expect(try Self.columns(fixture.erp, "RetailLoyaltyCard").isEmpty)
        let plain = try await fixture.tandem(["capture", "install"])
        #expect(plain.status != 0)
        #expect(
            plain.stderr.contains("table 'RetailLoyaltyCard' does not exist in the erp database"), "\(plain.stderr)")
        #expect(
            plain.stderr.contains(
                "`tandem capture install --create-tables` to create it from the ddl section of its map file \(fixture.directory)/maps/loyalty-cards.yaml"
            ),
            "\(plain.stderr)")

        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(
            try Self.columns(fixture.erp, "RetailLoyaltyCard") == [
                "DATAAREAID TEXT", "CARDNUMBER TEXT", "CARDTENDERTYPE TEXT", "CUSTACCOUNT TEXT", "PARTYNUMBER TEXT",
                "REPLACEMENTCARDNUMBER TEXT", "LOYALTYENROLLMENTDATE TEXT",
            ])
        #expect(
            try Self.columns(fixture.crm, "msdyn_loyaltycard") == [
                "msdyn_legalentity TEXT", "msdyn_cardnumber TEXT", "msdyn_cardtendertype INTEGER",
                "msdyn_customer TEXT",
                "msdyn_partynumber TEXT", "msdyn_replacementcardnumber TEXT", "msdyn_enrollmentdate TEXT",
                "msdyn_source TEXT",
            ])
        // Capture is installed on the new tables: an application's write is recorded.
        try SideReader.execute(
            fixture.erp, "INSERT INTO RetailLoyaltyCard (DATAAREAID, CARDNUMBER) VALUES ('usmf', 'LC-0')")
        #expect(
            try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = 'RetailLoyaltyCard'")
                == 1)

        let list = try await fixture.tandem(["maps", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let entry = try #require(entries.first { $0["name"] as? String == Self.map })
        #expect(entry["plugin"] as? String == "maps/loyalty-cards.yaml")
        #expect(entry["version"] as? String == "1.2.0")
        #expect(entry["publisher"] as? String == "Contoso IT")
        #expect(entry["file"] as? String == fixture.directory + "/maps/loyalty-cards.yaml")
        #expect(entry["erpTable"] as? String == "RetailLoyaltyCard")
        let plugins = try await fixture.tandem(["plugins", "list", "--env", fixture.directory])
        #expect(plugins.stdout.contains("Map files:"), "\(plugins.stdout)")
        #expect(plugins.stdout.contains("contoso.loyalty-cards  1.2.0    Contoso IT"), "\(plugins.stdout)")
    }

    @Test(
        "tandem init enables a map file written into the folder first: with its dependencies, its tables from the ddl section and capture installed"
    )
    func initWithMapFile() async throws {
        let directory = try Fixtures.temporaryDirectory("declarative-init") + "/env"
        try FileManager.default.createDirectory(atPath: directory + "/maps", withIntermediateDirectories: true)
        try Self.yaml.write(toFile: directory + "/maps/loyalty-cards.yaml", atomically: true, encoding: .utf8)
        let initialised = try await Fixtures.run(
            Fixtures.tandemExecutable, ["init", directory, "--map", Self.map, "--with-dependencies"],
            environment: ["TANDEM_BUNDLED_PLUGINS": SyncFixture.stagedPlugins])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let config = try String(contentsOfFile: directory + "/tandem.yaml", encoding: .utf8)
        #expect(config.contains("  - name: sample.groups\n"), "\(config)")
        #expect(config.contains("  - name: sample.customers\n"), "\(config)")
        #expect(config.contains("  - name: \(Self.map)\n"), "\(config)")
        #expect(try Self.columns(directory + "/crm.sqlite", "msdyn_loyaltycard").count == 8)
        try SideReader.execute(
            directory + "/erp.sqlite", "INSERT INTO RetailLoyaltyCard (DATAAREAID, CARDNUMBER) VALUES ('usmf', 'LC-0')")
        #expect(
            try SideReader.scalar(
                directory + "/erp.sqlite", "SELECT COUNT(*) FROM _tandem_changes WHERE tbl = 'RetailLoyaltyCard'") == 1)
    }

    @Test(
        "The SDK's loyalty-card map as YAML syncs both ways live: the value map both ways, the composite lookup waits for its customer in the card's own company, the filter and the one-way column hold, row for row on both sides"
    )
    func liveBothWays() async throws {
        let fixture = try Self.fixture("declarative-live")
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        let run = try await fixture.tandem(["maps", "run", "sample.groups", "sample.customers", Self.map])
        try #require(run.status == 0, "\(run.stderr)")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }

        try SideReader.execute(fixture.erp, Self.customers)
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM account") == 2 }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO RetailLoyaltyCard VALUES ('usmf', 'LC-1', 'asCardTender', 'C1', 'P-1', NULL, '2026-01-15');
            INSERT INTO RetailLoyaltyCard VALUES ('usmf', 'LC-2', 'blocked', 'C2', 'P-2', 'LC-9', '2026-02-01');
            INSERT INTO RetailLoyaltyCard VALUES ('usmf', 'TEST-1', 'noTender', 'C1', 'P-T', NULL, NULL);
            """)
        // LC-2's customer C2 is in demf only: the usmf card waits for a usmf C2.
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_loyaltycard") == 1 }
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 1 }
        #expect(
            try SideReader.rows(fixture.crm, "SELECT kind || ': ' || reason FROM _tandem_parked") == [
                "parent: waits for its parent in map sample.customers: text 'C2' is not on the crm side yet"
            ])
        try SideReader.execute(
            fixture.erp, "INSERT INTO CustTable VALUES ('usmf', 'C2', 'Contoso Outlet', '10', '3', 'No', NULL, NULL);")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_loyaltycard") == 2 }

        // The CRM side: a new card in demf (its customer is there) and a tender change on LC-1.
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO msdyn_loyaltycard (msdyn_legalentity, msdyn_cardnumber, msdyn_cardtendertype, msdyn_customer,
              msdyn_partynumber, msdyn_enrollmentdate) VALUES ('demf', 'LC-3', 806380001, 'C2', 'P-3', '2026-03-01');
            UPDATE msdyn_loyaltycard SET msdyn_cardtendertype = 806380002 WHERE msdyn_cardnumber = 'LC-1';
            """)
        let erpExpected = [
            "'demf'|'LC-3'|'asContactTender'|'C2'|'P-3'|NULL|'2026-03-01'",
            "'usmf'|'LC-1'|'noTender'|'C1'|'P-1'|NULL|'2026-01-15'",
            "'usmf'|'LC-2'|'blocked'|'C2'|'P-2'|'LC-9'|'2026-02-01'",
            "'usmf'|'TEST-1'|'noTender'|'C1'|'P-T'|NULL|NULL",
        ]
        let crmExpected = [
            "'demf'|'LC-3'|806380001|'C2'|'P-3'|NULL|'2026-03-01'|NULL",
            "'usmf'|'LC-1'|806380002|'C1'|'P-1'|NULL|'2026-01-15'|'ERP'",
            "'usmf'|'LC-2'|806380003|'C2'|'P-2'|'LC-9'|'2026-02-01'|'ERP'",
        ]
        try await waitUntil {
            try SideReader.drained(fixture, map: Self.map, erpTable: "RetailLoyaltyCard", crmTable: "msdyn_loyaltycard")
                && SideReader.rows(fixture.erp, Self.erpCards) == erpExpected
        }
        #expect(try SideReader.rows(fixture.erp, Self.erpCards) == erpExpected)
        #expect(try SideReader.rows(fixture.crm, Self.crmCards) == crmExpected)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(!fixture.engineLog.contains("failed"), "\(fixture.engineLog.suffix(2000))")
    }

    @Test(
        "Initial sync copies a declarative map's existing rows after its parents; compare finds both sides in step, validate passes, and a write-through lands on both sides"
    )
    func initialSyncCompareValidateWrite() async throws {
        let fixture = try Self.fixture("declarative-initial")
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        try SideReader.execute(
            fixture.erp,
            Self.customers
                + """
                INSERT INTO RetailLoyaltyCard VALUES ('usmf', 'LC-1', 'asCardTender', 'C1', 'P-1', NULL, '2026-01-15'),
                  ('demf', 'LC-2', 'blocked', 'C2', 'P-2', 'LC-9', '2026-02-01'),
                  ('usmf', 'TEST-1', 'noTender', 'C1', 'P-T', NULL, NULL);
                """)
        let validate = try await fixture.tandem(["maps", "validate", Self.map])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let initial = try await fixture.tandem(
            ["maps", "initial-sync", "sample.groups", "sample.customers", Self.map])
        #expect(initial.status == 0, "\(initial.stderr)")
        // The bulk path, as a plugin's map takes: 3 rows read, the filtered one not written.
        #expect(initial.stderr.contains("\(Self.map) [master]: bulk path"), "\(initial.stderr)")
        #expect(initial.stderr.contains("\(Self.map) [master] 3/3 rows"), "\(initial.stderr)")
        #expect(
            try SideReader.rows(fixture.crm, Self.crmCards) == [
                "'demf'|'LC-2'|806380003|'C2'|'P-2'|'LC-9'|'2026-02-01'|'ERP'",
                "'usmf'|'LC-1'|806380000|'C1'|'P-1'|NULL|'2026-01-15'|'ERP'",
            ])
        let compare = try await fixture.tandem(["maps", "compare", Self.map, "--json"])
        #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [[String: Any]]
        #expect(results?.first?["inStep"] as? Bool == true, "\(compare.stdout)")

        // Write-through on the CRM table: the value map and the lookup apply before the command returns.
        let write = try await fixture.tandem([
            "write", "crm", "msdyn_loyaltycard",
            #"{"msdyn_legalentity": "usmf", "msdyn_cardnumber": "LC-5", "msdyn_cardtendertype": 806380002, "msdyn_customer": "C1"}"#,
        ])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(
            try SideReader.rows(fixture.erp, Self.erpCards + " LIMIT 10").contains(
                "'usmf'|'LC-5'|'noTender'|'C1'|NULL|NULL|NULL"))
    }

    @Test(
        "A JSON map file reads as YAML does: a transform's config keeps its numbers, the ddl section may be a list, and initial sync copies its rows"
    )
    func jsonFile() async throws {
        let json = #"""
            {
              "id": "contoso.tags", "version": "1", "publisher": "Contoso IT",
              "erp": { "table": "Tag", "key": ["TAGID"] },
              "crm": { "table": "cr_tag", "key": ["cr_tagid"] },
              "fields": [
                { "erp": "TAGID", "crm": "cr_tagid", "direction": "<->" },
                { "erp": "WEIGHT", "crm": "cr_weight", "direction": "->",
                  "transform": { "name": "tandem.std.currency-precision", "config": { "scale": 2 } } },
                { "erp": null, "crm": "cr_origin", "direction": "->", "default": "ERP" }
              ],
              "ddl": {
                "erp": ["CREATE TABLE IF NOT EXISTS Tag (TAGID TEXT PRIMARY KEY, WEIGHT TEXT)"],
                "crm": ["CREATE TABLE IF NOT EXISTS cr_tag (cr_tagid TEXT PRIMARY KEY, cr_weight TEXT, cr_origin TEXT)"]
              }
            }
            """#
        let fixture = try Self.fixture("declarative-json", yaml: json, name: "tags.json", enable: ["contoso.tags"])
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        try #require(install.status == 0, "\(install.stderr)")
        try SideReader.execute(fixture.erp, "INSERT INTO Tag VALUES ('T1', '1.5'), ('T2', '0.125')")
        let initial = try await fixture.tandem(["maps", "initial-sync", "contoso.tags"])
        #expect(initial.status == 0, "\(initial.stderr)")
        // scale 2 is the number 2 for the transform: 1.5 is written 1.50; 0.125 would lose a digit and is refused.
        #expect(
            try SideReader.rows(
                fixture.crm,
                "SELECT quote(cr_tagid)||'|'||quote(cr_weight)||'|'||quote(cr_origin) FROM cr_tag ORDER BY 1")
                == ["'T1'|'1.50'|'ERP'"])
        let parked = try await fixture.tandem(["errors", "list", "--map", "contoso.tags", "--json"])
        #expect(parked.stdout.contains("'T2'"), "\(parked.stdout)")
    }

    @Test(
        "A map file with a mistake is refused at FILE:LINE:COLUMN with the setting and the fix; that map alone fails, the engine syncs the others"
    )
    func badFile() async throws {
        let bad = Self.yaml.replacingOccurrences(
            of: "  - { erp: PARTYNUMBER, crm: msdyn_partynumber, direction: <-> }",
            with: "  - { erp: PARTYNUMBER, crm: msdyn_partynumber, direction: <=> }")
        try #require(bad != Self.yaml)
        let fixture = try Self.fixture("declarative-bad", yaml: bad)
        let file = fixture.directory + "/maps/loyalty-cards.yaml"
        // Line 37 of the file, the column of the value: what an editor jumps to.
        let place = "\(file):37:60: fields[4].direction: '<=>' is not one of '<->', '->', '<-'"
        let line = bad.split(separator: "\n", omittingEmptySubsequences: false)[36]
        #expect(line.contains("direction: <=>"), "line 37 is \(line)")

        let list = try await fixture.tandem(["maps", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr.contains("warning: " + place), "\(list.stderr)")
        #expect(list.stdout.contains("\(Self.map) failed: map '\(Self.map)' is not loaded: \(place)"), "\(list.stdout)")
        // A command that needs every map refuses with the same place.
        let install = try await fixture.tandem(["capture", "install", "--create-tables"])
        #expect(install.status != 0)
        #expect(install.stderr.contains(place), "\(install.stderr)")

        // A misspelt setting names the closest one.
        try Self.yaml.replacingOccurrences(of: "    transform:\n", with: "    tranform:\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        let misspelt = try await fixture.tandem(["maps", "validate", Self.map])
        #expect(misspelt.status != 0)
        #expect(
            (misspelt.stdout + misspelt.stderr).contains(
                "\(file):19:5: fields[2].tranform: unknown setting 'tranform' (did you mean 'transform'?)"),
            "\(misspelt.stdout)\(misspelt.stderr)")

        // The engine runs the other maps; the broken one is failed with the file's place as its reason.
        try bad.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(fixture.erp, "INSERT INTO Notes VALUES (1, 'still syncing')")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 1 }
        let status = try await fixture.tandem(["maps", "list"])
        #expect(
            status.stdout.contains("\(Self.map) failed: map '\(Self.map)' is not loaded: \(place)"), "\(status.stdout)")

        // The admin fixes the file: the running engine read the folder at its start, and status says so.
        let unchanged = try await fixture.tandem(["status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(unchanged.stdout.utf8)) as? [String: Any]
        #expect(json?["mapFilesChanged"] as? [String] == [], "\(unchanged.stdout)")
        try Self.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let changed = try await fixture.tandem(["status"])
        #expect(
            changed.stdout.contains(
                "map file    maps/loyalty-cards.yaml changed after the engine started; restart `tandem run` to use it"),
            "\(changed.stdout)")
    }

    @Test(
        "A map file whose id a plugin or another file already provides is refused naming both places; neither runs"
    )
    func nameClash() async throws {
        // The id of a bundled plugin's map.
        let clash = Self.yaml.replacingOccurrences(of: "id: contoso.loyalty-cards", with: "id: sample.notes")
        let fixture = try Self.fixture("declarative-clash", yaml: clash, enable: [])
        let file = fixture.directory + "/maps/loyalty-cards.yaml"
        let list = try await fixture.tandem(["maps", "list"])
        #expect(
            list.stderr.contains(
                "warning: \(file):3:5: id: map 'sample.notes' is also declared by plugin tandem.samples ("),
            "\(list.stderr)")
        #expect(
            list.stdout.contains("sample.notes failed: map 'sample.notes' is not loaded: \(file):3:5"), "\(list.stdout)"
        )
        #expect(
            list.stdout.contains("libTandemSampleMaps.so); a map id names one map in an environment"), "\(list.stdout)")
        let install = try await fixture.tandem(["capture", "install"])
        #expect(install.status != 0)
        #expect(install.stderr.contains("is also declared by plugin tandem.samples"), "\(install.stderr)")

        // Two files with one id: the second names the first; the map runs from neither.
        try FileManager.default.removeItem(atPath: file)
        try Self.yaml.write(toFile: fixture.directory + "/maps/a.yaml", atomically: true, encoding: .utf8)
        try Self.yaml.write(toFile: fixture.directory + "/maps/b.yml", atomically: true, encoding: .utf8)
        try
            (try String(contentsOfFile: fixture.directory + "/tandem.yaml", encoding: .utf8) + "  - name: \(Self.map)\n")
            .write(toFile: fixture.directory + "/tandem.yaml", atomically: true, encoding: .utf8)
        let twice = try await fixture.tandem(["maps", "list"])
        let second =
            "\(fixture.directory)/maps/b.yml:3:5: id: map '\(Self.map)' is also declared by \(fixture.directory)/maps/a.yaml"
        #expect(twice.stderr.contains("warning: " + second), "\(twice.stderr)")
        #expect(
            twice.stdout.contains("\(Self.map) failed: map '\(Self.map)' is not loaded: \(second)"), "\(twice.stdout)")
        // The plugin's sample.notes is no longer contested.
        #expect(!twice.stdout.contains("sample.notes failed"), "\(twice.stdout)")
    }
}
