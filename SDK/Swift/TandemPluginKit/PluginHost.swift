internal import CTandemPlugin

/// The host as a plugin sees it: logging, for now.
///
/// Wraps the host vtable the plugin received in `init`.
public struct PluginHost: Sendable {
    // The vtable is host-owned, immutable and valid until process exit, and
    // its functions may be called from any thread (tandem_plugin.h).
    nonisolated(unsafe) let vtable: UnsafePointer<tandem_host>

    init(_ vtable: UnsafePointer<tandem_host>) {
        self.vtable = vtable
    }

    /// Log levels.
    public enum Level: Int32, Sendable {
        case trace = 0, debug, info, warning, error
    }

    /// Writes a message to the host's log, attributed to this plugin.
    public func log(_ level: Level, _ message: String) {
        guard vtable.pointee.struct_size >= ABI10.hostSize, let log = vtable.pointee.log else { return }
        message.withCString { log(vtable, level.rawValue, $0) }
    }

    /// The host's name and version, e.g. `tandem 0.1.0`.
    public var hostDescription: String {
        let name = vtable.pointee.host_name.map { String(cString: $0) } ?? "host"
        let version = vtable.pointee.host_version.map { String(cString: $0) } ?? "?"
        return "\(name) \(version)"
    }
}
