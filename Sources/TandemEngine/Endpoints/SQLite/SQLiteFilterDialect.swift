/// SQLite's spelling of a compiled filter (``FilterSQL``).
package struct SQLiteFilterDialect: FilterDialect {
    /// Whether placeholders carry their number (`?3`): needed where the
    /// statement numbers other parameters itself (``RowFilter``'s row
    /// values); otherwise `?`, which takes the next number.
    package var numbered: Bool

    /// A dialect with anonymous (`?`) or numbered (`?N`) placeholders.
    package init(numbered: Bool = false) { self.numbered = numbered }

    /// `"name"`, quotes doubled.
    package func identifier(_ name: String) -> String { CaptureSchema.identifier(name) }

    /// `?` or `?N`.
    package func placeholder(_ number: Int) -> String { numbered ? "?\(number)" : "?" }

    /// Text, dates and times as text (ISO, as the sides store them);
    /// decimals as a double, which SQLite compares numbers as anyway.
    package func parameter(_ literal: FilterLiteral) -> SideValue {
        switch literal {
        case .text(let text), .date(let text), .dateTime(let text): .text(text)
        case .integer(let value): .integer(value)
        case .decimal(let text): .real(Double(text) ?? 0)
        case .boolean(let value): .integer(value ? 1 : 0)
        }
    }

    /// SQLite's `lower()`, which folds ASCII letters only.
    package func lower(_ sql: String) -> String { "lower(\(sql))" }

    /// SQLite's `upper()`, which folds ASCII letters only.
    package func upper(_ sql: String) -> String { "upper(\(sql))" }

    /// `instr` finds the first occurrence, exactly; 1 means at the start.
    package func startsWith(_ sql: String, _ prefix: String) -> String { "(instr(\(sql), \(prefix)) = 1)" }

    /// `instr` is exact, unlike `LIKE`.
    package func contains(_ sql: String, _ part: String) -> String { "(instr(\(sql), \(part)) > 0)" }

    /// SQLite's `LIKE` folds ASCII letters only, which is the language's rule.
    package func like(_ sql: String, _ pattern: String, negated: Bool) -> String {
        "(\(sql) \(negated ? "NOT " : "")LIKE \(pattern) ESCAPE '\\')"
    }
}
