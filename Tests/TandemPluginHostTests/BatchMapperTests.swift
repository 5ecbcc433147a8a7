import Testing
import TandemTestSupport
import TandemArrow
import TandemDocuments
import TandemPluginHost

@Suite("A table-map plugin in Swift with a batch mapper")
struct BatchMapperTests {
    let plugin: LoadedPlugin

    init() throws {
        let directory = try Fixtures.temporaryDirectory()
        try PluginPackager.pack(
            library: Fixtures.productsDirectory + "/libTandemTestMapperPlugin.so",
            sourceManifest: Fixtures.repositoryRoot + "/Tests/Plugins/TestMapperPlugin/tandem-plugin.json", into: directory)
        plugin = try PluginLoader().load(file: directory + "/libTandemTestMapperPlugin.so", directory: directory)
    }

    @Test("the maps document and DDL come through, mapper flag included")
    func documents() throws {
        let map = try #require(plugin.maps?.maps.first)
        #expect(map.id == "address-lines")
        #expect(map.mapper == true)
        #expect(map.fields[1].crm == .many(["msdyn_line", "msdyn_text"]))
        #expect(plugin.ddl?.crm.first?.hasPrefix("CREATE TABLE IF NOT EXISTS msdyn_addressline") == true)
    }

    @Test("the mapper may return more rows than it was given")
    func mapsBatch() throws {
        let input = Schema([Field("LOCATIONID", .utf8), Field("ADDRESS", .utf8)])
        let mapper = try plugin.makeMapper("address-lines", direction: 1, input: input)
        let result = try mapper.process(try RecordBatch([
            Column(input.fields[0], .utf8(["L-1", "L-2", "L-3"])),
            Column(input.fields[1], .utf8(["1 Main St\nSuite 200\nSeattle", nil, "Øster Allé 4"])),
        ]))
        #expect(result.rowCount == 4)
        #expect(result.columns[0].data == .utf8(["L-1", "L-1", "L-1", "L-3"]))
        #expect(result.columns[1].data == .int64([1, 2, 3, 1]))
        #expect(result.columns[2].data == .utf8(["1 Main St", "Suite 200", "Seattle", "Øster Allé 4"]))
    }

    @Test("a direction or input the mapper cannot handle is refused with the plugin's message")
    func refusals() throws {
        let input = Schema([Field("LOCATIONID", .utf8), Field("ADDRESS", .utf8)])
        let direction = #expect(throws: PluginCallError.self) { try plugin.makeMapper("address-lines", direction: 2, input: input) }
        #expect(direction?.status == 1)
        #expect(direction?.message == "test.mapper maps address-lines from ERP to CRM only, not address-lines crmToErp")
        let columns = #expect(throws: PluginCallError.self) {
            try plugin.makeMapper("address-lines", direction: 1, input: Schema([Field("LOCATIONID", .int64)]))
        }
        #expect(columns?.status == 2)
        #expect(columns?.message == "address-lines expects text columns LOCATIONID, ADDRESS; got (LOCATIONID: l)")
    }
}
