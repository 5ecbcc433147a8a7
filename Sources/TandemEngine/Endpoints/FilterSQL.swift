/// Compiles a resolved ``FilterExpression`` to one dialect's SQL with every
/// literal as a bound parameter (never spliced into the text, so a filter
/// typed in the console cannot inject SQL).
///
/// Every predicate is wrapped in parentheses, so the SQL's precedence is
/// the tree's, whatever the dialect's own.
package enum FilterSQL {
    /// `expression` as `dialect`'s SQL; placeholders are numbered from
    /// `firstPlaceholder`, for statements that bind other values first.
    package static func compile<Dialect: FilterDialect>(
        _ expression: FilterExpression, _ dialect: Dialect, firstPlaceholder: Int = 1
    ) -> CompiledFilter<Dialect.Parameter> {
        var parameters: [Dialect.Parameter] = []
        /// A placeholder for `literal`, its value appended in textual order.
        func bind(_ literal: FilterLiteral) -> String {
            parameters.append(dialect.parameter(literal))
            return dialect.placeholder(firstPlaceholder + parameters.count - 1)
        }
        func operand(_ value: FilterOperand) -> String {
            switch value {
            case .column(let column): dialect.identifier(column.name)
            case .literal(let literal): bind(literal)
            case .lower(let inner): dialect.lower(operand(inner))
            case .upper(let inner): dialect.upper(operand(inner))
            }
        }
        // Left before right everywhere, so that anonymous placeholders (`?`) meet their values in order.
        func condition(_ expression: FilterExpression) -> String {
            switch expression {
            case .and(let left, let right):
                let first = condition(left)
                return "(\(first) AND \(condition(right)))"
            case .or(let left, let right):
                let first = condition(left)
                return "(\(first) OR \(condition(right)))"
            case .not(let inner): return "(NOT \(condition(inner)))"
            case .compare(let left, let comparison, let right):
                let first = operand(left)
                return "(\(first) \(comparison.sql) \(operand(right)))"
            case .isNull(let inner, let negated): return "(\(operand(inner)) IS \(negated ? "NOT " : "")NULL)"
            case .among(let inner, let values, let negated):
                let first = operand(inner)
                return "(\(first) \(negated ? "NOT " : "")IN (\(values.map(bind).joined(separator: ", "))))"
            case .like(let inner, let pattern, let negated):
                let first = operand(inner)
                return dialect.like(first, operand(pattern), negated: negated)
            case .startsWith(let text, let prefix):
                let first = operand(text)
                return dialect.startsWith(first, operand(prefix))
            case .contains(let text, let part):
                let first = operand(text)
                return dialect.contains(first, operand(part))
            }
        }
        let sql = condition(expression)
        return CompiledFilter(sql: sql, parameters: parameters)
    }
}
