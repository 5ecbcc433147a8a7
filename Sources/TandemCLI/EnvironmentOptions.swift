import ArgumentParser
import Foundation
import Logging
import TandemEngine
import TandemPluginHost

/// `--env DIR` and plugin options, shared by the commands that work on an environment.
struct EnvironmentOptions: ParsableArguments {
    @Option(
        name: [.customShort("e"), .customLong("env")],
        help: ArgumentHelp("The environment folder (default: $TANDEM_ENV, else the current folder).", valueName: "DIR"))
    var directory: String?

    @Option(name: .customLong("plugins"), help: ArgumentHelp("Also load plugins from DIR (repeatable).", valueName: "DIR"))
    var extraPluginDirectories: [String] = []

    @Flag(name: .shortAndLong, help: "Log what the engine, the loader and the plugins do.")
    var verbose = false

    /// The environment folder to use.
    var resolvedDirectory: String {
        directory ?? ProcessInfo.processInfo.environment["TANDEM_ENV"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
    }

    func loadEnvironment() throws -> TandemEnvironment {
        try TandemEnvironment(directory: resolvedDirectory)
    }

    func makeLogger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    /// Loads the environment's plugins and map files; refused files are reported on standard error.
    /// `readOnly`: a command that only reads state, which describes each plugin from
    /// its last load on this machine when it can, running none of its code.
    func loadCatalog(_ environment: TandemEnvironment, readOnly: Bool = false) -> PluginCatalog {
        var directories = environment.pluginDirectories(bundled: PluginOptions.bundledDirectory)
        // The same order as `tandem plugins list`: the environment's, TANDEM_PLUGIN_PATH, the command line.
        directories += PluginOptions.pathDirectories
        directories += extraPluginDirectories.map { PluginDirectory($0, origin: .commandLine) }
        var logger = makeLogger("tandem.plugins")
        logger.logLevel = verbose ? .debug : .error
        var loader = PluginLoader(logger: logger)
        loader.trial = PluginTrialLoad.check
        loader.describeFromCache = readOnly
        var catalog = loader.loadAll(from: directories)
        MapFileLoader.load(environment: environment.directory, into: &catalog)
        for refusal in catalog.refusals { printError("warning: \(refusal.description)") }
        for refusal in catalog.mapFileRefusals { printError("warning: \(refusal.message)") }
        // An override's difference its base no longer allows is said by every command, never dropped silently.
        for override in catalog.mapOverrides {
            for finding in catalog.effectiveMap(override.extends.value)?.map.findings ?? [] {
                printError("warning: \(finding.message)")
            }
        }
        return catalog
    }
}
