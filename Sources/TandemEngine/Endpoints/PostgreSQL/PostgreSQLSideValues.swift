import Foundation
import TandemPostgreSQL

/// How the PostgreSQL side turns its column values into the engine's
/// ``SideValue`` and back, by the column's type (SDK/docs/postgresql-types.md).
///
/// Exact both ways where the engine has a case for the type: integers as
/// `.integer`, `real` and `double precision` as `.real` (PostgreSQL prints
/// the shortest text that reads back the same double), `bytea` as `.blob`,
/// text as `.text`. Types the engine has no case for arrive in the form the
/// maps already expect of a SQLite side: `numeric` as its exact decimal text
/// (never through a float), dates and times as ISO 8601 text (a `timestamptz`
/// as its UTC time with `Z`), `uuid` as text, `boolean` as the integer 1 or 0.
///
/// Writing, a value the column cannot hold exactly is refused as
/// ``RowRefused`` (the row is parked, the batch goes on), never stored
/// changed: a text with a NUL byte (PostgreSQL's text cannot hold one; a
/// SQLite side keeps it), a blob for a column that is not `bytea`.
enum PostgreSQLSideValues {
    /// Whether the column holds IEEE doubles (the endpoint's `.decimal` kind covers `numeric` too).
    static func isFloat(_ column: PostgreSQLColumn) -> Bool {
        column.typeName == "double precision" || column.typeName == "real"
    }

    /// The engine's value of a value the endpoint read (a change's key or row).
    static func sideValue(_ value: PostgreSQLValue, column: PostgreSQLColumn?) -> SideValue {
        switch value {
        case .null: return .null
        case .integer(let integer): return .integer(integer)
        case .decimal(let text):
            if let column, isFloat(column), let real = Double(text) { return .real(real) }
            return .text(text)
        case .text(let text), .date(let text), .timestamp(let text), .timestamptz(let text), .uuid(let text):
            return .text(text)
        case .bytes(let bytes): return .blob(Data(bytes))
        case .boolean(let flag): return .integer(flag ? 1 : 0)
        }
    }

    /// The engine's value of the text a column's read expression gave
    /// (``PostgreSQLColumn/Kind/readExpression(_:)``, or `jsonb_each_text` of a change image).
    static func sideValue(text: String?, column: PostgreSQLColumn) -> SideValue {
        guard let text else { return .null }
        switch column.kind {
        case .integer: return Int64(text).map(SideValue.integer) ?? .text(text)
        case .decimal:
            if isFloat(column), let real = Double(text) { return .real(real) }
            return .text(text)
        case .boolean: return .integer(text == "true" || text == "t" ? 1 : 0)
        case .timestamptz: return .text(text.hasSuffix("Z") ? text : text + "Z")
        case .bytes: return .blob(Data(PostgreSQLValue.unhex(text)))
        case .date, .timestamp, .uuid, .text: return .text(text)
        }
    }

    /// The parameter text PostgreSQL parses into `value` for `column` of
    /// `table` (nil for NULL); throws ``RowRefused`` for a value the column
    /// cannot hold as it is.
    static func parameter(_ value: SideValue, column: PostgreSQLColumn, table: String) throws(RowRefused) -> String? {
        let text = try unchecked(value, column: column, table: table)
        if let text, column.kind == .decimal, !isFloat(column), let scale = column.numericScale,
            significantScale(text) > scale
        {
            // The server would round it without a word, on every path (live, initial sync, COPY).
            throw RowRefused(
                message: "\(table).\(column.name) (\(column.typeName)): \(text) has more decimals than the column "
                    + "keeps (\(scale)); it would be rounded. Widen the column, or round in the map")
        }
        return text
    }

    /// Digits after the point that matter (trailing zeros do not); 0 for a text that is not a
    /// plain decimal (an exponent form, NaN), which the server reads as it is.
    static func significantScale(_ text: String) -> Int {
        let utf8 = text.utf8
        guard let point = utf8.firstIndex(of: UInt8(ascii: ".")) else { return 0 }
        var count = 0
        var last = 0
        for byte in utf8[utf8.index(after: point)...] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return 0 }
            count += 1
            if byte != UInt8(ascii: "0") { last = count }
        }
        return last
    }

    /// ``parameter(_:column:table:)`` before the scale check.
    private static func unchecked(_ value: SideValue, column: PostgreSQLColumn, table: String) throws(RowRefused) -> String? {
        // Only an error names the place: built on every value, it cost a formatted string per cell.
        var place: String { "\(table).\(column.name) (\(column.typeName))" }
        switch value {
        case .null:
            return nil
        case .integer(let integer):
            if column.kind == .boolean { return integer != 0 ? "true" : "false" }
            if column.kind == .bytes {
                throw RowRefused(message: "\(place): the integer \(integer) is not bytes; map a blob to a bytea column")
            }
            return String(integer)
        case .real(let real):
            switch column.kind {
            case .boolean: return real != 0 ? "true" : "false"
            case .integer:
                guard let integer = Int64(exactly: real) else {
                    throw RowRefused(message: "\(place): \(real) is not a whole number; the column would round it")
                }
                return String(integer)
            case .bytes:
                throw RowRefused(message: "\(place): the real \(real) is not bytes; map a blob to a bytea column")
            default:
                if real.isNaN { return "NaN" }
                if real.isInfinite { return real < 0 ? "-Infinity" : "Infinity" }
                // Swift prints the shortest text that reads back the same double; numeric and
                // float8 both parse its exponent form.
                return "\(real)"
            }
        case .text(let text):
            if text.utf8.contains(0) {
                throw RowRefused(
                    message: "\(place): the text holds a NUL byte, which PostgreSQL cannot store in text; "
                        + "the row is refused rather than stored without it (use a bytea column for binary data)")
            }
            // A text for a bytea column is its UTF-8 bytes, as a SQLite side would keep them.
            if column.kind == .bytes { return "\\x" + PostgreSQLValue.hex(Array(text.utf8)) }
            return text
        case .blob(let data):
            guard column.kind == .bytes else {
                throw RowRefused(
                    message: "\(place): a blob of \(data.count) bytes cannot be stored as it is in a column that is "
                        + "not bytea; change the column to bytea or map the value to text")
            }
            return "\\x" + PostgreSQLValue.hex(Array(data))
        }
    }
}
