/// One cell of a record batch, for code that handles values one at a time.
///
/// Bulk code works on ``ColumnData`` directly; `Value` is for configuration,
/// examples, tests and per-row plugin logic.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    /// No value.
    case null
    /// A boolean.
    case bool(Bool)
    /// A 64-bit integer.
    case int64(Int64)
    /// A binary floating point number.
    case float64(Double)
    /// Text.
    case utf8(String)
    /// Bytes.
    case binary([UInt8])
    /// An exact decimal.
    case decimal(ExactDecimal)
    /// Days since 1970-01-01.
    case date32(Int32)
    /// Time since the epoch, in the column's unit.
    case timestamp(Int64)

    /// Whether this is ``null``.
    public var isNull: Bool { self == .null }

    /// A readable rendering: text is quoted, null is `null`.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int64(let value): String(value)
        case .float64(let value): String(value)
        case .utf8(let value): "'\(value)'"
        case .binary(let value): "<\(value.count) bytes>"
        case .decimal(let value): value.description
        case .date32(let value): "date32(\(value))"
        case .timestamp(let value): "timestamp(\(value))"
        }
    }
}
