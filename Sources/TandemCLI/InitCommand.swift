import ArgumentParser
import Foundation
import TandemEngine
import TandemPluginHost

/// `tandem init DIR`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an environment: tandem.yaml, the state database and two SQLite sides.",
        discussion: """
            Each --map is enabled in tandem.yaml; its plugin's DDL creates its tables on
            both sides and capture triggers are installed. Without --map the config lists
            no maps: edit it, then `tandem capture install --create-tables`.

            A map runs after the maps it depends on, so those must be named too: init
            names every missing one at once, and --with-dependencies adds them all. Maps
            come from the bundled plugins, DIR/plugins (where `tandem plugins pack
            --into` puts yours), TANDEM_PLUGIN_PATH and --plugins (listed in tandem.yaml,
            so later commands find them too). A failed init leaves DIR as it was.

            Example:
              tandem init demo --map sample.customers --with-dependencies
              tandem maps run sample.groups sample.customers --env demo
              tandem run --env demo
            """)

    @Argument(help: "The folder to create (may exist, but must not hold a tandem.yaml).")
    var directory: String

    @Option(name: .customLong("map"), help: ArgumentHelp("Enable this map (repeatable); ids from `tandem plugins list`.", valueName: "ID"))
    var maps: [String] = []

    @Flag(help: "Also enable every map the named ones depend on, directly or not.")
    var withDependencies = false

    @OptionGroup var plugins: PluginOptions

    func run() throws {
        let catalog = plugins.loadCatalog(creating: directory)
        for refusal in catalog.refusals { printError("warning: \(refusal.description)") }
        var enabled = maps
        let selection = MapSelection(maps, catalog: catalog)
        if withDependencies {
            // Names no plugin provides stay in, so that create refuses them before writing anything.
            enabled = selection.ordered + selection.unprovided
        }
        // Recorded in tandem.yaml: a map found there must be found by every later command too.
        let extra = plugins.directories.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let environment = try TandemEnvironment.create(
            at: directory, maps: enabled, catalog: catalog, actor: CLIActor.current, pluginDirectories: extra
        ) { environment, resolved in
            // Inside create: should recording fail, the environment is removed like any failed init.
            try EnvironmentHistory.record(environment, maps: resolved, state: environment.openState(), actor: CLIActor.current)
        }
        let names = environment.config.maps.map(\.name)
        print("created environment \(environment.directory)")
        print("  config: \(environment.configPath)")
        for role in SideRole.allCases {
            print("  \(role): \(environment.path(environment.config.sides[role]!.database))")
        }
        print("  maps:   \(names.isEmpty ? "none yet (edit tandem.yaml)" : names.joined(separator: ", "))")
        if !extra.isEmpty {
            print("  plugins: \(extra.joined(separator: ", ")) (from --plugins, listed in tandem.yaml)")
        }
        if withDependencies, !selection.dependencies.isEmpty {
            print("  added:  \(selection.dependencies.joined(separator: ", ")) (what \(maps.joined(separator: ", ")) depend\(maps.count == 1 ? "s" : "") on)")
        }
        print("next: tandem maps run \(names.isEmpty ? "MAP" : names.joined(separator: " ")) --env \(directory) && tandem run --env \(directory)")
    }
}
