/// A parsed map filter (the filter language of `filters:` in tandem.yaml,
/// see docs/MAPS.md): a tree of predicates over the source table's columns.
///
/// The tree holds values, never SQL: an endpoint compiles it to its own
/// dialect with every literal as a bound parameter (``FilterSQL``), so no
/// text a user typed ever reaches a statement. ``description`` prints the
/// canonical form, which parses back to the same tree.
package indirect enum FilterExpression: Hashable, Sendable {
    /// Both hold.
    case and(FilterExpression, FilterExpression)
    /// Either holds.
    case or(FilterExpression, FilterExpression)
    /// The predicate does not hold (SQL's `NOT`: not of unknown is unknown).
    case not(FilterExpression)
    /// `left op right`.
    case compare(FilterOperand, FilterComparison, FilterOperand)
    /// `operand is null`, or `is not null` when negated.
    case isNull(FilterOperand, negated: Bool)
    /// `operand in (values)`, or `not in` when negated.
    case among(FilterOperand, [FilterLiteral], negated: Bool)
    /// `operand like pattern` (`%` any run, `_` one character, `\` escapes
    /// them; ASCII letters match either case), or `not like` when negated.
    case like(FilterOperand, FilterOperand, negated: Bool)
    /// `startswith(text, prefix)`: exact, case and all.
    case startsWith(FilterOperand, FilterOperand)
    /// `contains(text, part)`: exact, case and all.
    case contains(FilterOperand, FilterOperand)

    /// Every column the filter reads, in order of appearance, each once.
    package var columns: [String] {
        var result: [String] = []
        visitOperands { operand in
            for column in operand.columns where !result.contains(column) { result.append(column) }
        }
        return result
    }

    /// Every text literal of the filter, in order of appearance (for the
    /// near-miss warnings of `maps validate`).
    package var textLiterals: [String] {
        var result: [String] = []
        visit { expression in
            if case .among(_, let values, _) = expression {
                for case .text(let text) in values { result.append(text) }
            }
        }
        visitOperands { operand in
            if case .literal(.text(let text)) = operand { result.append(text) }
        }
        return result
    }

    /// Whether the filter tests `column` for null itself (`is null`, `is not null`).
    package func testsNull(_ column: String) -> Bool {
        var found = false
        visit { expression in
            if case .isNull(let operand, _) = expression, operand.columns.contains(column) { found = true }
        }
        return found
    }

    /// Calls `body` with this node and each node under it.
    private func visit(_ body: (FilterExpression) -> Void) {
        body(self)
        switch self {
        case .and(let left, let right), .or(let left, let right):
            left.visit(body)
            right.visit(body)
        case .not(let inner): inner.visit(body)
        default: break
        }
    }

    /// Calls `body` with each operand of each predicate, left to right.
    private func visitOperands(_ body: (FilterOperand) -> Void) {
        visit { expression in
            switch expression {
            case .compare(let left, _, let right), .like(let left, let right, _), .startsWith(let left, let right),
                .contains(let left, let right):
                body(left)
                body(right)
            case .isNull(let operand, _), .among(let operand, _, _): body(operand)
            case .and, .or, .not: break
            }
        }
    }

    /// Replaces every column name with `rename(name)`.
    package func mapColumns(
        _ rename: (FilterColumn) throws(FilterError) -> String
    ) throws(FilterError) -> FilterExpression {
        switch self {
        case .and(let left, let right): .and(try left.mapColumns(rename), try right.mapColumns(rename))
        case .or(let left, let right): .or(try left.mapColumns(rename), try right.mapColumns(rename))
        case .not(let inner): .not(try inner.mapColumns(rename))
        case .compare(let left, let op, let right):
            .compare(try left.mapColumns(rename), op, try right.mapColumns(rename))
        case .isNull(let operand, let negated): .isNull(try operand.mapColumns(rename), negated: negated)
        case .among(let operand, let values, let negated):
            .among(try operand.mapColumns(rename), values, negated: negated)
        case .like(let operand, let pattern, let negated):
            .like(try operand.mapColumns(rename), try pattern.mapColumns(rename), negated: negated)
        case .startsWith(let text, let prefix): .startsWith(try text.mapColumns(rename), try prefix.mapColumns(rename))
        case .contains(let text, let part): .contains(try text.mapColumns(rename), try part.mapColumns(rename))
        }
    }
}

extension FilterExpression: CustomStringConvertible {
    /// The canonical text: lower-case keywords, `and`/`or` operands in
    /// parentheses when they are themselves `and`/`or`, quotes doubled.
    package var description: String {
        /// An operand of `and`/`or`/`not`, in parentheses when it has an operator of its own.
        func inner(_ expression: FilterExpression) -> String {
            switch expression {
            case .and, .or, .not: "(\(expression))"
            default: expression.description
            }
        }
        switch self {
        case .and(let left, let right): return "\(inner(left)) and \(inner(right))"
        case .or(let left, let right): return "\(inner(left)) or \(inner(right))"
        case .not(let expression): return "not \(inner(expression))"
        case .compare(let left, let op, let right): return "\(left) \(op.rawValue) \(right)"
        case .isNull(let operand, let negated): return "\(operand) is \(negated ? "not " : "")null"
        case .among(let operand, let values, let negated):
            return "\(operand) \(negated ? "not " : "")in (\(values.map(\.description).joined(separator: ", ")))"
        case .like(let operand, let pattern, let negated): return "\(operand) \(negated ? "not " : "")like \(pattern)"
        case .startsWith(let text, let prefix): return "startswith(\(text), \(prefix))"
        case .contains(let text, let part): return "contains(\(text), \(part))"
        }
    }
}
