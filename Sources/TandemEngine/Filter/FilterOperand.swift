/// One side of a filter predicate: a column, a literal, or `lower()` /
/// `upper()` of an operand.
package indirect enum FilterOperand: Hashable, Sendable {
    /// A column of the map's own source table.
    case column(FilterColumn)
    /// A value, bound as a parameter when compiled.
    case literal(FilterLiteral)
    /// ASCII letters in lower case (other characters as they are, on every
    /// dialect alike: SQLite's `lower()` folds ASCII only).
    case lower(FilterOperand)
    /// ASCII letters in upper case.
    case upper(FilterOperand)

    /// The columns this operand reads.
    package var columns: [String] {
        switch self {
        case .column(let column): [column.name]
        case .literal: []
        case .lower(let inner), .upper(let inner): inner.columns
        }
    }

    /// The operand with every column name replaced by `rename(column)`.
    func mapColumns(_ rename: (FilterColumn) throws(FilterError) -> String) throws(FilterError) -> FilterOperand {
        switch self {
        case .column(let column): .column(FilterColumn(name: try rename(column), offset: column.offset))
        case .literal: self
        case .lower(let inner): .lower(try inner.mapColumns(rename))
        case .upper(let inner): .upper(try inner.mapColumns(rename))
        }
    }
}

extension FilterOperand: CustomStringConvertible {
    /// The operand as the filter language writes it.
    package var description: String {
        switch self {
        case .column(let column): column.name
        case .literal(let literal): literal.description
        case .lower(let inner): "lower(\(inner))"
        case .upper(let inner): "upper(\(inner))"
        }
    }
}
