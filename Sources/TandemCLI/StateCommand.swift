import ArgumentParser
import Foundation
import TandemEngine

/// `tandem state rebuild`.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Rebuild a state database that was deleted or emptied.",
        subcommands: [Rebuild.self])

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the state database again from the sides' identities and checkpoints.",
            discussion: """
                The checkpoints live in the sides, written with the rows, so what was applied
                survives a lost state database; the maps' states, statistics and activity log
                do not. `tandem run` refuses to start when the state database does not know
                the environment its sides belong to; this rebuilds it:
                  - the environment's id and the sides' ids, from the sides
                  - each map that has a checkpoint in a side: stopped, with the reason;
                    `tandem maps run NAME` catches up from its checkpoints
                  - maps with no checkpoint: not running (they never ran)
                  - a `state rebuilt` entry in the activity log
                The engine must be stopped.
                """)

        @OptionGroup var options: EnvironmentOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            let lock: EnvironmentLock
            do { lock = try EnvironmentLock(environment, as: .command, wait: .zero) } catch {
                throw CLIError("\(error.message); the engine must be stopped to rebuild the state database")
            }
            let result = try StateRebuild.rebuild(environment, state: environment.openState(), actor: CLIActor.current)
            withExtendedLifetime(lock) {}
            struct Entry: Encodable { var map, state: String }
            let entries = result.maps.map { Entry(map: $0.name, state: $0.state.rawValue) }
            if output.json { return printJSON(entries) }
            print("state database rebuilt for environment \(result.environment)")
            for entry in entries { print("  \(entry.map): \(entry.state)") }
            if !entries.isEmpty {
                print(
                    "next: tandem maps run \(entries.map(\.map).joined(separator: " ")) --env \(options.resolvedDirectory)"
                )
            }
        }
    }
}
