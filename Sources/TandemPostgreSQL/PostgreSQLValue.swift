/// One column value as the endpoint hands it to the engine and takes it back:
/// a neutral value with no driver type in it.
///
/// Numbers and times are kept as PostgreSQL's own exact text, never through
/// `Double`: a `numeric(32,10)` of `12345678901234567890.1234567890` comes out
/// with all of its digits, and so does a 12-decimal exchange rate. The text
/// forms are the ones ``PostgreSQLEndpoint`` reads and the capture triggers
/// record, so a value read from the change log equals the value read from the
/// table (SDK/docs/postgresql-types.md has the table).
public enum PostgreSQLValue: Sendable, Hashable, CustomStringConvertible {
    /// SQL NULL.
    case null
    /// `smallint`, `integer`, `bigint`.
    case integer(Int64)
    /// `numeric` (and `real`, `double precision` in their shortest exact text): `-123.4500`, scale kept.
    case decimal(String)
    /// `text`, `varchar`, `char` and any type without a case of its own, in its text form.
    case text(String)
    /// `bytea`: every byte value.
    case bytes([UInt8])
    /// `boolean`.
    case boolean(Bool)
    /// `date`: `YYYY-MM-DD`.
    case date(String)
    /// `timestamp` (without time zone): `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
    case timestamp(String)
    /// `timestamptz`, as the instant in UTC: `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
    case timestamptz(String)
    /// `uuid`, lower case with hyphens.
    case uuid(String)

    /// A short form for messages and test failures.
    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .decimal(let text), .date(let text), .timestamp(let text), .timestamptz(let text), .uuid(let text): text
        case .text(let text): "'\(text)'"
        case .boolean(let value): value ? "true" : "false"
        case .bytes(let bytes): "\\x" + Self.hex(bytes)
        }
    }

    /// The text PostgreSQL parses back into the same value (a bind parameter of unspecified type,
    /// or a COPY field before escaping); nil for NULL.
    ///
    /// Text with a NUL byte is refused: PostgreSQL's `text` cannot hold one, and
    /// dropping or replacing it would store a different value than the one sent.
    func parameterText(column: String, table: String) throws(PostgreSQLError) -> String? {
        switch self {
        case .null: return nil
        case .integer(let value): return String(value)
        case .decimal(let text):
            guard Self.isDecimal(text) else {
                throw PostgreSQLError(
                    .badValue, "\(table).\(column): '\(text)' is not a decimal number (digits, one optional point)")
            }
            return text
        case .text(let text):
            if text.utf8.contains(0) {
                throw PostgreSQLError(
                    .badValue,
                    "\(table).\(column): the text holds a NUL byte, which a PostgreSQL text column cannot "
                        + "store; the row is refused rather than stored without it (use a bytea column for binary data)"
                )
            }
            return text
        case .bytes(let bytes): return "\\x" + Self.hex(bytes)
        case .boolean(let value): return value ? "true" : "false"
        case .date(let text), .timestamp(let text), .timestamptz(let text), .uuid(let text): return text
        }
    }

    /// The value of a column of type `kind` from the text the endpoint reads (see
    /// ``PostgreSQLColumn/Kind/readExpression(_:)``); nil text is NULL.
    static func fromText(_ text: String?, kind: PostgreSQLColumn.Kind) -> PostgreSQLValue {
        guard let text else { return .null }
        switch kind {
        case .integer:
            if let value = Int64(text) { return .integer(value) }
            return .decimal(text)
        case .decimal: return .decimal(text)
        case .boolean: return .boolean(text == "true" || text == "t")
        case .date: return .date(text)
        case .timestamp: return .timestamp(text)
        case .timestamptz: return .timestamptz(text.hasSuffix("Z") ? text : text + "Z")
        case .uuid: return .uuid(text)
        case .bytes: return .bytes(unhex(text))
        case .text: return .text(text)
        }
    }

    /// Whether `text` is `-?digits(.digits)?`: what PostgreSQL's numeric output looks like.
    static func isDecimal(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8[...]
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        let parts = utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
    }

    /// The number of digits after the point that matter (trailing zeros do not): what a column's scale must hold.
    static func significantScale(_ text: String) -> Int {
        guard let point = text.firstIndex(of: ".") else { return 0 }
        let fraction = text[text.index(after: point)...]
        return fraction.count - fraction.reversed().prefix(while: { $0 == "0" }).count
    }

    /// Lower-case hex digits of `bytes` (bytea's text form without `\x`).
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hex digits, with or without PostgreSQL's `\x` prefix.
    public static func unhex(_ text: String) -> [UInt8] {
        var utf8 = Array(text.utf8)
        if utf8.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) { utf8.removeFirst(2) }
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: 0
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index + 1 < utf8.count {
            bytes.append(nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        return bytes
    }
}
