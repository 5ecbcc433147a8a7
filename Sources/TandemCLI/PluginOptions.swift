import ArgumentParser
import Foundation
import Logging
import TandemEngine
import TandemPluginHost

/// Where to look for plugins, shared by the plugin commands.
struct PluginOptions: ParsableArguments {
    @Option(name: .customLong("plugins"), help: ArgumentHelp("Also load plugins from DIR (repeatable).", valueName: "DIR"))
    var directories: [String] = []

    @Flag(name: .customLong("no-bundled"), help: "Do not load the bundled plugins.")
    var noBundled = false

    @Flag(name: .shortAndLong, help: "Log what the loader and the plugins do.")
    var verbose = false

    /// The bundled plugin directory: TANDEM_BUNDLED_PLUGINS, else `tandem-plugins` next to the executable.
    static var bundledDirectory: String {
        if let override = ProcessInfo.processInfo.environment["TANDEM_BUNDLED_PLUGINS"], !override.isEmpty {
            return override
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("tandem-plugins").path
    }

    /// Every directory to scan, in order: bundled, the environment's (when
    /// given: its own `plugins/` folder and its `plugins:` folders, and
    /// bundled only if it says so; or, for `tandem init`, the `plugins/`
    /// folder of the folder being made), TANDEM_PLUGIN_PATH, command line.
    func pluginDirectories(environment: TandemEnvironment? = nil, creating folder: String? = nil) -> [PluginDirectory] {
        var result: [PluginDirectory] = []
        if let environment {
            result = environment.pluginDirectories(bundled: noBundled ? nil : Self.bundledDirectory)
        } else if !noBundled, FileManager.default.fileExists(atPath: Self.bundledDirectory) {
            result.append(PluginDirectory(Self.bundledDirectory, origin: .bundled))
        }
        if let folder {
            // A plugin packed into the folder before `init` is what the environment will load: init loads it too.
            let own = URL(fileURLWithPath: folder).appendingPathComponent(TandemEnvironment.ownPluginFolder).standardizedFileURL.path
            if FileManager.default.fileExists(atPath: own) { result.append(PluginDirectory(own, origin: .config)) }
        }
        result += Self.pathDirectories
        result += directories.map { PluginDirectory($0, origin: .commandLine) }
        return result
    }

    /// The directories in TANDEM_PLUGIN_PATH (colon-separated), for every command that loads plugins.
    static var pathDirectories: [PluginDirectory] {
        let path = ProcessInfo.processInfo.environment["TANDEM_PLUGIN_PATH"] ?? ""
        return path.split(separator: ":").filter { !$0.isEmpty }.map { PluginDirectory(String($0), origin: .config) }
    }

    /// A note when the bundled directory is missing, so that an empty list is explained.
    var bundledNote: String? {
        guard !noBundled, !FileManager.default.fileExists(atPath: Self.bundledDirectory) else { return nil }
        return "note: no bundled plugins at \(Self.bundledDirectory); `./tandem` in the source tree builds and stages them"
    }

    /// A loader that logs to standard error.
    func makeLoader() -> PluginLoader {
        var logger = Logger(label: "tandem.plugins") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .error
        var loader = PluginLoader(logger: logger)
        loader.trial = PluginTrialLoad.check
        return loader
    }

    /// Loads every plugin directory, the environment's included when given
    /// (`creating`: the folder `tandem init` makes), and the environment's map files.
    func loadCatalog(environment: TandemEnvironment? = nil, creating folder: String? = nil) -> PluginCatalog {
        var catalog = makeLoader().loadAll(from: pluginDirectories(environment: environment, creating: folder))
        if let environment {
            MapFileLoader.load(environment: environment.directory, into: &catalog)
        } else if let folder {
            // Map files written into the folder before `init`, as plugins packed there are: init can enable them.
            MapFileLoader.load(environment: URL(fileURLWithPath: folder).standardizedFileURL.path, into: &catalog)
        }
        return catalog
    }
}

/// `--env DIR` for the plugin commands that show what an environment's engine
/// would load: without it, a plugin dropped into the environment's plugin
/// folder would be missing from `tandem plugins list`.
struct PluginEnvironmentOptions: ParsableArguments {
    @Option(
        name: [.customShort("e"), .customLong("env")],
        help: ArgumentHelp(
            "Also load the plugin folders of this environment's tandem.yaml (default: $TANDEM_ENV, else the current folder if it holds a tandem.yaml).",
            valueName: "DIR"))
    var directory: String?

    /// The environment to include, or nil when none was named and the
    /// current folder is not one. A named environment that does not load is
    /// an error; the current folder's is only a warning, because listing
    /// plugins should not depend on a config the user did not point at.
    func environment() throws -> TandemEnvironment? {
        if let named = directory ?? ProcessInfo.processInfo.environment["TANDEM_ENV"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try TandemEnvironment(directory: named)
        }
        guard FileManager.default.fileExists(atPath: TandemEnvironment.configFileName) else { return nil }
        do {
            return try TandemEnvironment(directory: ".")
        } catch {
            printError("warning: ignoring the environment in the current folder: \(error)")
            return nil
        }
    }
}

/// `--json`, shared by commands whose output scripts read.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}
