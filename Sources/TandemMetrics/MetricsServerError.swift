/// Why `tandem run --metrics` cannot serve metrics: a malformed address or a
/// port it cannot listen on. The message names the address and what to do.
public struct MetricsServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do about it.
    public var message: String

    init(_ message: String) { self.message = message }

    /// See ``message``.
    public var description: String { message }
}
