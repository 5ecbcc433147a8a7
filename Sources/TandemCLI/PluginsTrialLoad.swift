import ArgumentParser
import Foundation
import Logging
import TandemPluginHost

/// `tandem plugins trial-load FILE DIRECTORY` (hidden): loads one plugin and
/// exits, 0 when it loaded, 2 when it was refused. Commands run it in a child
/// process with a time limit before they load the plugin themselves (see
/// PluginTrialLoad), so that an abort or a hang happens here.
struct PluginsTrialLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trial-load", abstract: "Load one plugin and exit (used by the other commands).",
        shouldDisplay: false)

    @Argument(help: "The library file.")
    var file: String

    @Argument(help: "The plugin directory it was found in.")
    var directory: String

    func run() throws {
        let loader = PluginLoader(logger: Logger(label: "tandem.plugins") { _ in SwiftLogNoOpLogHandler() })
        do { _ = try loader.load(file: file, directory: directory) } catch { throw ExitCode(2) }
    }
}
