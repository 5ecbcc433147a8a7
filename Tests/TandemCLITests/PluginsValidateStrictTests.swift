import Foundation
import Testing
import TandemTestSupport

/// `tandem plugins validate` on the SDK's warehouses example with the slips a
/// plugin author makes in its maps JSON. Each used to pass (`OK: N checks
/// passed`), or failed only in an environment, or never.
@Suite("tandem plugins validate reads documents strictly and checks names across plugins")
struct PluginsValidateStrictTests {
    /// Validates the warehouses example with `edits`, the bundled standard
    /// transforms beside it (the example's value map comes from them).
    private func validate(_ edits: [(String, String)], extra: [String] = []) throws -> TandemCLI.Result {
        let transforms = try Fixtures.temporaryDirectory("transforms")
        _ = try Fixtures.packStandardTransforms(into: transforms)
        let plugin = try Fixtures.warehousesExample(editing: edits, into: try Fixtures.temporaryDirectory("warehouses"))
        return try TandemCLI.run(["plugins", "validate", plugin, "--plugins", transforms] + extra)
    }

    /// The detail of the first failed check, from `--json`.
    private func failure(_ result: TandemCLI.Result, check: String) throws -> String {
        let checks = try #require(try result.json()["checks"]?.arrayValue)
        let found = try #require(
            checks.first { $0["name"] == .string(check) }, "no check '\(check)' in \(result.stdout)")
        #expect(found["outcome"] == .string("fail"))
        return found["detail"]?.stringValue ?? ""
    }

    @Test("the untouched example passes with its references found")
    func untouched() throws {
        let result = try validate([])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("references of contoso.warehouses: dependencies, lookups and transforms found"))
        #expect(result.stdout.contains("OK: "))
    }

    @Test("a trailing comma in the maps JSON fails the load with the place, line and column")
    func trailingComma() throws {
        let result = try validate(
            [(#""depends_on": ["contoso.sites"],"#, #""depends_on": ["contoso.sites",],"#)], extra: ["--json"])
        #expect(result.status == 1)
        let detail = try failure(result, check: "load")
        #expect(detail.contains("maps[1].depends_on: not valid JSON: line 1, column "), "\(detail)")
        #expect(detail.hasSuffix(": trailing comma before ']'"), "\(detail)")
    }

    @Test("a member given twice, or one with a misspelt name, is refused naming it")
    func members() throws {
        let twice = try validate(
            [(#""depends_on": ["contoso.sites"],"#, #""depends_on": ["contoso.sites"], "depends_on": [],"#)],
            extra: ["--json"])
        #expect(twice.status == 1)
        #expect(try failure(twice, check: "load").contains("maps[1]: line 1, column "))
        #expect(
            try failure(twice, check: "load").hasSuffix(
                ": member 'depends_on' appears twice; JSON readers disagree on which one counts, so keep one"))

        let misspelt = try validate([(#""lookup": { "map""#, #""lokup": { "map""#)], extra: ["--json"])
        #expect(misspelt.status == 1)
        let detail = try failure(misspelt, check: "load")
        #expect(detail.contains("maps[1].fields[3]: line 1, column "), "\(detail)")
        #expect(
            detail.hasSuffix(
                ": unknown member 'lokup'; did you mean 'lookup'? known: crm, default, direction, erp, lookup, transform"
            ), "\(detail)")
    }

    @Test("a direction that is not one of the three lists the allowed values")
    func enumValue() throws {
        let result = try validate(
            [
                (
                    #"{ "erp": "NAME", "crm": "msdyn_name", "direction": "<->" },"#,
                    #"{ "erp": "NAME", "crm": "msdyn_name", "direction": "<=>" },"#
                )
            ], extra: ["--json"])
        #expect(result.status == 1)
        let detail = try failure(result, check: "load")
        #expect(detail.hasSuffix("maps[1].fields[2].direction: '<=>' is not one of '<->', '->', '<-'"), "\(detail)")
        #expect(!detail.contains("Cannot initialize"))
    }

    @Test("a misspelt dependency, lookup map or transform fails naming the place and the closest name")
    func references() throws {
        let result = try validate(
            [
                (#""depends_on": ["contoso.sites"]"#, #""depends_on": ["contoso.site"]"#),
                (#""lookup": { "map": "contoso.sites""#, #""lookup": { "map": "contoso.sits""#),
                (#""name": "tandem.std.value-map""#, #""name": "tandem.std.valuemap""#),
            ], extra: ["--json"])
        #expect(result.status == 1)
        let detail = try failure(result, check: "references of contoso.warehouses")
        #expect(
            detail.contains(
                "maps[1].depends_on[0]: map 'contoso.site' is provided by no loaded plugin; did you mean 'contoso.sites'?"
            ), "\(detail)")
        #expect(
            detail.contains(
                "maps[1].fields[3].lookup.map: map 'contoso.sits' is provided by no loaded plugin; did you mean 'contoso.sites'?"
            ))
        #expect(
            detail.contains(
                "maps[1].fields[4].transform.name: transform 'tandem.std.valuemap' is provided by no loaded plugin; did you mean 'tandem.std.value-map'?"
            ))
        #expect(
            detail.hasSuffix(
                "(plugins loaded: com.contoso.warehouses, tandem.std.transforms; add --plugins DIR or --env DIR for a plugin that lives elsewhere)"
            ))
        // The map without a mistake still passes.
        let checks = try #require(try result.json()["checks"]?.arrayValue)
        #expect(
            checks.contains { $0["name"] == .string("references of contoso.sites") && $0["outcome"] == .string("pass") }
        )
    }

    @Test("a transform from a plugin that is not loaded is reported missing, then found with --plugins")
    func transformElsewhere() throws {
        let plugin = try Fixtures.warehousesExample(into: try Fixtures.temporaryDirectory("warehouses"))
        let alone = try TandemCLI.run(["plugins", "validate", plugin, "--json"])
        #expect(alone.status == 1)
        #expect(
            try failure(alone, check: "references of contoso.warehouses").contains(
                "transform 'tandem.std.value-map' is provided by no loaded plugin"))
    }
}

/// `tandem plugins pack` loads what it packed, as the engine would.
@Suite("tandem plugins pack checks the manifest against the library")
struct PluginsPackCheckTests {
    /// The C template built, and a copy of its source manifest with `edit` applied.
    private func build(_ edit: (String, String)) throws -> (library: String, manifest: String) {
        let build = try Fixtures.temporaryDirectory("build")
        try Fixtures.compileC("SDK/examples/c-template/warehouses.c", output: build + "/libwarehouses.so")
        let source = try String(
            contentsOfFile: Fixtures.repositoryRoot + "/SDK/examples/c-template/tandem-plugin.json", encoding: .utf8)
        #expect(source.contains(edit.0))
        try source.replacingOccurrences(of: edit.0, with: edit.1).write(
            toFile: build + "/tandem-plugin.json", atomically: true, encoding: .utf8)
        return (build + "/libwarehouses.so", build + "/tandem-plugin.json")
    }

    @Test("a C library whose manifest names a Swift toolchain is refused, and nothing is left behind")
    func toolchain() throws {
        let (library, manifest) = try build((#""toolchain": "c""#, #""toolchain": "swift-6.3""#))
        let into = try Fixtures.temporaryDirectory("packed") + "/plugins"
        let result = try TandemCLI.run(["plugins", "pack", library, "--manifest", manifest, "--into", into])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "Error: cannot pack \(library): the manifest names toolchain 'swift-6.3' but the library does not link the Swift runtime; write the language it is built with (c, c++, rust); \(into) is unchanged"
            ), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: into))
    }

    @Test("a Swift library whose manifest names C is refused")
    func swiftAsC() throws {
        let build = try Fixtures.temporaryDirectory("build")
        let manifest = build + "/tandem-plugin.json"
        let source = try String(
            contentsOfFile: Fixtures.repositoryRoot + "/Plugins/StandardTransforms/tandem-plugin.json", encoding: .utf8)
        try source.replacingOccurrences(of: #""toolchain": "swift-6.3""#, with: #""toolchain": "c""#)
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let into = try Fixtures.temporaryDirectory("packed")
        let result = try TandemCLI.run([
            "plugins", "pack", Fixtures.standardTransformsLibrary, "--manifest", manifest, "--into", into,
        ])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "the library links the Swift runtime (libswiftCore.so) but the manifest names toolchain 'c'; write \"toolchain\": \"swift-6.3\""
            ), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: into).isEmpty)
    }

    @Test("a manifest whose version differs from the library's descriptor is refused with the loader's reason")
    func version() throws {
        let (library, manifest) = try build((#""version": "1.0.0""#, #""version": "2.0.0""#))
        let into = try Fixtures.temporaryDirectory("packed")
        let result = try TandemCLI.run(["plugins", "pack", library, "--manifest", manifest, "--into", into])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("Error: cannot pack \(library): the packed plugin would be refused ["),
            "\(result.stderr)")
        #expect(result.stderr.contains("2.0.0"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: into).isEmpty)
    }
}
