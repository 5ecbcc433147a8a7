import ArgumentParser
import TandemPluginHost

/// `tandem plugins list`.
struct PluginsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List loaded plugins and the files that were refused, with the reason.",
        discussion: """
            With an environment, its map files (ENV/maps/*.yaml) are listed too.
            Exits 0 even when some files were refused: one bad plugin never stops
            the others.
            """
    )

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var environment: PluginEnvironmentOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let catalog = plugins.loadCatalog(environment: try environment.environment())
        if output.json {
            struct Listing: Encodable {
                var directories: [String]
                var plugins: [PluginSummary]
                var refusals: [RefusalSummary]
                /// The environment's declarative map files that loaded.
                var mapFiles: [MapFileSummary]
                /// Those that did not, with the reason.
                var mapFileRefusals: [MapFileRefusalSummary]
                /// The overrides (`extends:`) that loaded: the map each changes, and the file.
                var mapOverrides: [[String: String]]
            }
            printJSON(
                Listing(
                    directories: catalog.directories.map(\.description),
                    plugins: catalog.plugins.map(PluginSummary.init),
                    refusals: catalog.refusals.map(RefusalSummary.init),
                    mapFiles: catalog.mapFiles.map(MapFileSummary.init),
                    mapFileRefusals: catalog.mapFileRefusals.map(MapFileRefusalSummary.init),
                    mapOverrides: catalog.mapOverrides.map { ["extends": $0.extends.value, "file": $0.path] }))
            return
        }
        if let note = plugins.bundledNote { printError(note) }
        if catalog.plugins.isEmpty {
            print(
                "No plugins loaded from \(catalog.directories.isEmpty ? "any directory" : catalog.directories.map(\.description).joined(separator: ", "))."
            )
        } else {
            let rows = catalog.plugins.map { plugin -> [String] in
                let provides =
                    (plugin.maps?.maps.map { "map \($0.id)" } ?? []) + (plugin.transforms?.transforms.map(\.name) ?? [])
                return [
                    plugin.id, plugin.version, plugin.kinds.map(\.rawValue).joined(separator: ","), plugin.abiVersion,
                    provides.joined(separator: ", "), plugin.file,
                ]
            }
            print(renderTable(header: ["ID", "VERSION", "KIND", "ABI", "PROVIDES", "FILE"], rows: rows))
        }
        if !catalog.refusals.isEmpty {
            print("\nRefused:")
            for refusal in catalog.refusals {
                print("  \(refusal.file) [\(refusal.code)]: \(refusal.reason)")
            }
        }
        if !catalog.mapFiles.isEmpty {
            print("\nMap files:")
            let rows = catalog.mapFiles.map { [$0.map.id, $0.map.version, $0.publisher ?? "-", $0.path] }
            print(renderTable(header: ["MAP", "VERSION", "PUBLISHER", "FILE"], rows: rows))
        }
        if !catalog.mapOverrides.isEmpty {
            // An override is no map of its own: it is listed by the map it changes.
            print("\nMap overrides:")
            let rows = catalog.mapOverrides.map { [$0.extends.value, $0.version ?? "-", $0.publisher ?? "-", $0.path] }
            print(renderTable(header: ["EXTENDS", "VERSION", "PUBLISHER", "FILE"], rows: rows))
        }
        if !catalog.mapFileRefusals.isEmpty {
            print("\nRefused map files:")
            for refusal in catalog.mapFileRefusals { print("  \(refusal.message)") }
        }
    }
}
