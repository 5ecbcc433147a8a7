public import CTandemPlugin
import TandemArrow
import TandemDocuments
import TandemPluginKit

/// A table-map plugin for the tests, written with the Swift kit: one map whose
/// rows need code (`"mapper": true`), because one ERP row becomes one CRM row
/// per address line.
enum TestMapperPlugin: TandemPlugin {
    static let id = "test.mapper"
    static let version = "1.0.0"
    static let name = "Test mapper"
    static let summary = "A map that splits address blocks into lines with a batch mapper"

    static var maps: MapsDocument? {
        MapsDocument(maps: [
            TableMap(
                id: "address-lines", version: "1.0.0", description: "One CRM row per line of an ERP address block",
                erp: TableReference(table: "LogisticsAddress", key: ["LOCATIONID"]),
                crm: TableReference(table: "msdyn_addressline", key: ["msdyn_location", "msdyn_line"]),
                fields: [
                    FieldMap(erp: "LOCATIONID", crm: "msdyn_location", direction: .erpToCrm),
                    FieldMap(erp: "ADDRESS", crm: .many(["msdyn_line", "msdyn_text"]), direction: .erpToCrm),
                ],
                mapper: true)
        ])
    }

    static var ddl: DDLDocument? {
        DDLDocument(
            erp: ["CREATE TABLE IF NOT EXISTS LogisticsAddress (LOCATIONID TEXT PRIMARY KEY, ADDRESS TEXT)"],
            crm: ["CREATE TABLE IF NOT EXISTS msdyn_addressline (msdyn_location TEXT, msdyn_line INTEGER, msdyn_text TEXT, PRIMARY KEY (msdyn_location, msdyn_line))"])
    }

    static func makeMapper(mapID: String, direction: MapDirection, config: JSONValue, input: Schema) throws
        -> any BatchProcessor
    {
        guard mapID == "address-lines", direction == .erpToCrm else {
            throw PluginError(.invalidArgument, "test.mapper maps address-lines from ERP to CRM only, not \(mapID) \(direction)")
        }
        guard input.fields.map(\.name) == ["LOCATIONID", "ADDRESS"], input.fields.allSatisfy({ $0.type == .utf8 }) else {
            throw PluginError(.invalidConfig, "address-lines expects text columns LOCATIONID, ADDRESS; got \(input)")
        }
        return AddressLines()
    }
}

/// Splits each address block into numbered lines: more rows out than in.
struct AddressLines: BatchProcessor {
    let outputSchema = Schema([
        Field("msdyn_location", .utf8, nullable: false), Field("msdyn_line", .int64, nullable: false), Field("msdyn_text", .utf8),
    ])

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        var locations: [String?] = []
        var numbers: [Int64?] = []
        var texts: [String?] = []
        for row in 0..<batch.rowCount {
            guard case .utf8(let location) = batch.columns[0][row] else {
                throw PluginError(.invalidData, "row \(row): LOCATIONID is null")
            }
            guard case .utf8(let block) = batch.columns[1][row] else { continue }
            for (index, line) in block.split(separator: "\n").enumerated() {
                locations.append(location)
                numbers.append(Int64(index + 1))
                texts.append(String(line))
            }
        }
        return try RecordBatch([
            Column(outputSchema.fields[0], .utf8(locations)), Column(outputSchema.fields[1], .int64(numbers)),
            Column(outputSchema.fields[2], .utf8(texts)),
        ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: TestMapperPlugin.self, hostMajor: major, hostMinor: minor)
}
