import Testing
import TandemTestSupport
import TandemConformance
import TandemPluginHost

/// Runs the conformance kit on a file in its own directory.
enum PluginConformanceRunner {
    static func run(_ file: String) -> ConformanceReport {
        PluginConformance.run(file: file)
    }
}

@Suite("The conformance kit that plugin authors run")
struct ConformanceKitTests {
    @Test("the bundled standard transforms pass every check, examples included")
    func standardTransforms() throws {
        let report = PluginConformanceRunner.run(try Fixtures.packStandardTransforms(into: try Fixtures.temporaryDirectory()))
        #expect(report.plugin == "tandem.std.transforms")
        #expect(report.failures.isEmpty, "\(report.failures)")
        // 13 examples over 7 transforms: an ownership and an output check per example.
        #expect(report.checks.filter { $0.name.hasPrefix("example ") && $0.outcome == .pass }.count == 13)
        #expect(report.checks.filter { $0.name.hasPrefix("ownership") && $0.outcome == .pass }.count == 13)
    }

    @Test("a map plugin's DDL is run: every mapped table and column it creates is checked")
    func mapDDL() throws {
        let report = PluginConformanceRunner.run(try Fixtures.warehousesExample(into: try Fixtures.temporaryDirectory()))
        #expect(report.failures.isEmpty, "\(report.failures)")
        let warehouses = try #require(report.checks.first { $0.name == "DDL for contoso.warehouses (crm)" })
        #expect(warehouses.detail == "creates msdyn_warehouse with its 7 mapped column(s)")
    }

    @Test("a DDL missing a mapped column or a table, or one SQLite refuses, is reported with table, column and statement")
    func mapDDLMistakes() throws {
        let report = PluginConformanceRunner.run(
            try Fixtures.warehousesExample(
                editing: [
                    ("WAREHOUSETYPE TEXT, MAXPALLETS TEXT,", "WAREHOUSETYPE TEXT,"),
                    ("IF NOT EXISTS InventSite ", "IF NOT EXISTS InventSites "),
                    ("msdyn_name TEXT, PRIMARY KEY (cdm_companycode, msdyn_siteid))", "msdyn_name TEXT, PRIMARY KEY (cdm_companycode, msdyn_siteid)"),
                ],
                into: try Fixtures.temporaryDirectory()))
        #expect(!report.passed)
        let outcomes = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0) })
        #expect(outcomes["DDL for contoso.warehouses (erp)"]?.outcome == .fail)
        #expect(
            outcomes["DDL for contoso.warehouses (erp)"]?.detail
                == "InventWarehouse has no column 'MAXPALLETS', which the map names; add it to the DDL or correct the field (columns: DATAAREAID, WAREHOUSEID, NAME, INVENTSITEID, WAREHOUSETYPE)")
        // A table the DDL does not create may be one the application has: a warning.
        #expect(outcomes["DDL for contoso.sites (erp)"]?.outcome == .warn)
        #expect(outcomes["DDL for contoso.sites (erp)"]?.detail == "creates no table InventSite; it must exist on the erp side before capture is installed")
        #expect(outcomes["DDL (crm) statement 1"]?.outcome == .fail)
        #expect(outcomes["DDL (crm) statement 1"]?.detail.hasPrefix("SQLite refuses it: incomplete input: CREATE TABLE IF NOT EXISTS msdyn_operationalsite") == true)
    }

    @Test("a plugin that releases its borrowed input fails the ownership check")
    func ownershipViolation() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.hostilePlugin("HOSTILE_DOUBLE_RELEASE_INPUT", into: directory))
        #expect(!report.passed)
        let ownership = try #require(report.checks.first { $0.name == "ownership in example 1 of test.hostile.echo" })
        #expect(ownership.outcome == .fail)
        #expect(ownership.detail == "process released the borrowed input array (the host owns it)")
    }

    @Test("a plugin whose output differs from its documented example fails, naming row and column")
    func wrongOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.hostilePlugin("HOSTILE_WRONG_LENGTH", into: directory))
        let example = try #require(report.checks.first { $0.name == "example 1 of test.hostile.echo" })
        #expect(example.outcome == .fail)
        #expect(example.detail == "plugin test.hostile: process (transform test.hostile.echo) broke the plugin ABI: column 'n' has 1 values but the batch needs 3 (3 rows at offset 0)")
    }

    @Test("a refused file reports the loader's reason as its only check")
    func refused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.hostilePlugin("HOSTILE_NULL_DESCRIPTOR", into: directory))
        #expect(report.plugin == nil)
        #expect(report.checks == [
            ConformanceCheck("load", .fail, "no-descriptor: tandem_plugin_entry_v1 returned no descriptor for host ABI 1.0; the plugin may need a newer Tandem")
        ])
    }
}
