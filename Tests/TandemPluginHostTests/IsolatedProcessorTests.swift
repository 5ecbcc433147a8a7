import Foundation
import TandemArrow
import TandemDocuments
import TandemPluginHost
import TandemTestSupport
import Testing

/// Issue 17 §3: a transform whose plugin runs in a `tandem plugin-host`
/// process (the real executable this package built), its batches crossing
/// in shared memory. A crash or a hang there throws for that call only,
/// and the next call gets a new host process.
@Suite("A transform in a plugin host process")
struct IsolatedProcessorTests {
    /// The SDK's C template, its uppercase transform crashing on `BOOM` and never returning on `HANG`.
    static let edits: [(String, String)] = [
        ("#include <stdarg.h>", "#define _POSIX_C_SOURCE 200809L\n#include <stdarg.h>\n#include <unistd.h>"),
        (
            "for (int32_t k = start; k < end; k++) {",
            """
            if (end - start == 4 && memcmp(in_data + start, "BOOM", 4) == 0) {
                        volatile int *volatile nowhere = NULL;
                        *nowhere = 1;
                    }
                    while (end - start == 4 && memcmp(in_data + start, "HANG", 4) == 0) {
                        sleep(1);
                    }
                    for (int32_t k = start; k < end; k++) {
            """
        ),
    ]

    static func launch(timeout: Int = 30_000) -> IsolatedProcessor.Launch {
        IsolatedProcessor.Launch(executable: Fixtures.tandemExecutable, callTimeoutMilliseconds: timeout)
    }

    static func names(_ values: [String?]) throws -> RecordBatch {
        try RecordBatch([Column(Field("NAME", .utf8), .utf8(values))])
    }

    static func uppercase(timeout: Int = 30_000) throws -> IsolatedProcessor {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.cTemplatePlugin(editing: edits, into: directory)
        let plugin = try PluginLoader().load(file: library, directory: directory)
        return try IsolatedProcessor(
            plugin: plugin, transform: "com.example.uppercase", config: .object([:]),
            input: Schema([Field("NAME", .utf8)]),
            launch: launch(timeout: timeout))
    }

    @Test(
        "The standard transforms give the same batches in a host process as in the engine's, nulls and errors included")
    func sameAsInProcess() throws {
        let directory = try Fixtures.temporaryDirectory()
        let plugin = try PluginLoader().load(
            file: try Fixtures.packStandardTransforms(into: directory), directory: directory)
        let input = Schema([Field("A", .utf8), Field("B", .utf8)])
        let config: JSONValue = .object(["separator": .string("-")])
        let local = try plugin.makeTransform("tandem.std.concat", config: config, input: input)
        let isolated = try IsolatedProcessor(
            plugin: plugin, transform: "tandem.std.concat", config: config, input: input, launch: Self.launch())
        #expect(isolated.outputSchema == local.outputSchema)
        let rows = 5000
        let batch = try RecordBatch([
            Column(Field("A", .utf8), .utf8((0..<rows).map { $0 % 7 == 0 ? nil : "a\($0)" })),
            Column(Field("B", .utf8), .utf8((0..<rows).map { $0 % 5 == 0 ? "" : "b-é\($0)" })),
        ])
        #expect(try isolated.process(batch) == (try local.process(batch)))
        // A second batch reuses the same process and region.
        let small = try RecordBatch([Column(Field("A", .utf8), .utf8(["x"])), Column(Field("B", .utf8), .utf8([nil]))])
        #expect(try isolated.process(small) == (try local.process(small)))

        let map = Schema([Field("S", .utf8)])
        let mapConfig: JSONValue = .object(["map": .object(["no": .string("0")]), "output": .string("l")])
        let refusing = try IsolatedProcessor(
            plugin: plugin, transform: "tandem.std.value-map", config: mapConfig, input: map, launch: Self.launch())
        let error = #expect(throws: PluginCallError.self) {
            try refusing.process(try RecordBatch([Column(Field("S", .utf8), .utf8(["maybe"]))]))
        }
        #expect(error?.status == 3)
        #expect(error?.message == "column 'S': value 'maybe' is not in the map (known: no)")
    }

    @Test(
        "A segfault in the plugin ends its host process, not this one; the call throws with the signal and the next call runs in a new host process"
    )
    func crash() throws {
        let processor = try Self.uppercase()
        #expect(try processor.process(try Self.names(["alpha", nil])) == (try Self.names(["ALPHA", nil])))
        let first = try #require(processor.hostPID)
        let error = #expect(throws: IsolatedCallFailure.self) { try processor.process(try Self.names(["x", "BOOM"])) }
        #expect(error?.cause == .crashed(signal: "SIGSEGV"))
        #expect(
            error?.reason(key: "'usmf','W-BOOM'")
                == "plugin com.example.warehouses crashed (SIGSEGV) in transform com.example.uppercase on key 'usmf','W-BOOM'"
        )
        #expect(processor.hostPID == nil)
        #expect(try processor.process(try Self.names(["gamma"])) == (try Self.names(["GAMMA"])))
        #expect(processor.hostPID != first)
    }

    @Test("A call that runs past call_timeout_ms kills the host process and throws a timeout; the next call runs")
    func timeout() throws {
        let processor = try Self.uppercase(timeout: 500)
        let started = ContinuousClock.now
        let error = #expect(throws: IsolatedCallFailure.self) { try processor.process(try Self.names(["HANG"])) }
        #expect(error?.cause == .timedOut(milliseconds: 500))
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try processor.process(try Self.names(["delta"])) == (try Self.names(["DELTA"])))
    }

    @Test(
        "The host process holds its channel, its region and the standard descriptors, none of the engine's files, even one opened without close-on-exec"
    )
    func inheritsNothing() throws {
        let directory = try Fixtures.temporaryDirectory()
        let side = directory + "/side.db"
        #expect(FileManager.default.createFile(atPath: side, contents: Data("rows".utf8)))
        // Opened as a database library might: without O_CLOEXEC, so a plain spawn would pass it on.
        let leaky = open(side, O_RDONLY)
        #expect(leaky > 4)
        defer { close(leaky) }
        let processor = try Self.uppercase()
        let pid = try #require(processor.hostPID)
        let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap(Int32.init)
        let targets = held.map { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? "" }
        #expect(!targets.contains(side), "the host process holds \(side): \(targets)")
        #expect(held.contains(3) && held.contains(4))
        let channel = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/3")
        #expect(channel.hasPrefix("socket:"))
        // It still works with only what it was given.
        #expect(try processor.process(try Self.names(["epsilon"])) == (try Self.names(["EPSILON"])))
    }
}
