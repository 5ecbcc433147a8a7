import Foundation
import Testing
import TandemTestSupport
import TandemArrow
import TandemDocuments
import TandemPluginHost

/// A hostile build that the loader must refuse, with the code and the reason it must give.
struct LoadRefusalCase: CustomTestStringConvertible, Sendable {
    var mode: String
    var code: PluginRefusal.Code
    var reason: String
    var testDescription: String { mode }
}

@Suite("Hostile plugins: the loader refuses them and keeps working")
struct HostilePluginTests {
    static let refusals: [LoadRefusalCase] = [
        LoadRefusalCase(
            mode: "HOSTILE_NO_ENTRY", code: .entryMissing,
            reason: "does not export tandem_plugin_entry_v1; is it a Tandem plugin built against ABI 1? (`nm -D` lists its symbols)"),
        LoadRefusalCase(
            mode: "HOSTILE_WRONG_MAJOR", code: .abiMismatch,
            reason: "its descriptor says ABI major 2 but this Tandem speaks 1 (and its manifest says 1)"),
        LoadRefusalCase(
            mode: "HOSTILE_SMALL_STRUCT", code: .invalidDescriptor,
            reason: "its descriptor's struct_size is 8 bytes, smaller than the 96 bytes of ABI 1.0"),
        LoadRefusalCase(
            mode: "HOSTILE_NULL_DESCRIPTOR", code: .noDescriptor,
            reason: "tandem_plugin_entry_v1 returned no descriptor for host ABI 1.0; the plugin may need a newer Tandem"),
        LoadRefusalCase(
            mode: "HOSTILE_INIT_ERROR", code: .initFailed,
            reason: "its init failed (code 2, invalid config): hostile init refused: setting 'token' is missing"),
        LoadRefusalCase(mode: "HOSTILE_NO_INIT", code: .invalidDescriptor, reason: "its descriptor has no init function"),
    ]

    @Test("each hostile build is refused with its reason", arguments: refusals)
    func refused(_ expected: LoadRefusalCase) throws {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.hostilePlugin(expected.mode, into: directory)
        let error = #expect(throws: PluginRefusal.self) { try PluginLoader().load(file: library, directory: directory) }
        #expect(error?.file == library)
        #expect(error?.code == expected.code)
        #expect(error?.reason == expected.reason)
    }

    @Test("one directory with every hostile build and a good plugin: the good one loads and works")
    func oneBadPluginNeverStopsTheOthers() throws {
        let directory = try Fixtures.temporaryDirectory()
        for expected in Self.refusals {
            _ = try Fixtures.hostilePlugin(expected.mode, into: directory)
        }
        try Fixtures.packStandardTransforms(into: directory)
        // A stray library without a manifest.
        try Data("just text, not ELF\n".utf8).write(to: URL(fileURLWithPath: directory + "/libstray.so"))

        let catalog = PluginLoader().loadAll(from: [PluginDirectory(directory, origin: .commandLine)])
        #expect(catalog.plugins.map(\.id) == ["tandem.std.transforms"])
        #expect(Set(catalog.refusals.map(\.code)) == Set(Self.refusals.map(\.code) + [.manifestMissing]))
        let transform = try #require(catalog.plugin("tandem.std.transforms")).makeTransform(
            "tandem.std.default", config: .object(["value": .string("Organization")]), input: Schema([]))
        let rows = try transform.process(try RecordBatch([], rowCount: 2))
        #expect(rows.columns[0].data == .utf8(["Organization", "Organization"]))
    }

    @Test("a file that is not a shared library is refused with dlopen's reason")
    func notASharedLibrary() throws {
        let directory = try Fixtures.temporaryDirectory()
        let source = try Fixtures.temporaryDirectory("src") + "/libtext.so"
        try Data("#!/bin/sh\necho not a library\n".utf8).write(to: URL(fileURLWithPath: source))
        try PluginPackager.pack(
            library: source, manifest: PluginManifest(id: "test.text", version: "1.0.0", kinds: [.transform], toolchain: "c"),
            into: directory)
        let error = #expect(throws: PluginRefusal.self) {
            try PluginLoader().load(file: directory + "/libtext.so", directory: directory)
        }
        #expect(error?.code == .loadFailed)
        #expect(error?.reason.hasPrefix("cannot be loaded as a shared library: ") == true)
        #expect(error?.reason.contains("libtext.so") == true)
    }

    // MARK: Contract violations at run time

    private func echo(_ mode: String) throws -> LoadedPlugin {
        let directory = try Fixtures.temporaryDirectory()
        return try PluginLoader().load(file: try Fixtures.hostilePlugin(mode, into: directory), directory: directory)
    }

    private let input = try! RecordBatch([Column(Field("n", .int64), .int64([1, nil, 3]))])

    @Test("the well-formed build works, so the faults below are the only difference")
    func wellFormed() throws {
        let plugin = try echo("HOSTILE_NONE")
        let transform = try plugin.makeTransform("test.hostile.echo", input: input.schema)
        #expect(try transform.process(input) == input)
    }

    @Test("process returning an error: the plugin's code and message reach the caller")
    func processError() throws {
        let transform = try echo("HOSTILE_PROCESS_ERROR").makeTransform("test.hostile.echo", input: input.schema)
        let error = #expect(throws: PluginCallError.self) { try transform.process(input) }
        #expect(error?.kind == .reported)
        #expect(error?.status == 3)
        #expect(error?.message == "hostile process refused row 2: value 'x' is not a number")
        // The instance still works for the next batch's error path: no crash, same answer.
        #expect(throws: PluginCallError.self) { try transform.process(input) }
    }

    @Test("process returning a column shorter than the batch")
    func wrongLength() throws {
        let transform = try echo("HOSTILE_WRONG_LENGTH").makeTransform("test.hostile.echo", input: input.schema)
        let error = #expect(throws: PluginCallError.self) { try transform.process(input) }
        #expect(error?.kind == .contractViolation)
        #expect(error?.description == "plugin test.hostile: process (transform test.hostile.echo) broke the plugin ABI: column 'n' has 1 values but the batch needs 3 (3 rows at offset 0)")
    }

    @Test("an output schema with a format string that is not Arrow")
    func wrongFormat() throws {
        let plugin = try echo("HOSTILE_WRONG_FORMAT")
        let error = #expect(throws: PluginCallError.self) { try plugin.makeTransform("test.hostile.echo", input: input.schema) }
        #expect(error?.kind == .contractViolation)
        #expect(error?.operation == "get_output_schema (transform test.hostile.echo)")
        #expect(error?.message == "Arrow format 'q' of field 'n' is not supported; Tandem carries n, b, l, g, u, z, d:P,S, tdD and ts[smun]:[zone]")
    }

    @Test("an output array without a release callback")
    func missingRelease() throws {
        let transform = try echo("HOSTILE_MISSING_RELEASE").makeTransform("test.hostile.echo", input: input.schema)
        let error = #expect(throws: PluginCallError.self) { try transform.process(input) }
        #expect(error?.kind == .contractViolation)
        #expect(error?.message == "the returned array has no release callback (it was released or never set up)")
    }

    @Test("a plugin that releases the input it only borrowed")
    func releasesBorrowedInput() throws {
        let transform = try echo("HOSTILE_DOUBLE_RELEASE_INPUT").makeTransform("test.hostile.echo", input: input.schema)
        let error = #expect(throws: PluginCallError.self) { try transform.process(input) }
        #expect(error?.kind == .contractViolation)
        #expect(error?.message == "it released the borrowed input array, which belongs to the host")
    }
}
