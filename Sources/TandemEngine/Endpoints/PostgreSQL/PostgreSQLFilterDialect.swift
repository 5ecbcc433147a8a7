import TandemPostgreSQL

/// PostgreSQL's spelling of a compiled filter (``FilterSQL``), made to
/// select exactly the rows SQLite's does: case folds ASCII letters only
/// (`translate`, not the locale's `lower()`), text functions read their
/// argument as text, and `LIKE` folds case as SQLite's does.
package struct PostgreSQLFilterDialect: FilterDialect {
    private static let upperLetters = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
    private static let lowerLetters = "'abcdefghijklmnopqrstuvwxyz'"

    /// A dialect.
    package init() {}

    /// `"name"`, quotes doubled.
    package func identifier(_ name: String) -> String { PostgreSQLSQL.identifier(name) }

    /// `$N`.
    package func placeholder(_ number: Int) -> String { "$\(number)" }

    /// Every value as text, untyped: the server reads it as the type of
    /// the column it meets (a date column reads `2024-01-31` as a date),
    /// and decimals stay exact. Flags are 1 and 0, which both integer and
    /// boolean columns accept.
    package func parameter(_ literal: FilterLiteral) -> String {
        switch literal {
        case .text(let text), .decimal(let text), .date(let text), .dateTime(let text): text
        case .integer(let value): String(value)
        case .boolean(let value): value ? "1" : "0"
        }
    }

    /// ASCII letters folded with `translate`, as SQLite's `lower()` folds them.
    package func lower(_ sql: String) -> String {
        "translate(CAST(\(sql) AS text), \(Self.upperLetters), \(Self.lowerLetters))"
    }

    /// ASCII letters folded with `translate`, as SQLite's `upper()` folds them.
    package func upper(_ sql: String) -> String {
        "translate(CAST(\(sql) AS text), \(Self.lowerLetters), \(Self.upperLetters))"
    }

    /// `strpos` is exact; 1 means at the start (an empty prefix too, as in SQLite).
    package func startsWith(_ sql: String, _ prefix: String) -> String {
        "(strpos(CAST(\(sql) AS text), CAST(\(prefix) AS text)) = 1)"
    }

    /// `strpos` is exact.
    package func contains(_ sql: String, _ part: String) -> String {
        "(strpos(CAST(\(sql) AS text), CAST(\(part) AS text)) > 0)"
    }

    /// Both sides folded to lower-case ASCII, so that `LIKE` matches as SQLite's does.
    package func like(_ sql: String, _ pattern: String, negated: Bool) -> String {
        "(\(lower(sql)) \(negated ? "NOT " : "")LIKE \(lower(pattern)) ESCAPE '\\')"
    }
}
