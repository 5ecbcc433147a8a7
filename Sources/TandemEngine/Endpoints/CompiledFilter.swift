/// A filter compiled for one database: a condition with placeholders and
/// the values to bind to them, in placeholder order. The SQL holds no text
/// the user wrote, only quoted column names the table itself has.
package struct CompiledFilter<Parameter> {
    /// The condition, in parentheses, ready to follow `WHERE` or `AND`.
    package var sql: String
    /// The values for the condition's placeholders, in order.
    package var parameters: [Parameter]
}

extension CompiledFilter: Sendable where Parameter: Sendable {}
