import Foundation

/// An error of the console, as the API answers it: an HTTP status and
/// `{"error": ..., "hint": ...}`, where `error` names the thing (the map,
/// the entry, the header) and `hint` says what to do.
package struct ConsoleError: Error, Sendable, CustomStringConvertible {
    /// The kinds of error, each with its HTTP status.
    package enum Kind: Sendable {
        /// The request is malformed (bad JSON, a bad id): 400.
        case badRequest
        /// No credentials, or wrong ones: 401.
        case unauthorized
        /// Credentials are fine, but a cookie-authenticated change lacks its CSRF token: 403.
        case forbidden
        /// No such map or entry: 404.
        case notFound
        /// The action is not allowed in the map's state: 409.
        case conflict
        /// The request names a host other than this machine's loopback address (DNS rebinding): 421.
        case misdirected
        /// The engine or a side failed: 500.
        case failed

        /// The HTTP status code.
        var status: Int {
            switch self {
            case .badRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .misdirected: 421
            case .failed: 500
            }
        }
    }

    /// The kind.
    package var kind: Kind
    /// What is wrong, naming the thing.
    package var message: String
    /// What to do about it.
    package var hint: String

    /// Creates an error.
    package init(_ kind: Kind, _ message: String, hint: String) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// The message and the hint, for the command line.
    package var description: String { "\(message); \(hint)" }

    /// The JSON body: `{"error": ..., "hint": ...}`.
    var body: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Two strings always encode.
        return (try? encoder.encode(["error": message, "hint": hint])) ?? Data()
    }
}
