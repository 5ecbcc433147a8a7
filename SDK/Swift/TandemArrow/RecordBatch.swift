/// Rows in columns: what crosses the plugin boundary as an Arrow struct array.
public struct RecordBatch: Hashable, Sendable {
    /// The columns, all of the same length.
    public private(set) var columns: [Column]
    /// Number of rows (kept separately so that a batch without columns still has rows).
    public let rowCount: Int

    /// Creates a batch. Throws when the columns have different lengths.
    public init(_ columns: [Column], rowCount: Int? = nil) throws(ArrowError) {
        let count = rowCount ?? columns.first?.count ?? 0
        if let odd = columns.first(where: { $0.count != count }) {
            throw ArrowError(
                .shapeMismatch, "column '\(odd.field.name)' has \(odd.count) values but the batch has \(count) rows")
        }
        self.columns = columns
        self.rowCount = count
    }

    /// The batch's schema.
    public var schema: Schema { Schema(columns.map(\.field)) }

    /// The column named `name`, if any.
    public func column(_ name: String) -> Column? {
        columns.first { $0.field.name == name }
    }

    /// The values of one row, in column order.
    public func row(_ index: Int) -> [Value] {
        columns.map { $0[index] }
    }
}
