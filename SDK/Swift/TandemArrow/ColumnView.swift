/// A column's values in Arrow buffers, by type: what import produces and
/// export sends, without a Swift value per cell.
///
/// A Swift transform reads cells through these views (a load per cell, a
/// `String` only when it asks for one) and may build its output with them.
public enum ColumnView: Sendable {
    /// A column of nulls only.
    case null(count: Int)
    /// Booleans.
    case bool(BooleanColumn)
    /// 64-bit integers.
    case int64(FixedWidthColumn<Int64>)
    /// Binary floating point numbers.
    case float64(FixedWidthColumn<Double>)
    /// Text, checked to be UTF-8.
    case utf8(VariableWidthColumn)
    /// Bytes.
    case binary(VariableWidthColumn)
    /// Exact decimals, checked against their precision.
    case decimal128(Decimal128Column)
    /// Days since 1970-01-01.
    case date32(FixedWidthColumn<Int32>)
    /// Time since the epoch in the field's unit.
    case timestamp(FixedWidthColumn<Int64>)

    /// Writes `data` into Arrow buffers for a column of `field`'s type: one
    /// pass per buffer, no value per cell in between. Throws, naming the
    /// column and row, when a value does not fit (a decimal with too many
    /// digits or places, more text than 32-bit offsets allow) or the data is
    /// not of the field's type.
    public init(_ data: ColumnData, field: Field) throws(ArrowError) {
        let name = field.name
        switch (data, field.type) {
        case (.null(let count), .null): self = .null(count: count)
        case (.bool(let values), .bool): self = .bool(BooleanColumn(values))
        case (.int64(let values), .int64): self = .int64(FixedWidthColumn(values))
        case (.float64(let values), .float64): self = .float64(FixedWidthColumn(values))
        case (.utf8(let values), .utf8): self = .utf8(try VariableWidthColumn(values, name: name))
        case (.binary(let values), .binary): self = .binary(try VariableWidthColumn(values, name: name))
        case (.decimal128(let values), .decimal128(let precision, let scale)):
            self = .decimal128(try Decimal128Column(values, precision: precision, scale: scale, name: name))
        case (.date32(let values), .date32): self = .date32(FixedWidthColumn(values))
        case (.timestamp(let values), .timestamp): self = .timestamp(FixedWidthColumn(values))
        default:
            throw ArrowError(.shapeMismatch, "column '\(name)' is \(field.type) but its values are not")
        }
    }

    /// Number of rows.
    public var count: Int {
        switch self {
        case .null(let count): count
        case .bool(let column): column.count
        case .int64(let column), .timestamp(let column): column.count
        case .float64(let column): column.count
        case .utf8(let column), .binary(let column): column.count
        case .decimal128(let column): column.count
        case .date32(let column): column.count
        }
    }

    /// Which rows hold a value (all null for a null column).
    public var validity: ValidityBitmap {
        switch self {
        case .null(let count): ValidityBitmap(unchecked: nil, count: count, nullCount: count)
        case .bool(let column): column.validity
        case .int64(let column), .timestamp(let column): column.validity
        case .float64(let column): column.validity
        case .utf8(let column), .binary(let column): column.validity
        case .decimal128(let column): column.unscaled.validity
        case .date32(let column): column.validity
        }
    }

    /// Number of null rows.
    public var nullCount: Int {
        if case .null(let count) = self { return count }
        return validity.nullCount
    }

    /// The value at `row`, made on request (text becomes a `String` here).
    public subscript(row: Int) -> Value {
        switch self {
        case .null: .null
        case .bool(let column): column[row].map(Value.bool) ?? .null
        case .int64(let column): column[row].map(Value.int64) ?? .null
        case .float64(let column): column[row].map(Value.float64) ?? .null
        case .utf8(let column): column.string(at: row).map(Value.utf8) ?? .null
        case .binary(let column): column.bytes(at: row).map(Value.binary) ?? .null
        case .decimal128(let column): column.decimal(at: row).map(Value.decimal) ?? .null
        case .date32(let column): column[row].map(Value.date32) ?? .null
        case .timestamp(let column): column[row].map(Value.timestamp) ?? .null
        }
    }

    /// The values as Swift arrays: one `String` per text cell, made here.
    public var materialized: ColumnData {
        switch self {
        case .null(let count): .null(count: count)
        case .bool(let column): .bool(Array(column))
        case .int64(let column): .int64(Array(column))
        case .float64(let column): .float64(Array(column))
        case .utf8(let column): .utf8((0..<column.count).map { column.string(at: $0) })
        case .binary(let column): .binary((0..<column.count).map { column.bytes(at: $0) })
        case .decimal128(let column): .decimal128((0..<column.count).map { column.decimal(at: $0) })
        case .date32(let column): .date32(Array(column))
        case .timestamp(let column): .timestamp(Array(column))
        }
    }

    /// Whether this view can hold values of `type`.
    public func matches(_ type: ArrowType) -> Bool {
        switch (self, type) {
        case (.null, .null), (.bool, .bool), (.int64, .int64), (.float64, .float64), (.utf8, .utf8),
            (.binary, .binary), (.date32, .date32), (.timestamp, .timestamp):
            true
        case (.decimal128(let column), .decimal128(let precision, let scale)):
            column.precision == precision && column.scale == scale
        default:
            false
        }
    }

    /// The C Data Interface buffers, in order (validity first; NULL for a
    /// bitmap without nulls).
    var arrowBuffers: [ArrowBuffer?] {
        switch self {
        case .null: []
        case .bool(let column): [column.validity.buffer, column.bits]
        case .int64(let column), .timestamp(let column): [column.validity.buffer, column.values]
        case .float64(let column): [column.validity.buffer, column.values]
        case .utf8(let column), .binary(let column): [column.validity.buffer, column.offsets, column.data]
        case .decimal128(let column): [column.unscaled.validity.buffer, column.unscaled.values]
        case .date32(let column): [column.validity.buffer, column.values]
        }
    }
}
