import Foundation
import TandemDocuments
import TandemPluginHost

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Loads a plugin in a child process (`tandem plugins trial-load`) with a
/// time limit before a command loads it (issue 17 §1): a plugin whose
/// constructors or `init` abort, crash or never return is refused with the
/// reason, naming it, and the command goes on with the other plugins.
///
/// A library that loaded once in this host ABI is skipped: every successful
/// load records the plugin's description under its SHA-256 (which the file
/// checks have just verified against its manifest) in
/// `PluginDescriptionCache`, so each build of a plugin costs one child
/// process per machine, not one per command. A plugin whose `init` behaves
/// differently on a later call (it reads a service that went away) is not
/// caught by that; the engine's crash containment (`tandem run`) is what
/// covers its transform calls.
enum PluginTrialLoad {
    /// How long loading one plugin may take: `TANDEM_PLUGIN_LOAD_TIMEOUT_S`, default 10 s.
    static var limit: Duration {
        let seconds = ProcessInfo.processInfo.environment["TANDEM_PLUGIN_LOAD_TIMEOUT_S"].flatMap { Double($0) } ?? 10
        return .milliseconds(Int64(max(0.1, seconds) * 1000))
    }

    /// Loads `file` of `directory` in a child process; returns why it is refused, or nil when it loaded
    /// (or was refused for a reason the in-process load gives again, with its own message).
    @Sendable
    static func check(file: String, directory: String, manifest: PluginManifest) -> PluginRefusal? {
        if let sha256 = manifest.sha256, !sha256.isEmpty, PluginDescriptionCache.read(sha256: sha256) != nil { return nil }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let arguments = [CommandLine.arguments.first ?? executable, "plugins", "trial-load", file, directory]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The child's output is not wanted: the in-process load reports a refusal with its own words.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var child: pid_t = 0
        guard posix_spawn(&child, executable, &actions, nil, argv, environ) == 0 else { return nil }
        let name = "plugin \(manifest.id) \(manifest.version)"
        let deadline = ContinuousClock.now + limit
        var status: Int32 = 0
        while true {
            let ended = waitpid(child, &status, WNOHANG)
            if ended == child { break }
            if ended < 0 && errno != EINTR { return nil }
            if ContinuousClock.now >= deadline {
                kill(child, SIGKILL)
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
                return PluginRefusal(
                    file: file, code: .loadTimeout,
                    reason: "\(name) did not finish loading within \(String(format: "%g", seconds)) s (its init never returned); "
                        + "fix or remove the plugin (TANDEM_PLUGIN_LOAD_TIMEOUT_S sets the limit)")
            }
            usleep(5_000)
        }
        if status & 0x7f != 0 {
            return PluginRefusal(
                file: file, code: .loadCrashed,
                reason: "\(name) crashed the process loading it (\(EngineSupervisor.name(status & 0x7f))): "
                    + "its init or library constructors abort or crash; fix or remove the plugin")
        }
        return nil
    }
}
