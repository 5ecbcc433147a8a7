/// An error of the PostgreSQL endpoint: a code to `catch` by, and a message
/// that names the server, the database, the table or column, and what to do.
///
/// A message never holds a password: the endpoint builds every message from
/// ``PostgreSQLSideConfig/description`` and server texts, and the server does
/// not echo passwords back.
public struct PostgreSQLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for callers that react differently (retry, stop the map, park the row).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// The `url` (or `schema`, `password_file`) setting cannot be used as written.
        public static let badConfig = Code(name: "badConfig")
        /// Nothing answers at the url's host and port (the server is down, or the url is wrong).
        public static let notReachable = Code(name: "notReachable")
        /// The server refused the user or its password.
        public static let authenticationFailed = Code(name: "authenticationFailed")
        /// The connection broke while a statement ran; a transaction in flight was rolled back.
        public static let connectionLost = Code(name: "connectionLost")
        /// A table or column that a request names does not exist.
        public static let missingObject = Code(name: "missingObject")
        /// A value cannot be stored as it is (a NUL byte in text, more decimals than the column keeps).
        public static let badValue = Code(name: "badValue")
        /// Capture is not installed on a table it was asked about.
        public static let notCaptured = Code(name: "notCaptured")
        /// The server refused a statement for another reason; the message carries its text.
        public static let server = Code(name: "server")

        /// The code's name, as in logs.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// What went wrong and what to do, naming the server, database, table and column.
    public var message: String
    /// The server's SQLSTATE, when the server reported the error.
    public var sqlState: String?

    /// An error with a code and a message that says what to do.
    public init(_ code: Code, _ message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    /// The message.
    public var description: String { message }
}
