/// The values of one column, stored by type; `nil` is a null.
public enum ColumnData: Hashable, Sendable {
    /// A column of nulls only.
    case null(count: Int)
    /// Booleans.
    case bool([Bool?])
    /// 64-bit integers.
    case int64([Int64?])
    /// Binary floating point numbers.
    case float64([Double?])
    /// Text.
    case utf8([String?])
    /// Bytes.
    case binary([[UInt8]?])
    /// Exact decimals; each is rescaled to the field's scale on export.
    case decimal128([ExactDecimal?])
    /// Days since 1970-01-01.
    case date32([Int32?])
    /// Time since the epoch in the field's unit.
    case timestamp([Int64?])

    /// Number of values.
    public var count: Int {
        switch self {
        case .null(let count): count
        case .bool(let values): values.count
        case .int64(let values): values.count
        case .float64(let values): values.count
        case .utf8(let values): values.count
        case .binary(let values): values.count
        case .decimal128(let values): values.count
        case .date32(let values): values.count
        case .timestamp(let values): values.count
        }
    }

    /// The value at `row`.
    public subscript(row: Int) -> Value {
        switch self {
        case .null: .null
        case .bool(let values): values[row].map(Value.bool) ?? .null
        case .int64(let values): values[row].map(Value.int64) ?? .null
        case .float64(let values): values[row].map(Value.float64) ?? .null
        case .utf8(let values): values[row].map(Value.utf8) ?? .null
        case .binary(let values): values[row].map(Value.binary) ?? .null
        case .decimal128(let values): values[row].map(Value.decimal) ?? .null
        case .date32(let values): values[row].map(Value.date32) ?? .null
        case .timestamp(let values): values[row].map(Value.timestamp) ?? .null
        }
    }

    /// The first null row, if any, found without making a ``Value`` per row.
    public var firstNull: Int? {
        switch self {
        case .null(let count): count > 0 ? 0 : nil
        case .bool(let values): values.firstIndex(of: nil)
        case .int64(let values): values.firstIndex(of: nil)
        case .float64(let values): values.firstIndex(of: nil)
        case .utf8(let values): values.firstIndex(of: nil)
        case .binary(let values): values.firstIndex(where: { $0 == nil })
        case .decimal128(let values): values.firstIndex(of: nil)
        case .date32(let values): values.firstIndex(of: nil)
        case .timestamp(let values): values.firstIndex(of: nil)
        }
    }

    /// Whether this storage can hold values of `type`.
    public func matches(_ type: ArrowType) -> Bool {
        switch (self, type) {
        case (.null, .null), (.bool, .bool), (.int64, .int64), (.float64, .float64), (.utf8, .utf8),
            (.binary, .binary), (.decimal128, .decimal128), (.date32, .date32), (.timestamp, .timestamp):
            true
        default:
            false
        }
    }

    /// Builds typed storage for `type` from cell values. Throws, naming the
    /// row, when a value does not belong in such a column.
    public init(type: ArrowType, values: [Value]) throws(ArrowError) {
        func typed<T>(_ extract: (Value) -> T?) throws(ArrowError) -> [T?] {
            var result: [T?] = []
            result.reserveCapacity(values.count)
            for (row, value) in values.enumerated() {
                if value == .null {
                    result.append(nil)
                } else if let typed = extract(value) {
                    result.append(typed)
                } else {
                    throw ArrowError(.shapeMismatch, "row \(row): \(value) is not a \(type) value")
                }
            }
            return result
        }
        switch type {
        case .null:
            if let row = values.firstIndex(where: { !$0.isNull }) {
                throw ArrowError(.shapeMismatch, "row \(row): \(values[row]) in a null-typed column")
            }
            self = .null(count: values.count)
        case .bool: self = .bool(try typed { if case .bool(let v) = $0 { v } else { nil } })
        case .int64: self = .int64(try typed { if case .int64(let v) = $0 { v } else { nil } })
        case .float64: self = .float64(try typed { if case .float64(let v) = $0 { v } else { nil } })
        case .utf8: self = .utf8(try typed { if case .utf8(let v) = $0 { v } else { nil } })
        case .binary: self = .binary(try typed { if case .binary(let v) = $0 { v } else { nil } })
        case .decimal128: self = .decimal128(try typed { if case .decimal(let v) = $0 { v } else { nil } })
        case .date32: self = .date32(try typed { if case .date32(let v) = $0 { v } else { nil } })
        case .timestamp: self = .timestamp(try typed { if case .timestamp(let v) = $0 { v } else { nil } })
        }
    }
}
