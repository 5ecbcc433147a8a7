/// Where one plugin's transforms run (`plugins.settings.ID` in tandem.yaml,
/// issue 17 §3).
///
/// ```yaml
/// plugins:
///   settings:
///     com.acme.loyalty:
///       isolation: process     # in-process (default) or process
///       call_timeout_ms: 30000 # with process: a call that takes longer kills the host process
/// ```
package struct PluginIsolation: Hashable, Sendable {
    /// In the engine process, or in a plugin host process of its own.
    package enum Mode: String, CaseIterable, Hashable, Sendable {
        /// The default: fastest, and `tandem run`'s crash containment restarts the engine after a crash.
        case inProcess = "in-process"
        /// In a `tandem plugin-host` process: a crash or a hang costs that process and the row, never the engine.
        case process
    }

    /// The default ``callTimeoutMilliseconds``: far above any sane transform
    /// call on a batch of 2,000 rows, well below a stuck engine going unnoticed.
    package static let defaultCallTimeoutMilliseconds = 30_000

    /// Where the plugin runs.
    package var mode: Mode
    /// With ``Mode/process``: how long one call may take before the host process is killed and the row parked.
    package var callTimeoutMilliseconds: Int

    /// Creates settings.
    package init(mode: Mode = .inProcess, callTimeoutMilliseconds: Int = Self.defaultCallTimeoutMilliseconds) {
        self.mode = mode
        self.callTimeoutMilliseconds = callTimeoutMilliseconds
    }
}
