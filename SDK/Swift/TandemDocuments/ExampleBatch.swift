public import TandemArrow
internal import Foundation

/// A record batch written as JSON, for examples and tests.
///
/// Values: `null`; `true`/`false` for `b`; integers for `l` and timestamps;
/// numbers for `g`; strings for `u`; base64 strings for `z`; exact decimal
/// strings for `d:P,S`; `"YYYY-MM-DD"` for `tdD`.
public struct ExampleBatch: Codable, Hashable, Sendable {
    /// Columns, with Arrow format strings.
    public var columns: [ExampleColumn]
    /// Rows, one value per column.
    public var rows: [[JSONValue]]

    /// Creates a batch.
    public init(columns: [ExampleColumn], rows: [[JSONValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Reads a Swift batch back into JSON form.
    public init(_ batch: RecordBatch) {
        columns = batch.columns.map {
            ExampleColumn(name: $0.field.name, format: $0.field.type.format, nullable: $0.field.nullable ? nil : false)
        }
        rows = (0..<batch.rowCount).map { row in batch.columns.map { ExampleBatch.json($0[row]) } }
    }

    /// The schema the columns describe.
    public func schema() throws(DocumentError) -> Schema {
        var fields: [Field] = []
        for (index, column) in columns.enumerated() {
            do {
                fields.append(Field(column.name, try ArrowType(format: column.format, field: column.name), nullable: column.nullable ?? true))
            } catch {
                throw DocumentError(document: "example", path: "columns[\(index)]", reason: error.message)
            }
        }
        return Schema(fields)
    }

    /// Builds the Swift batch. Throws naming the row and column of a value
    /// that does not fit its column.
    public func recordBatch() throws(DocumentError) -> RecordBatch {
        let schema = try schema()
        var columnValues = Array(repeating: [Value](), count: columns.count)
        for (rowIndex, row) in rows.enumerated() {
            guard row.count == columns.count else {
                throw DocumentError(
                    document: "example", path: "rows[\(rowIndex)]",
                    reason: "the row has \(row.count) values but there are \(columns.count) columns")
            }
            for (index, json) in row.enumerated() {
                let field = schema.fields[index]
                guard let value = ExampleBatch.value(json, type: field.type) else {
                    throw DocumentError(
                        document: "example", path: "rows[\(rowIndex)][\(index)]",
                        reason: "\(json) is not a value for column '\(field.name)' of type \(field.type.format)")
                }
                columnValues[index].append(value)
            }
        }
        do {
            let built = try zip(schema.fields, columnValues).map { (field, values) throws(ArrowError) in
                try Column(field, values: values)
            }
            return try RecordBatch(built, rowCount: rows.count)
        } catch {
            throw DocumentError(document: "example", reason: error.message)
        }
    }

    /// The cell value a JSON value stands for in a column of `type`.
    public static func value(_ json: JSONValue, type: ArrowType) -> Value? {
        if json == .null { return .null }
        switch (type, json) {
        case (.bool, .bool(let value)): return .bool(value)
        case (.int64, .integer(let value)): return .int64(value)
        case (.timestamp, .integer(let value)): return .timestamp(value)
        case (.float64, .integer(let value)): return .float64(Double(value))
        case (.float64, .number(let value)): return .float64(value)
        case (.utf8, .string(let value)): return .utf8(value)
        case (.binary, .string(let value)):
            return Data(base64Encoded: value).map { .binary(Array($0)) }
        case (.decimal128, .string(let value)):
            return ExactDecimal(value).map(Value.decimal)
        case (.decimal128, .integer(let value)):
            return .decimal(ExactDecimal(unscaled: Int128(value), scale: 0))
        case (.date32, .string(let value)):
            return CivilDate(value).map { .date32($0.daysSinceEpoch) }
        default:
            return nil
        }
    }

    /// The JSON form of a cell value.
    public static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int64(let value): .integer(value)
        case .timestamp(let value): .integer(value)
        case .float64(let value): .number(value)
        case .utf8(let value): .string(value)
        case .binary(let value): .string(Data(value).base64EncodedString())
        case .decimal(let value): .string(value.description)
        case .date32(let value): .string(CivilDate(daysSinceEpoch: value).description)
        }
    }
}

/// A column of an example batch.
public struct ExampleColumn: Codable, Hashable, Sendable {
    /// Column name.
    public var name: String
    /// Arrow format string.
    public var format: String
    /// False when the column may not hold nulls; absent means nullable.
    public var nullable: Bool?

    /// Creates a column.
    public init(name: String, format: String, nullable: Bool? = nil) {
        self.name = name
        self.format = format
        self.nullable = nullable
    }
}
