import ArgumentParser
import TandemPluginHost

/// `tandem plugin-host FILE DIRECTORY` (hidden): the host process of a
/// plugin with `isolation: process`. The engine starts it with the control
/// socket as descriptor 3 and the shared batch region as descriptor 4; it
/// is not meant to be run by hand.
struct PluginHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-host", abstract: "Run one plugin for the engine (isolation: process).",
        shouldDisplay: false)

    @Argument(help: "The plugin's library file.")
    var file: String

    @Argument(help: "The plugin directory it was found in.")
    var directory: String

    func run() throws {
        let status = PluginHostChild.serve(file: file, directory: directory)
        if status != 0 { throw ExitCode(status) }
    }
}
