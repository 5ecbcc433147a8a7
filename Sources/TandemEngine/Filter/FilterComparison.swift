/// A comparison operator of the filter language, named as OData's
/// `$filter` names them.
package enum FilterComparison: String, Hashable, Sendable, CaseIterable {
    /// Equal.
    case eq
    /// Not equal.
    case ne
    /// Greater than.
    case gt
    /// Greater than or equal.
    case ge
    /// Less than.
    case lt
    /// Less than or equal.
    case le

    /// The SQL operator; the same in every dialect Tandem compiles to.
    package var sql: String {
        switch self {
        case .eq: "="
        case .ne: "<>"
        case .gt: ">"
        case .ge: ">="
        case .lt: "<"
        case .le: "<="
        }
    }

    /// The operator a user who writes SQL's `symbol` means, for the hint of a parse error.
    static func forSymbol(_ symbol: String) -> FilterComparison? {
        switch symbol {
        case "=", "==": .eq
        case "<>", "!=": .ne
        case ">": .gt
        case ">=": .ge
        case "<": .lt
        case "<=": .le
        default: nil
        }
    }
}
