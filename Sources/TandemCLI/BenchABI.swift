import ArgumentParser
import CTandemPlugin
import Foundation
import TandemArrow
import TandemDocuments
import TandemPluginHost

/// `tandem bench abi`: what crossing the plugin ABI costs per batch.
struct BenchABI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi",
        abstract: "Measure the cost of moving record batches through the plugin ABI.",
        discussion: """
            Sends batches of narrow customer-like rows (account number, name, credit limit
            as decimal128(38,10), on-hold status) through tandem.std.value-map of the
            bundled standard transforms, and measures, per batch: the host's Arrow export,
            the host's Arrow import, the export of imported columns (their buffers as
            they are), the whole round trip through the plugin (host export, plugin
            import, mapping, plugin export, host import and checks), and, as the
            physical floor, a memcpy of the batch's bytes; each also as a multiple
            of that floor. The two round trips are measured again with the plugin in
            a plugin host process (isolation: process): buffers copied whole through
            shared memory, a message each way.
            """
    )

    @Option(help: "Rows per batch.")
    var rows = 4096

    @Option(help: "Batches per measurement.")
    var batches = 500

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let catalog = plugins.loadCatalog()
        guard let plugin = catalog.plugin("tandem.std.transforms") else {
            throw CLIError("the bundled plugin tandem.std.transforms is not loaded; run through ./tandem or pass --plugins DIR")
        }
        let batch = try makeBatch(rows: rows)
        let mapConfig: JSONValue = .object([
            "map": .object(["no": .string("806380000"), "invoice": .string("806380001"), "all": .string("806380002")]),
            "output": .string("l"),
        ])
        let concatConfig: JSONValue = .object(["name": .string("label")])
        let transform = try plugin.makeTransform("tandem.std.value-map", config: mapConfig, input: Schema([batch.schema.fields[3]]))
        let statusBatch = try RecordBatch([batch.columns[3]])
        let wholeBatchIdentity = try plugin.makeTransform(
            "tandem.std.concat", config: concatConfig,
            input: Schema([batch.schema.fields[0], batch.schema.fields[1]]))
        let textBatch = try RecordBatch([batch.columns[0], batch.columns[1]])

        let bytes = byteCount(batch)
        let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        source.initializeMemory(as: UInt8.self, repeating: 7, count: bytes)
        defer {
            source.deallocate()
            target.deallocate()
        }

        var results: [Measurement] = []
        results.append(measure("memcpy of the batch's bytes (floor)") { target.copyMemory(from: source, byteCount: bytes) })
        results.append(
            try measure("host Arrow export + release (4 columns)") {
                var array = ArrowArray()
                try ArrowCExport.exportBatch(batch, into: &array)
                array.release?(&array)
            })
        var exported = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &exported)
        defer { exported.release?(&exported) }
        let schema = batch.schema
        results.append(try measure("host Arrow import (4 columns)") { _ = try ArrowCImport.batch(&exported, schema: schema) })
        // An imported batch holds the plugin's buffers: sending it on writes nothing.
        let imported = try ArrowCImport.batch(&exported, schema: schema)
        results.append(
            try measure("host Arrow export of imported columns") {
                var array = ArrowArray()
                try ArrowCExport.exportBatch(imported, into: &array)
                array.release?(&array)
            })
        results.append(try measure("round trip: value-map on 1 column") { _ = try transform.process(statusBatch) })
        results.append(try measure("round trip: concat of 2 text columns") { _ = try wholeBatchIdentity.process(textBatch) })
        // The same two transforms in a plugin host process (issue 17 §3), this executable as its host.
        let launch = IsolatedProcessor.Launch(
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, callTimeoutMilliseconds: 30_000)
        let isolatedMap = try IsolatedProcessor(
            plugin: plugin, transform: "tandem.std.value-map", config: mapConfig, input: Schema([batch.schema.fields[3]]), launch: launch)
        let isolatedConcat = try IsolatedProcessor(
            plugin: plugin, transform: "tandem.std.concat", config: concatConfig,
            input: Schema([batch.schema.fields[0], batch.schema.fields[1]]), launch: launch)
        results.append(try measure("isolated round trip: value-map on 1 column") { _ = try isolatedMap.process(statusBatch) })
        results.append(try measure("isolated round trip: concat of 2 text columns") { _ = try isolatedConcat.process(textBatch) })

        let floor = results[0].microsecondsPerBatch
        for index in results.indices { results[index].timesFloor = results[index].microsecondsPerBatch / floor }

        if output.json {
            struct Report: Encodable {
                var rowsPerBatch: Int
                var batches: Int
                var batchBytes: Int
                var measurements: [Measurement]
            }
            printJSON(Report(rowsPerBatch: rows, batches: batches, batchBytes: bytes, measurements: results))
        } else {
            print("\(batches) batches of \(rows) rows, \(bytes) bytes of column data per batch")
            print(renderTable(
                header: ["MEASUREMENT", "µs/BATCH", "ns/ROW", "ROWS/S", "× FLOOR"],
                rows: results.map {
                    [$0.name, String(format: "%.1f", $0.microsecondsPerBatch), String(format: "%.1f", $0.nanosecondsPerRow),
                     String(format: "%.0f", $0.rowsPerSecond), String(format: "%.1f", $0.timesFloor)]
                }))
        }
    }

    struct Measurement: Encodable {
        var name: String
        var microsecondsPerBatch: Double
        var nanosecondsPerRow: Double
        var rowsPerSecond: Double
        /// This measurement over the same run's memcpy floor.
        var timesFloor = 1.0
    }

    private func measure(_ name: String, _ body: () throws -> Void) rethrows -> Measurement {
        for _ in 0..<max(5, batches / 20) { try body() }  // warm up caches and allocators
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for _ in 0..<batches { try body() } }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perBatch = seconds / Double(batches)
        return Measurement(
            name: name, microsecondsPerBatch: perBatch * 1e6, nanosecondsPerRow: perBatch * 1e9 / Double(rows),
            rowsPerSecond: Double(rows) / perBatch)
    }

    private func makeBatch(rows: Int) throws -> RecordBatch {
        let statuses = ["no", "invoice", "all"]
        return try RecordBatch([
            Column(Field("CUSTOMERACCOUNT", .utf8, nullable: false), .utf8((0..<rows).map { "US-\(100_000 + $0)" })),
            Column(Field("ORGANIZATIONNAME", .utf8), .utf8((0..<rows).map { $0 % 50 == 0 ? nil : "Contoso Retail \($0)" })),
            Column(
                Field("CREDITLIMIT", .decimal128(precision: 38, scale: 10)),
                .decimal128((0..<rows).map { ExactDecimal(unscaled: Int128($0) * 1_000_000_007, scale: 10) })),
            Column(Field("ONHOLDSTATUS", .utf8), .utf8((0..<rows).map { statuses[$0 % 3] })),
        ])
    }

    /// Bytes of the Arrow buffers of the batch (values, offsets, no validity).
    private func byteCount(_ batch: RecordBatch) -> Int {
        batch.columns.reduce(0) { total, column in
            switch column.data {
            case .utf8(let values): total + values.reduce(0) { $0 + ($1?.utf8.count ?? 0) } + 4 * (values.count + 1)
            case .decimal128(let values): total + 16 * values.count
            default: total + 8 * column.count
            }
        }
    }
}
