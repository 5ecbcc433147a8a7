import Foundation
import Testing
import TandemTestSupport
import TandemDocuments
import TandemPluginHost

@Suite("Checks before dlopen")
struct PluginFileCheckTests {
    private func refusal(_ prepare: (_ directory: String, _ library: String) throws -> String) throws -> PluginRefusal? {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.hostilePlugin(nil, into: directory, name: "good")
        let file = try prepare(directory, library)
        return #expect(throws: PluginRefusal.self) { try PluginLoader().load(file: file, directory: directory) }
    }

    @Test("missing manifest")
    func missingManifest() throws {
        let error = try refusal { directory, library in
            try FileManager.default.removeItem(atPath: library + ".manifest.json")
            return library
        }
        #expect(error?.code == .manifestMissing)
        #expect(error?.reason.hasPrefix("has no manifest (expected ") == true)
        #expect(error?.reason.contains("tandem plugins pack") == true)
    }

    @Test("library changed after packing")
    func hashMismatch() throws {
        let error = try refusal { _, library in
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: library))
            try handle.seekToEnd()
            handle.write(Data([0]))
            try handle.close()
            return library
        }
        #expect(error?.code == .hashMismatch)
        #expect(error?.reason.contains("the file changed after it was packed; repack it with `tandem plugins pack` if the change is yours") == true)
    }

    @Test("world-writable library")
    func worldWritable() throws {
        let error = try refusal { _, library in
            try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: library)
            return library
        }
        #expect(error?.code == .writableByOthers)
        #expect(error?.reason.hasPrefix("the library is group- or world-writable (mode 666); run `chmod go-w ") == true)
    }

    @Test("a group-writable plugin directory")
    func writableDirectory() throws {
        let error = try refusal { directory, library in
            try FileManager.default.setAttributes([.posixPermissions: 0o775], ofItemAtPath: directory)
            return library
        }
        #expect(error?.code == .writableByOthers)
        let directory = try #require(error?.file).split(separator: "/").dropLast().joined(separator: "/")
        #expect(error?.reason.hasSuffix("/\(directory) is group- or world-writable (mode 775), so anyone could drop a library into it; run `chmod go-w /\(directory)`") == true)
    }

    @Test("group-writable manifest")
    func writableManifest() throws {
        let error = try refusal { _, library in
            try FileManager.default.setAttributes([.posixPermissions: 0o664], ofItemAtPath: library + ".manifest.json")
            return library
        }
        #expect(error?.code == .writableByOthers)
        #expect(error?.reason.hasPrefix("its manifest is group- or world-writable (mode 664)") == true)
    }

    @Test("symlink leading out of the plugin directory")
    func symlinkEscape() throws {
        let outside = try Fixtures.temporaryDirectory("outside")
        let error = try refusal { directory, library in
            let target = outside + "/libgood.so"
            try FileManager.default.moveItem(atPath: library, toPath: target)
            try FileManager.default.createSymbolicLink(atPath: library, withDestinationPath: target)
            return library
        }
        #expect(error?.code == .symlinkEscape)
        #expect(error?.reason.hasPrefix("is a symlink to ") == true)
        #expect(error?.reason.contains("outside the plugin directory") == true)
    }

    @Test("a symlink that stays inside the directory is fine")
    func symlinkInside() throws {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.hostilePlugin(nil, into: directory, name: "inside")
        try FileManager.default.createDirectory(atPath: directory + "/versions", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: library, toPath: directory + "/versions/libinside.so")
        try FileManager.default.createSymbolicLink(atPath: library, withDestinationPath: "versions/libinside.so")
        #expect(try PluginLoader().load(file: library, directory: directory).id == "test.hostile")
    }

    @Test("manifest for another ABI major, toolchain or library")
    func manifestMismatches() throws {
        func rewrite(_ change: @escaping (inout PluginManifest) -> Void) throws -> PluginRefusal? {
            try refusal { _, library in
                let path = library + ".manifest.json"
                var manifest = try PluginManifest.decode(try Data(contentsOf: URL(fileURLWithPath: path)), document: path)
                change(&manifest)
                try Data(manifest.encodedJSON().utf8).write(to: URL(fileURLWithPath: path))
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
                return library
            }
        }
        let abi = try rewrite { $0.abiMajor = 2 }
        #expect(abi?.code == .abiMismatch)
        #expect(abi?.reason == "manifest says ABI major 2, but this Tandem speaks ABI major 1; rebuild the plugin against SDK/include/tandem_plugin.h of this Tandem")
        let toolchain = try rewrite { $0.toolchain = "swift-5.9" }
        #expect(toolchain?.code == .toolchainMismatch)
        #expect(toolchain?.reason == "was built with swift-5.9 but this Tandem was built with \(HostToolchain.swift); Swift plugins must match the host's toolchain minor version: rebuild it with \(HostToolchain.swift)")
        let other = try rewrite { $0.library = "libother.so" }
        #expect(other?.code == .manifestInvalid)
        #expect(other?.reason.hasSuffix("describes library 'libother.so', not 'libgood.so'") == true)
        let id = try rewrite { $0.id = "test.someone-else" }
        #expect(id?.code == .invalidDescriptor)
        #expect(id?.reason == "its descriptor id is 'test.hostile' but its manifest says 'test.someone-else'")
    }

    @Test("a manifest that is not valid JSON names the file and the problem")
    func manifestNotJSON() throws {
        let error = try refusal { _, library in
            try Data("{\"format\": \"tandem.manifest/1\", \"id\": ".utf8).write(to: URL(fileURLWithPath: library + ".manifest.json"))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: library + ".manifest.json")
            return library
        }
        #expect(error?.code == .manifestInvalid)
        #expect(error?.reason.hasPrefix("manifest ") == true)
        #expect(error?.reason.contains("not valid JSON") == true)
    }

    @Test("two plugins with the same id: the second is refused")
    func duplicateID() throws {
        let directory = try Fixtures.temporaryDirectory()
        _ = try Fixtures.hostilePlugin(nil, into: directory, name: "first")
        _ = try Fixtures.hostilePlugin(nil, into: directory, name: "second")
        let catalog = PluginLoader().loadAll(from: [PluginDirectory(directory, origin: .commandLine)])
        #expect(catalog.plugins.map(\.file) == [directory + "/libfirst.so"])
        #expect(catalog.refusals.map(\.code) == [.duplicate])
        #expect(catalog.refusals.first?.reason == "plugin id test.hostile is already loaded from \(directory)/libfirst.so; remove one of them")
    }
}
