import Testing
import TandemTestSupport
import TandemArrow
import TandemDocuments
import TandemPluginHost

@Suite("The SDK's C template plugin, built with cc and the header alone")
struct CTemplatePluginTests {
    @Test("builds, loads, provides its map and DDL, and its transform runs")
    func template() throws {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.cTemplatePlugin(into: directory)
        let plugin = try PluginLoader().load(file: library, directory: directory)
        #expect(plugin.id == "com.example.warehouses")
        #expect(Set(plugin.kinds) == [.tableMap, .transform])
        let map = try #require(plugin.maps?.maps.first)
        #expect(map.id == "example.warehouses")
        #expect(map.erp == TableReference(table: "InventWarehouse", key: ["DATAAREAID", "WAREHOUSEID"]))
        #expect(map.crm.key == ["cdm_companycode", "msdyn_warehouseidentifier"])
        #expect(plugin.ddl?.erp.contains { $0.contains("CREATE TABLE IF NOT EXISTS InventWarehouse") } == true)

        let transform = try plugin.makeTransform("com.example.uppercase", input: Schema([Field("street", .utf8)]))
        let result = try transform.process(try RecordBatch([Column(Field("street", .utf8), .utf8(["Main street", nil, "åbc"]))]))
        #expect(result.columns[0].data == .utf8(["MAIN STREET", nil, "åBC"]))
    }

    @Test("the template passes the conformance kit")
    func conformance() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.cTemplatePlugin(into: directory))
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.checks.contains { $0.name == "example 1 of com.example.uppercase" && $0.outcome == .pass })
    }
}
