import Foundation
import Testing
import TandemDocuments
import TandemTestSupport

@Suite("tandem plugins, run as a real process")
struct PluginsCommandTests {
    /// A plugin directory with the bundled transforms packed by the CLI itself.
    private func packedDirectory() throws -> String {
        let directory = try Fixtures.temporaryDirectory("cli")
        let pack = try TandemCLI.run([
            "plugins", "pack", Fixtures.standardTransformsLibrary, "--manifest",
            Fixtures.repositoryRoot + "/Plugins/StandardTransforms/tandem-plugin.json", "--into", directory,
        ])
        try #require(pack.status == 0, "\(pack.stderr)")
        #expect(pack.stdout.hasPrefix("packed tandem.std.transforms 1.0.0 into \(directory)/libTandemStandardTransforms.so (sha256 "))
        return directory
    }

    @Test("help teaches where plugins come from")
    func help() throws {
        let top = try TandemCLI.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("plugins"))
        let plugins = try TandemCLI.run(["plugins", "--help"])
        #expect(plugins.stdout.contains("TANDEM_PLUGIN_PATH"))
        #expect(plugins.stdout.contains("<library>.manifest.json"))
        for command in ["list", "inspect", "validate", "pack"] {
            #expect(plugins.stdout.contains(command))
        }
    }

    @Test("list --json shows loaded plugins and refused files with their reasons")
    func listJSON() throws {
        let directory = try packedDirectory()
        try Data("not a library".utf8).write(to: URL(fileURLWithPath: directory + "/libstray.so"))
        let result = try TandemCLI.run(["plugins", "list", "--json", "--plugins", directory])
        #expect(result.status == 0)
        let json = try result.json()
        let plugin = try #require(json["plugins"]?.arrayValue?.first)
        #expect(plugin["id"] == .string("tandem.std.transforms"))
        #expect(plugin["abi"] == .string("1.0"))
        #expect(plugin["kinds"] == .array([.string("transform")]))
        #expect(plugin["transforms"]?.arrayValue?.count == 7)
        #expect(plugin["file"] == .string(directory + "/libTandemStandardTransforms.so"))
        let refusal = try #require(json["refusals"]?.arrayValue?.first)
        #expect(refusal["code"] == .string("manifest-missing"))
        #expect(refusal["file"] == .string(directory + "/libstray.so"))
    }

    @Test("list as text: a table, then the refused files")
    func listText() throws {
        let directory = try packedDirectory()
        try Data("not a library".utf8).write(to: URL(fileURLWithPath: directory + "/libstray.so"))
        let result = try TandemCLI.run(["plugins", "list", "--plugins", directory])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID                     VERSION  KIND       ABI  PROVIDES") == true)
        #expect(lines.contains { $0.hasPrefix("tandem.std.transforms  1.0.0    transform  1.0  tandem.std.value-map") })
        #expect(lines.contains("Refused:"))
        #expect(lines.contains { $0.hasPrefix("  \(directory)/libstray.so [manifest-missing]: has no manifest") })
        #expect(result.stderr.contains("note: no bundled plugins at /nonexistent"))
    }

    @Test("TANDEM_PLUGIN_PATH adds directories")
    func pluginPath() throws {
        let directory = try packedDirectory()
        let result = try TandemCLI.run(["plugins", "list", "--json"], environment: ["TANDEM_PLUGIN_PATH": directory])
        #expect(try result.json()["plugins"]?.arrayValue?.first?["id"] == .string("tandem.std.transforms"))
        #expect(try result.json()["directories"] == .array([.string("\(directory) (config)")]))
    }

    @Test("inspect shows the manifest and the transform catalog; an unknown id is an error naming the loaded ones")
    func inspect() throws {
        let directory = try packedDirectory()
        let result = try TandemCLI.run(["plugins", "inspect", "tandem.std.transforms", "--json", "--plugins", directory])
        #expect(result.status == 0)
        let json = try result.json()
        #expect(json["manifest"]?["toolchain"] == .string("swift-6.3"))
        #expect(json["manifest"]?["sha256"]?.stringValue?.count == 64)
        #expect(json["transforms"]?["format"] == .string("tandem.transforms/1"))
        let text = try TandemCLI.run(["plugins", "inspect", "tandem.std.transforms", "--plugins", directory])
        #expect(text.stdout.hasPrefix("Standard transforms (tandem.std.transforms 1.0.0)"))
        #expect(text.stdout.contains("  tandem.std.currency-precision: Rescales amounts to a currency precision exactly"))

        let unknown = try TandemCLI.run(["plugins", "inspect", "com.example.nothing", "--plugins", directory])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Error: no plugin with id 'com.example.nothing' is loaded; loaded plugins: tandem.std.transforms"))
    }

    @Test("validate passes a good plugin and fails a hostile one with exit status 1")
    func validate() throws {
        let directory = try packedDirectory()
        let good = try TandemCLI.run(["plugins", "validate", directory + "/libTandemStandardTransforms.so"])
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout.contains("OK: 35 checks passed"))

        let hostileDirectory = try Fixtures.temporaryDirectory("hostile")
        let hostile = try Fixtures.hostilePlugin("HOSTILE_MISSING_RELEASE", into: hostileDirectory)
        let bad = try TandemCLI.run(["plugins", "validate", hostile, "--json"])
        #expect(bad.status == 1)
        let json = try bad.json()
        #expect(json["passed"] == .bool(false))
        #expect(json["checks"]?.arrayValue?.contains {
            $0["outcome"] == .string("fail") && $0["detail"] == .string("the output array has no release callback")
        } == true)
    }

    @Test("pack refuses a missing library and a bad source manifest, and changes nothing")
    func packErrors() throws {
        let directory = try Fixtures.temporaryDirectory("pack")
        let missing = try TandemCLI.run([
            "plugins", "pack", directory + "/libnothing.so", "--manifest",
            Fixtures.repositoryRoot + "/Plugins/StandardTransforms/tandem-plugin.json", "--into", directory,
        ])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Error: cannot pack \(directory)/libnothing.so: library \(directory)/libnothing.so: does not exist; build it first"))

        let manifest = directory + "/tandem-plugin.json"
        try Data(#"{"format": "tandem.manifest/1", "id": "bad id!", "version": "1", "abi_major": 1, "abi_minor": 0, "kinds": ["transform"], "toolchain": "c"}"#.utf8)
            .write(to: URL(fileURLWithPath: manifest))
        let bad = try TandemCLI.run([
            "plugins", "pack", Fixtures.standardTransformsLibrary, "--manifest", manifest, "--into", directory + "/out",
        ])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("source manifest \(manifest): id: 'bad id!' is not a plugin id; use reverse-DNS letters, digits, '.', '-' and '_' (com.example.warehouses)"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/out"))
    }
}
