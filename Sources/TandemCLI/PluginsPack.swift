import ArgumentParser
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
            let packed = try PluginPackager.pack(library: library, sourceManifest: manifest, into: into)
            if output.json {
                printJSON(packed)
            } else {
                print("packed \(packed.id) \(packed.version) into \(into)/\(packed.library ?? "") (sha256 \(packed.sha256 ?? ""))")
            }
        } catch {
            throw CLIError("cannot pack \(library): \(error)")
        }
    }
}
