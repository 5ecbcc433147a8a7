internal import CTandemPlugin

/// An error a Swift plugin reports to the host, with one of the ABI's codes.
///
/// Other errors thrown by plugin code reach the host too: as an invalid
/// config when creating an instance, as invalid data while processing.
public struct PluginError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The ABI status codes.
    public enum Code: Int32, Sendable {
        /// Unknown name, NULL where not allowed.
        case invalidArgument = 1
        /// A config document that cannot be used.
        case invalidConfig = 2
        /// A row value that cannot be processed.
        case invalidData = 3
        /// Something the plugin does not implement.
        case unsupported = 4
        /// A failure of the plugin's own.
        case `internal` = 5
    }

    /// The status code the host sees.
    public var code: Code
    /// What went wrong, naming the thing and the cause.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
