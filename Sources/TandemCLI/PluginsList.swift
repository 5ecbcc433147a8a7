import ArgumentParser
import TandemPluginHost

/// `tandem plugins list`.
struct PluginsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List loaded plugins and the files that were refused, with the reason.",
        discussion: "Exits 0 even when some files were refused: one bad plugin never stops\nthe others."
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
            }
            printJSON(
                Listing(
                    directories: catalog.directories.map(\.description), plugins: catalog.plugins.map(PluginSummary.init),
                    refusals: catalog.refusals.map(RefusalSummary.init)))
            return
        }
        if let note = plugins.bundledNote { printError(note) }
        if catalog.plugins.isEmpty {
            print("No plugins loaded from \(catalog.directories.isEmpty ? "any directory" : catalog.directories.map(\.description).joined(separator: ", ")).")
        } else {
            let rows = catalog.plugins.map { plugin -> [String] in
                let provides = (plugin.maps?.maps.map { "map \($0.id)" } ?? []) + (plugin.transforms?.transforms.map(\.name) ?? [])
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
    }
}
