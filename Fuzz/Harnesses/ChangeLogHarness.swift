import TandemEngine

/// A change-log key or row: the comma-separated `quote()` literals the
/// capture triggers write (with `TX'..'` for text holding a NUL), which any
/// application's data ends up in, read as the engine reads it: the raw bytes
/// normalised (text that is not valid UTF-8 becomes `TX'..'`), then parsed.
enum ChangeLogHarness {
    static func run(_ bytes: [UInt8]) {
        let text = SQLLiteral.normalized(bytes: bytes)
        _ = SQLLiteral.split(text)
        guard let values = try? SQLLiteral.parseList(text) else { return }
        // What parses must print back to a list that parses to the same values.
        let printed = SQLLiteral.quoteList(values)
        let again = try? SQLLiteral.parseList(printed)
        precondition(again == values, "a parsed list does not survive quoting: \(text) printed as \(printed)")
    }
}
