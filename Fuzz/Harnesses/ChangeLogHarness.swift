import TandemEngine

/// A change-log key or row: the comma-separated `quote()` literals the
/// capture triggers write, which any application's data ends up in.
enum ChangeLogHarness {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let values = try? SQLLiteral.parseList(text) else { return }
        // What parses must print back to a list that parses to the same values.
        let again = try? SQLLiteral.parseList(SQLLiteral.quoteList(values))
        precondition(again?.count == values.count, "a parsed list does not survive quoting: \(text)")
    }
}
