import ArgumentParser
import Foundation
import TandemDocuments
import TandemPluginHost

/// `tandem plugins inspect ID`.
struct PluginsInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show one plugin: its manifest, maps, DDL and transforms.",
        discussion: "The maps document is printed in full, in the tandem.maps/1 format\n(SDK/docs/plugin-abi.md)."
    )

    @Argument(help: "The plugin id, as `tandem plugins list` shows it.")
    var id: String

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var environment: PluginEnvironmentOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let catalog = plugins.loadCatalog(environment: try environment.environment())
        guard let plugin = catalog.plugin(id) else {
            var message = "no plugin with id '\(id)' is loaded"
            if let refusal = catalog.refusals.first(where: { $0.reason.contains(id) || $0.file.contains(id) }) {
                message += "; a file that may be it was refused: \(refusal.file): \(refusal.reason)"
            } else {
                let known = catalog.plugins.map(\.id).joined(separator: ", ")
                message += known.isEmpty ? "; no plugins are loaded" : "; loaded plugins: \(known)"
            }
            throw CLIError(message)
        }
        if output.json {
            struct Inspection: Encodable {
                var plugin: PluginSummary
                var manifest: PluginManifest
                var maps: MapsDocument?
                var ddl: DDLDocument?
                var transforms: TransformCatalog?
            }
            printJSON(
                Inspection(
                    plugin: PluginSummary(plugin), manifest: plugin.manifest, maps: plugin.maps, ddl: plugin.ddl,
                    transforms: plugin.transforms))
            return
        }
        print("\(plugin.name) (\(plugin.id) \(plugin.version))")
        if !plugin.summary.isEmpty { print(plugin.summary) }
        print("file: \(plugin.file)\nABI: \(plugin.abiVersion)  toolchain: \(plugin.manifest.toolchain)  sha256: \(plugin.manifest.sha256 ?? "-")")
        if let transforms = plugin.transforms {
            print("\nTransforms:")
            for transform in transforms.transforms {
                print("  \(transform.name): \(transform.description)")
                for (key, meaning) in (transform.config ?? [:]).sorted(by: { $0.key < $1.key }) {
                    print("      \(key): \(meaning)")
                }
            }
        }
        if let maps = plugin.maps {
            print("\nMaps (tandem.maps/1):")
            print(maps.encodedJSON())
        }
        if let ddl = plugin.ddl {
            print("\nDDL (\(ddl.dialect)):")
            for (side, statements) in [("erp", ddl.erp), ("crm", ddl.crm)] {
                for statement in statements { print("  [\(side)] \(statement)") }
            }
        }
    }
}

/// An error the CLI reports as one line on standard error, exiting 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
