/// A value written in a filter. It reaches the database only as a bound
/// parameter; each dialect says how it binds each kind (``FilterSQL``).
package enum FilterLiteral: Hashable, Sendable {
    /// `'text'` (a quote inside is doubled: `'O''Brien'`).
    case text(String)
    /// A whole number, `42` or `-7`.
    case integer(Int64)
    /// A decimal number as written (`12.50`), never rounded through a
    /// binary float by the parser.
    case decimal(String)
    /// A calendar date, `2024-01-31`.
    case date(String)
    /// A date and time, `2024-01-31T10:00:00Z` (seconds, fraction and
    /// zone optional).
    case dateTime(String)
    /// `true` or `false` (stored as 1 or 0, as the sides store flags).
    case boolean(Bool)
}

extension FilterLiteral: CustomStringConvertible {
    /// The literal as the filter language writes it.
    package var description: String {
        switch self {
        case .text(let text): "'\(text.replacingOccurrences(of: "'", with: "''"))'"
        case .integer(let value): String(value)
        case .decimal(let text), .date(let text), .dateTime(let text): text
        case .boolean(let value): value ? "true" : "false"
        }
    }
}
