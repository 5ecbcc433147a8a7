package import CTandemPlugin

/// A call into a loaded plugin that failed: the plugin reported an error, or
/// it broke the ABI's rules (a malformed array, a released input).
public struct PluginCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Whether the plugin reported the error or the host caught it breaking a rule.
    public enum Kind: String, Hashable, Sendable {
        /// The plugin returned an error status with a message.
        case reported
        /// The plugin broke the ABI contract; its output was not used.
        case contractViolation = "contract-violation"
    }

    /// The plugin's id.
    public var plugin: String
    /// What the host asked for, e.g. `process (transform tandem.std.value-map)`.
    public var operation: String
    /// Reported or contract violation.
    public var kind: Kind
    /// The ABI status code (0 for contract violations found after a success status).
    public var status: Int32
    /// The plugin's message, or the host's description of the violation.
    public var message: String

    /// Creates an error.
    public init(plugin: String, operation: String, kind: Kind, status: Int32, message: String) {
        self.plugin = plugin
        self.operation = operation
        self.kind = kind
        self.status = status
        self.message = message
    }

    /// The name of a status code.
    public static func statusName(_ status: Int32) -> String {
        switch status {
        case TANDEM_OK: "ok"
        case TANDEM_ERROR_INVALID_ARGUMENT: "invalid argument"
        case TANDEM_ERROR_INVALID_CONFIG: "invalid config"
        case TANDEM_ERROR_INVALID_DATA: "invalid data"
        case TANDEM_ERROR_UNSUPPORTED: "unsupported"
        case TANDEM_ERROR_INTERNAL: "internal error"
        default: "unknown status \(status)"
        }
    }

    /// Whether the plugin refused the data it was given (status invalid
    /// data): a value that does not fit the transform, which the row's data
    /// decides, not a fault of the plugin.
    public var isInvalidData: Bool { kind == .reported && status == TANDEM_ERROR_INVALID_DATA }

    /// `plugin X: operation failed (code N, name): message`.
    public var description: String {
        switch kind {
        case .reported:
            "plugin \(plugin): \(operation) failed (code \(status), \(Self.statusName(status))): \(message)"
        case .contractViolation:
            "plugin \(plugin): \(operation) broke the plugin ABI: \(message)"
        }
    }
}

/// Calls a fallible ABI function with a fresh error struct; returns the
/// status and the plugin's message (released here, exactly once).
package func callPlugin(_ body: (UnsafeMutablePointer<tandem_error>) -> tandem_status) -> (tandem_status, String?) {
    var error = tandem_error()
    error.struct_size = MemoryLayout<tandem_error>.size
    let status = body(&error)
    var message: String?
    if status != TANDEM_OK {
        message = error.message.map { String(cString: $0) } ?? "(the plugin gave no message)"
    }
    // Release whatever the plugin attached, even on success, so nothing leaks.
    if let release = error.release { release(&error) }
    return (status, message)
}
