/// An error about Arrow data: a format string the reader does not know, an
/// array whose buffers or lengths do not match its schema, a value that does
/// not fit its column.
///
/// The message names the column and the cause, so that a plugin author or an
/// operator can tell which batch and which field to look at.
public struct ArrowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A format string that is not valid or not supported.
        public static let unsupportedFormat = Code(name: "unsupported-format")
        /// An array that breaks the C Data Interface rules or does not match its schema.
        public static let malformedArray = Code(name: "malformed-array")
        /// A value that does not fit its column's type (digits that would be lost, overflow).
        public static let invalidValue = Code(name: "invalid-value")
        /// Columns of different lengths, or a column whose values do not match its field's type.
        public static let shapeMismatch = Code(name: "shape-mismatch")

        /// The code's stable name, e.g. `malformed-array`.
        public var description: String { name }
    }

    /// What kind of problem this is.
    public var code: Code
    /// A sentence that names the thing and the cause.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
