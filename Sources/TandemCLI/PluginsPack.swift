import ArgumentParser
import Foundation
import TandemDocuments
import TandemPluginHost

/// `tandem plugins pack LIB --manifest M --into DIR`.
struct PluginsPack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Copy a built library into a plugin directory and write its manifest.",
        discussion: """
            The manifest is the source manifest (tandem-plugin.json: id, version, ABI,
            kinds, toolchain) plus the library's file name and SHA-256. The loader
            refuses a library whose hash differs, so pack again after every build.

            The packed plugin is then loaded as the engine would load it: a manifest
            whose id, version or ABI differs from the library's descriptor, or whose
            toolchain disagrees with the library (a Swift library named "c", a C one
            named "swift-6.3"), is refused now, with the reason, and DIR is left as
            it was.

            Example:
              tandem plugins pack build/libwarehouses.so \\
                  --manifest tandem-plugin.json --into plugins
            """
    )

    @Argument(help: "The built shared library (.so or .dylib).")
    var library: String

    @Option(help: ArgumentHelp("The source manifest.", valueName: "tandem-plugin.json"))
    var manifest: String

    @Option(help: ArgumentHelp("The plugin directory to copy into (created if missing).", valueName: "DIR"))
    var into: String

    @OptionGroup var output: OutputOptions

    func run() async throws {
        do {
            // Packed and loaded in a scratch folder first, so that a refused
            // pair leaves DIR as it was (an earlier good pack included).
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tandem-pack-\(UUID().uuidString)"
            ).path
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let trial = try PluginPackager.pack(library: library, sourceManifest: manifest, into: scratch)
            if let problem = Self.check(trial, in: scratch) {
                throw CLIError("cannot pack \(library): \(problem); \(into) is unchanged")
            }
            let packed = try PluginPackager.pack(library: library, sourceManifest: manifest, into: into)
            if output.json {
                printJSON(packed)
            } else {
                print(
                    "packed \(packed.id) \(packed.version) into \(into)/\(packed.library ?? "") (sha256 \(packed.sha256 ?? ""))"
                )
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot pack \(library): \(error)")
        }
    }

    /// Nil when the packed plugin loads as the engine would load it; else why not.
    static func check(_ manifest: PluginManifest, in directory: String) -> String? {
        let file = (directory as NSString).appendingPathComponent(manifest.library ?? "")
        // The manifest's toolchain decides whether the host checks the Swift
        // version; a Swift library declared as C would load into a host of
        // another Swift version and crash there.
        let linksSwift =
            (try? Data(contentsOf: URL(fileURLWithPath: file)))?.range(of: Data("libswiftCore.so".utf8)) != nil
        let declaredSwift = manifest.toolchain.lowercased().hasPrefix("swift-")
        if linksSwift && !declaredSwift {
            return
                "the library links the Swift runtime (libswiftCore.so) but the manifest names toolchain '\(manifest.toolchain)'; write \"toolchain\": \"\(HostToolchain.swift)\""
        }
        if !linksSwift && declaredSwift {
            return
                "the manifest names toolchain '\(manifest.toolchain)' but the library does not link the Swift runtime; write the language it is built with (c, c++, rust)"
        }
        do {
            _ = try PluginLoader().load(file: file, directory: directory)
            return nil
        } catch {
            return "the packed plugin would be refused [\(error.code)]: \(error.reason)"
        }
    }
}
