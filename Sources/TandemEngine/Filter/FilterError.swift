/// Why a filter does not parse or does not fit its table, at the
/// character where the problem starts.
package struct FilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 0-based character offset into the filter text.
    package var offset: Int
    /// What is wrong and what to write instead.
    package var message: String

    /// Creates an error at `offset`.
    package init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    /// `column N: message`, the column 1-based within the filter.
    package var description: String { "column \(offset + 1): \(message)" }

    /// The filter text on one line and a caret under the character, each
    /// indented by `indent` spaces, for the line after an error message.
    package func caret(in text: String, indent: Int = 2) -> String {
        // One line: a filter written over several YAML lines is shown as it is read, joined.
        let line = String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        let pad = String(repeating: " ", count: indent)
        return "\(pad)\(line)\n\(pad)\(String(repeating: " ", count: min(offset, line.count)))^"
    }
}
