/// Parses the filter language into a ``FilterExpression``.
///
/// ```
/// filter     = or
/// or         = and { "or" and }
/// and        = unary { "and" unary }
/// unary      = "not" unary | "(" filter ")" | predicate
/// predicate  = "startswith" "(" operand "," operand ")"
///            | "contains" "(" operand "," operand ")"
///            | operand ( comparison operand
///                      | [ "not" ] "in" "(" literal { "," literal } ")"
///                      | [ "not" ] "like" operand
///                      | "is" [ "not" ] "null" )
/// comparison = "eq" | "ne" | "gt" | "ge" | "lt" | "le"
/// operand    = "lower" "(" operand ")" | "upper" "(" operand ")"
///            | literal | column
/// literal    = 'text' | 42 | -7 | 12.50 | 2024-01-31
///            | 2024-01-31T10:00:00Z | true | false
/// ```
///
/// Keywords are matched without regard to case; a column is any other
/// name (`[A-Za-z_][A-Za-z0-9_]*`), checked against the table later
/// (``FilterExpression/resolved(columns:)``).
package struct FilterParser {
    /// The words that cannot name a column.
    static let keywords: Set<String> = [
        "and", "or", "not", "in", "like", "is", "null", "true", "false", "eq", "ne", "gt", "ge", "lt", "le",
    ]
    /// Deeper nesting than this is refused rather than risk the stack: no real filter comes near it.
    static let maximumDepth = 64

    /// The filter's tokens, ending with `.end`.
    private let tokens: [FilterToken]
    /// Index of the token being looked at.
    private var position = 0
    /// How deeply the parser has nested so far (``maximumDepth``).
    private var depth = 0

    /// A parser at the first of `tokens`.
    private init(tokens: [FilterToken]) { self.tokens = tokens }

    /// The tree of `text`; throws at the first character that does not fit the grammar.
    package static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var parser = FilterParser(tokens: FilterLexer.tokens(text))
        guard parser.current.kind != .end else {
            throw FilterError(offset: 0, "the filter is empty; write a condition such as DATAAREAID eq 'usmf'")
        }
        let expression = try parser.disjunction()
        guard parser.current.kind == .end else {
            throw parser.unexpected("'and', 'or' or the end of the filter")
        }
        return expression
    }

    /// The token being looked at.
    private var current: FilterToken { tokens[position] }

    /// Moves to the next token; stays on `.end`.
    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    /// The error for the current token where `expected` should be.
    private func unexpected(_ expected: String) -> FilterError {
        // Text the lexer could not read is the mistake, whatever was expected there.
        if case .invalid(let error) = current.kind { return error }
        var message = "expected \(expected), found \(current.quoted)"
        if case .symbol(let symbol) = current.kind {
            if let comparison = FilterComparison.forSymbol(symbol) {
                message += "; the filter language writes '\(symbol)' as '\(comparison.rawValue)'"
            }
        } else if let keyword = current.keyword, ["&&", "||"].contains(keyword) || keyword == "between" {
            message += "; write 'x ge a and x le b'"
        }
        return FilterError(offset: current.offset, message)
    }

    /// Moves past a token of `kind`, or throws naming `name` as expected.
    private mutating func expect(_ kind: FilterToken.Kind, _ name: String) throws(FilterError) {
        guard current.kind == kind else { throw unexpected(name) }
        advance()
    }

    /// `and { "or" and }`.
    private mutating func disjunction() throws(FilterError) -> FilterExpression {
        var left = try conjunction()
        while current.keyword == "or" {
            advance()
            left = .or(left, try conjunction())
        }
        return left
    }

    /// `unary { "and" unary }`.
    private mutating func conjunction() throws(FilterError) -> FilterExpression {
        var left = try unary()
        while current.keyword == "and" {
            advance()
            left = .and(left, try unary())
        }
        return left
    }

    /// `"not" unary | "(" filter ")" | predicate`.
    private mutating func unary() throws(FilterError) -> FilterExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw FilterError(offset: current.offset, "the filter nests deeper than \(Self.maximumDepth) levels")
        }
        if current.keyword == "not" {
            advance()
            return .not(try unary())
        }
        if current.kind == .open {
            advance()
            let inner = try disjunction()
            try expect(.close, "')' or 'and'/'or'")
            return inner
        }
        return try predicate()
    }

    /// A function predicate, or an operand and what is said of it.
    private mutating func predicate() throws(FilterError) -> FilterExpression {
        if let name = current.keyword, ["startswith", "contains"].contains(name), tokens[position + 1].kind == .open {
            advance()
            advance()
            let text = try operand()
            try expect(.comma, "',' between the two arguments of \(name)()")
            let part = try operand()
            try expect(.close, "')' after the two arguments of \(name)()")
            return name == "startswith" ? .startsWith(text, part) : .contains(text, part)
        }
        let left = try operand()
        let operatorOffset = current.offset
        switch current.keyword {
        case let word? where FilterComparison(rawValue: word) != nil:
            advance()
            if current.keyword == "null" {
                throw FilterError(
                    offset: current.offset,
                    "nothing is \(word) null (SQL's rule); write '\(left) is \(word == "ne" ? "not " : "")null'")
            }
            return .compare(left, FilterComparison(rawValue: word)!, try operand())
        case "is":
            advance()
            var negated = false
            if current.keyword == "not" {
                negated = true
                advance()
            }
            guard current.keyword == "null" else { throw unexpected("'null' after 'is\(negated ? " not" : "")'") }
            advance()
            return .isNull(left, negated: negated)
        case "not", "in", "like":
            var negated = false
            if current.keyword == "not" {
                negated = true
                advance()
            }
            switch current.keyword {
            case "in": advance(); return .among(left, try list(), negated: negated)
            case "like": advance(); return .like(left, try operand(), negated: negated)
            default: throw unexpected("'in' or 'like' after 'not'")
            }
        default:
            let error = unexpected("eq, ne, gt, ge, lt, le, in, like or is after \(left)")
            throw FilterError(offset: operatorOffset, error.message)
        }
    }

    /// `( literal, … )` after `in`.
    private mutating func list() throws(FilterError) -> [FilterLiteral] {
        try expect(.open, "'(' and a list of values after 'in'")
        var values: [FilterLiteral] = []
        while true {
            guard case .literal(let value) = current.kind else {
                if current.keyword == "true" || current.keyword == "false" {
                    values.append(.boolean(current.keyword == "true"))
                    advance()
                } else {
                    throw unexpected("a value ('text', a number or a date) in the list after 'in'")
                }
                if current.kind == .comma { advance(); continue }
                break
            }
            values.append(value)
            advance()
            if current.kind == .comma {
                advance()
                continue
            }
            break
        }
        try expect(.close, "',' or ')' in the list after 'in'")
        return values
    }

    /// `lower(…)`, `upper(…)`, a literal or a column.
    private mutating func operand() throws(FilterError) -> FilterOperand {
        let token = current
        switch token.kind {
        case .literal(let literal):
            advance()
            return .literal(literal)
        case .word(let word):
            let lowered = word.lowercased()
            if ["lower", "upper"].contains(lowered), tokens[position + 1].kind == .open {
                depth += 1
                defer { depth -= 1 }
                guard depth <= Self.maximumDepth else {
                    throw FilterError(offset: token.offset, "the filter nests deeper than \(Self.maximumDepth) levels")
                }
                advance()
                advance()
                let inner = try operand()
                try expect(.close, "')' after the argument of \(lowered)()")
                return lowered == "lower" ? .lower(inner) : .upper(inner)
            }
            if lowered == "true" || lowered == "false" {
                advance()
                return .literal(.boolean(lowered == "true"))
            }
            if lowered == "null" {
                throw FilterError(offset: token.offset, "null is tested with 'COLUMN is null' or 'COLUMN is not null'")
            }
            guard !Self.keywords.contains(lowered) else {
                throw unexpected("a column, a value or lower()/upper()")
            }
            if tokens[position + 1].kind == .open {
                throw FilterError(
                    offset: token.offset,
                    "'\(word)' is not a function of the filter language; it has lower(), upper(), "
                        + "startswith() and contains()")
            }
            advance()
            return .column(FilterColumn(name: word, offset: token.offset))
        default:
            throw unexpected("a column, a value or lower()/upper()")
        }
    }
}
