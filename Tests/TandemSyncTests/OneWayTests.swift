import Foundation
import TandemTestSupport
import Testing

/// One-way maps and transforms that read tables, with the engine and the
/// applications as real processes: sample.items flows only ERP to CRM and
/// converts its quantity through sample.unit-conversions.
@Suite("One-way maps and table-bound transforms", .serialized)
struct OneWayTests {
    static func items(_ fixture: SyncFixture) throws -> [String] {
        try SideReader.rows(
            fixture.crm,
            "SELECT msdyn_itemid || '|' || msdyn_name || '|' || msdyn_salesunit || '|' || COALESCE(msdyn_onhandinsalesunit, 'NULL') FROM msdyn_item ORDER BY msdyn_itemid")
    }

    @Test("tandem init writes a one-way map's only direction, and asking for the other one is an error that says which")
    func direction() throws {
        let fixture = try SyncFixture.make("oneway-config", maps: ["sample.unit-conversions", "sample.items"])
        let yaml = try String(contentsOfFile: fixture.directory + "/tandem.yaml", encoding: .utf8)
        #expect(yaml.contains("  - name: sample.items\n    direction: erp-to-crm\n    # one way: the map's fields flow only this way\n    master: erp\n"))
        #expect(yaml.contains("  - name: sample.unit-conversions\n    direction: both\n    master: erp\n"))
        try yaml.replacingOccurrences(of: "direction: erp-to-crm", with: "direction: crm-to-erp")
            .write(toFile: fixture.directory + "/tandem.yaml", atomically: true, encoding: .utf8)
        let result = try fixture.tandem(["maps", "run", "sample.items"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("map 'sample.items' cannot sync crm-to-erp: its key columns flow only erp-to-crm; set direction: erp-to-crm"))
    }

    @Test("quantities convert exactly through the conversion table, a new conversion applies without a restart, a missing one is a row error")
    func conversion() async throws {
        let fixture = try SyncFixture.make("oneway-units", maps: ["sample.unit-conversions", "sample.items"])
        #expect(try await fixture.tandem(["maps", "run", "sample.unit-conversions", "sample.items"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO UnitConversion VALUES ('kg', 'g', '1000', 'nearest'), ('dozen', 'pcs', '12', 'up');
            INSERT INTO Item VALUES ('usmf', 'I1', 'Flour', '2.5', 'kg', 'g'), ('usmf', 'I2', 'Eggs', '1', 'pcs', 'dozen'),
                ('usmf', 'I3', 'Rope', '7', 'm', 'ft');
            """)
        // 1 pcs is 1/12 dozen = 0.08333…, rounded up at 4 places by the conversion's rule.
        try await waitUntil { try Self.items(fixture).count == 2 }
        #expect(try Self.items(fixture) == ["I1|Flour|g|2500.0000", "I2|Eggs|dozen|0.0834"])
        let errors = try await fixture.tandem(["errors", "list", "--map", "sample.items", "--json"])
        #expect(errors.stdout.contains("no unit conversion from 'm' to 'ft' (product I3); add one to the unit conversion tables"), "\(errors.stdout)")

        // A conversion added while the engine runs, then the item retried: no restart.
        try SideReader.execute(fixture.erp, "INSERT INTO UnitConversion VALUES ('m', 'ft', '3.280839895013123', 'down');")
        try await waitUntil { try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM msdyn_unitconversion") == 3 }
        #expect(try await fixture.tandem(["errors", "retry", "--all", "--map", "sample.items"]).status == 0)
        try await waitUntil { try Self.items(fixture).count == 3 }
        #expect(try Self.items(fixture).last == "I3|Rope|ft|22.9658")
    }

    @Test("a CRM edit, delete or insert on a one-way map is put back (or kept) and reported in the conflict list")
    func overwrite() async throws {
        let fixture = try SyncFixture.make("oneway-guard", maps: ["sample.unit-conversions", "sample.items"])
        #expect(try await fixture.tandem(["maps", "run", "sample.unit-conversions", "sample.items"]).status == 0)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO UnitConversion VALUES ('kg', 'g', '1000', 'nearest');
            INSERT INTO Item VALUES ('usmf', 'I1', 'Flour', '2', 'kg', 'g'), ('usmf', 'I2', 'Sugar', '3', 'kg', 'g');
            """)
        let expected = ["I1|Flour|g|2000.0000", "I2|Sugar|g|3000.0000"]
        try await waitUntil { try Self.items(fixture) == expected }
        // The CRM application edits one item, deletes the other and creates one the ERP does not have.
        try SideReader.execute(
            fixture.crm,
            """
            UPDATE msdyn_item SET msdyn_name = 'crm rename', msdyn_onhandinsalesunit = '1' WHERE msdyn_itemid = 'I1';
            DELETE FROM msdyn_item WHERE msdyn_itemid = 'I2';
            INSERT INTO msdyn_item VALUES ('usmf', 'X9', 'crm only', 'g', '5');
            """)
        try await waitUntil { try Self.items(fixture) == expected + ["X9|crm only|g|5"] }
        #expect(try SideReader.rows(fixture.erp, "SELECT ITEMID FROM Item ORDER BY ITEMID") == ["I1", "I2"])
        let reports = try ConflictTests.conflicts(fixture, ["--map", "sample.items"])
        let outcomes = reports.compactMap { $0["outcome"] as? String }.sorted()
        #expect(outcomes == [
            "map sample.items is one-way erp-to-crm; the crm row is kept but not synced: the erp side has no row with this key",
            "map sample.items is one-way erp-to-crm; the crm side deleted the row, so it was put back as the erp side has it",
            "map sample.items is one-way erp-to-crm; the crm side edited the row, so it was put back as the erp side has it",
        ])
        #expect(reports.allSatisfy { ($0["policy"] as? String) == "one-way" && ($0["status"] as? String) == "resolved" })
        // The overwrite is Tandem's own write: it does not come back as another report.
        try await Task.sleep(for: .milliseconds(500))
        #expect(try ConflictTests.conflicts(fixture, ["--map", "sample.items"]).count == 3)
        // ERP changes still flow.
        try SideReader.execute(fixture.erp, "UPDATE Item SET NAME = 'Flour T55' WHERE ITEMID = 'I1';")
        try await waitUntil { try Self.items(fixture).first == "I1|Flour T55|g|2000.0000" }
    }

    @Test(
        "CRM edits made after maps run but before the engine's first pass (here: with no engine running) are put back and reported too; those made before it are not Tandem's"
    )
    func editsBeforeFirstPass() async throws {
        let fixture = try SyncFixture.make("oneway-start", maps: ["sample.unit-conversions", "sample.items"])
        // Before the map is started: a CRM row the guard must leave alone and never report.
        try SideReader.execute(fixture.crm, "INSERT INTO msdyn_item VALUES ('usmf', 'OLD', 'before the start', 'g', '1');")
        #expect(try await fixture.tandem(["maps", "run", "sample.unit-conversions", "sample.items"]).status == 0)
        // Started, no engine yet: the ERP's item, and a CRM application that
        // creates the same item its own way and one the ERP does not have.
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO UnitConversion VALUES ('kg', 'g', '1000', 'nearest');
            INSERT INTO Item VALUES ('usmf', 'I1', 'Flour', '2', 'kg', 'g');
            """)
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO msdyn_item VALUES ('usmf', 'I1', 'crm flour', 'g', '7');
            INSERT INTO msdyn_item VALUES ('usmf', 'X9', 'crm only', 'g', '5');
            """)
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await waitUntil { try ConflictTests.conflicts(fixture, ["--map", "sample.items"]).count == 2 }
        try await waitUntil {
            try Self.items(fixture) == ["I1|Flour|g|2000.0000", "OLD|before the start|g|1", "X9|crm only|g|5"]
        }
        let outcomes = try ConflictTests.conflicts(fixture, ["--map", "sample.items"])
            .map { "\($0["key"] ?? "") \($0["outcome"] ?? "")" }.sorted()
        #expect(
            outcomes == [
                "'usmf','I1' map sample.items is one-way erp-to-crm; the crm side inserted the row, so it was put back as the erp side has it",
                "'usmf','X9' map sample.items is one-way erp-to-crm; the crm row is kept but not synced: the erp side has no row with this key",
            ], "\(outcomes)")
    }
}
