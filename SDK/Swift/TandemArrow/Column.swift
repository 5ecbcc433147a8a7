/// One named, typed column of values.
public struct Column: Hashable, Sendable {
    /// Name, type and nullability.
    public var field: Field
    /// The values.
    public var data: ColumnData

    /// Creates a column. Throws when the storage does not match the field's
    /// type or a non-nullable field holds a null.
    public init(_ field: Field, _ data: ColumnData) throws(ArrowError) {
        guard data.matches(field.type) else {
            throw ArrowError(.shapeMismatch, "column '\(field.name)' is \(field.type) but its values are not")
        }
        if !field.nullable, let row = (0..<data.count).first(where: { data[$0].isNull }) {
            throw ArrowError(.invalidValue, "column '\(field.name)' is not nullable but row \(row) is null")
        }
        self.field = field
        self.data = data
    }

    /// Creates a column from cell values.
    public init(_ field: Field, values: [Value]) throws(ArrowError) {
        try self.init(field, ColumnData(type: field.type, values: values))
    }

    /// Number of values.
    public var count: Int { data.count }

    /// The value at `row`.
    public subscript(row: Int) -> Value { data[row] }
}
