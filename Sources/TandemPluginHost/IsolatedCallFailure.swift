#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A call into a plugin running in its own host process (`isolation:
/// process`) that did not come back: the process died (the plugin crashed
/// it) or the call ran past `call_timeout_ms` and the host killed it. The
/// engine process is unharmed; the next call starts a new host process.
package struct IsolatedCallFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// How the call ended.
    package enum Cause: Hashable, Sendable {
        /// The host process died by this signal (`SIGSEGV`, `SIGABRT` …).
        case crashed(signal: String)
        /// The host process exited with this status without answering.
        case exited(status: Int32)
        /// No answer within this many milliseconds: the host process was killed.
        case timedOut(milliseconds: Int)
    }

    /// The plugin's id.
    package var plugin: String
    /// The transform or mapper called (`com.acme.x`, `mapper M`).
    package var transform: String
    /// How the call ended.
    package var cause: Cause

    /// The reason a row is parked with when this call had only the row with `key`
    /// (`plugin com.acme.x crashed (SIGSEGV) in transform T on key 'usmf','X'`).
    package func reason(key: String) -> String {
        switch cause {
        case .crashed(let signal):
            "plugin \(plugin) crashed (\(signal)) in transform \(transform) on key \(key)"
        case .exited(let status):
            "plugin \(plugin) ended its host process (exit status \(status)) in transform \(transform) on key \(key)"
        case .timedOut(let milliseconds):
            "plugin \(plugin) timeout: transform \(transform) did not return within \(milliseconds) ms on key \(key) "
                + "(call_timeout_ms); its host process was killed"
        }
    }

    /// Names the plugin, the transform and how the call ended.
    package var description: String {
        switch cause {
        case .crashed(let signal): "plugin \(plugin) crashed (\(signal)) in transform \(transform)"
        case .exited(let status):
            "plugin \(plugin) ended its host process (exit status \(status)) in transform \(transform)"
        case .timedOut(let milliseconds):
            "plugin \(plugin) timeout: transform \(transform) did not return within \(milliseconds) ms (call_timeout_ms)"
        }
    }

    /// The name of a signal that ends a process.
    package static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGABRT: "SIGABRT",
            SIGKILL: "SIGKILL", SIGTRAP: "SIGTRAP", SIGSYS: "SIGSYS", SIGQUIT: "SIGQUIT", SIGTERM: "SIGTERM",
            SIGXCPU: "SIGXCPU",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}
