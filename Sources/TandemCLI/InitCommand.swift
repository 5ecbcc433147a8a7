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

            Example:
              tandem init demo --map sample.groups --map sample.customers
              tandem maps run sample.groups sample.customers --env demo
              tandem run --env demo
            """)

    @Argument(help: "The folder to create (may exist, but must not hold a tandem.yaml).")
    var directory: String

    @Option(name: .customLong("map"), help: ArgumentHelp("Enable this map (repeatable); ids from `tandem plugins list`.", valueName: "ID"))
    var maps: [String] = []

    @OptionGroup var plugins: PluginOptions

    func run() throws {
        let catalog = plugins.loadCatalog()
        for refusal in catalog.refusals { printError("warning: \(refusal.description)") }
        let environment = try TandemEnvironment.create(
            at: directory, maps: maps, catalog: catalog, actor: CLIActor.current)
        try EnvironmentHistory.record(
            environment, maps: environment.resolveMaps(catalog), state: environment.openState(), actor: CLIActor.current)
        print("created environment \(environment.directory)")
        print("  config: \(environment.configPath)")
        for role in SideRole.allCases {
            print("  \(role): \(environment.path(environment.config.sides[role]!.database))")
        }
        print("  maps:   \(maps.isEmpty ? "none yet (edit tandem.yaml)" : maps.joined(separator: ", "))")
        print("next: tandem maps run \(maps.isEmpty ? "MAP" : maps.joined(separator: " ")) --env \(directory) && tandem run --env \(directory)")
    }
}
