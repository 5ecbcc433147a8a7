/// An error of the sync engine, with a code for scripts and a message that
/// names the thing and what to do.
package struct SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem.
    package enum Code: String, Hashable, Sendable {
        /// A change-log row does not parse.
        case corruptChange = "corrupt-change"
        /// A map, side or table is not what the config or plugins say.
        case configuration
        /// A table a map names does not exist on its side.
        case missingTable = "missing-table"
        /// A text value is not valid UTF-8; Tandem parks the row rather than repair it.
        case invalidText = "invalid-text"
        /// A value does not fit the column or transform.
        case badValue = "bad-value"
        /// A plugin transform or mapper failed.
        case plugin
        /// The parent row a lookup names is not on the target side yet.
        case missingParent = "missing-parent"
        /// Another engine holds the environment.
        case locked
        /// A map state change that is not allowed.
        case state
        /// Something on disk (database, file) failed.
        case database
    }

    /// The code.
    package var code: Code
    /// The message.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
