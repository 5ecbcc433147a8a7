import ArgumentParser
import Foundation
import Logging
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

    /// Every directory to scan, in order: bundled, environment, command line.
    var pluginDirectories: [PluginDirectory] {
        var result: [PluginDirectory] = []
        if !noBundled, FileManager.default.fileExists(atPath: Self.bundledDirectory) {
            result.append(PluginDirectory(Self.bundledDirectory, origin: .bundled))
        }
        let path = ProcessInfo.processInfo.environment["TANDEM_PLUGIN_PATH"] ?? ""
        for entry in path.split(separator: ":") where !entry.isEmpty {
            result.append(PluginDirectory(String(entry), origin: .config))
        }
        result += directories.map { PluginDirectory($0, origin: .commandLine) }
        return result
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
        return PluginLoader(logger: logger)
    }

    /// Loads every plugin directory.
    func loadCatalog() -> PluginCatalog {
        makeLoader().loadAll(from: pluginDirectories)
    }
}

/// `--json`, shared by commands whose output scripts read.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}
