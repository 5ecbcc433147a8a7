import Synchronization

/// One named, typed column of values.
///
/// A column holds its values either as Swift arrays (``data``, for code that
/// builds values one by one) or as Arrow buffers (``view``, what import
/// produces). Each form is made from the other only when asked for, once:
/// an imported text column makes no `String` until someone reads ``data``
/// or a cell.
public struct Column: Hashable, Sendable {
    /// Name, type and nullability.
    public var field: Field
    private var storage: Storage

    /// The two forms of the values, and the one made later on request.
    private enum Storage: Sendable {
        case values(ColumnData)
        case buffers(ColumnView, Materialized)
    }

    /// The Swift arrays made from a buffer column the first time they are
    /// asked for, kept so that a second read of ``data`` costs nothing.
    private final class Materialized: Sendable {
        let data = Mutex<ColumnData?>(nil)
    }

    /// Creates a column. Throws when the storage does not match the field's
    /// type or a non-nullable field holds a null.
    public init(_ field: Field, _ data: ColumnData) throws(ArrowError) {
        guard data.matches(field.type) else {
            throw ArrowError(.shapeMismatch, "column '\(field.name)' is \(field.type) but its values are not")
        }
        if !field.nullable, let row = data.firstNull {
            throw ArrowError(.invalidValue, "column '\(field.name)' is not nullable but row \(row) is null")
        }
        self.field = field
        self.storage = .values(data)
    }

    /// Creates a column over Arrow buffers, without copying them. Throws
    /// when the view does not match the field's type (a decimal's precision
    /// and scale included) or a non-nullable field holds a null.
    public init(_ field: Field, view: ColumnView) throws(ArrowError) {
        guard view.matches(field.type) else {
            throw ArrowError(.shapeMismatch, "column '\(field.name)' is \(field.type) but its values are not")
        }
        if !field.nullable, view.nullCount > 0 {
            let row = view.validity.firstNull ?? 0
            throw ArrowError(.invalidValue, "column '\(field.name)' is not nullable but row \(row) is null")
        }
        self.field = field
        self.storage = .buffers(view, Materialized())
    }

    /// Creates a column from cell values.
    public init(_ field: Field, values: [Value]) throws(ArrowError) {
        try self.init(field, ColumnData(type: field.type, values: values))
    }

    /// The values as Swift arrays. For a column over Arrow buffers they are
    /// made on the first read (one `String` per text cell) and kept.
    public var data: ColumnData {
        get {
            switch storage {
            case .values(let data):
                return data
            case .buffers(let view, let cache):
                return cache.data.withLock { cached in
                    if let cached { return cached }
                    let made = view.materialized
                    cached = made
                    return made
                }
            }
        }
        set { storage = .values(newValue) }
    }

    /// The values in Arrow buffers: the column's own for an imported column,
    /// written now (one pass per buffer) for one built from Swift values.
    /// Throws, naming the column and row, when a value does not fit its
    /// field (a decimal with too many digits or places).
    public func view() throws(ArrowError) -> ColumnView {
        switch storage {
        case .values(let data): try ColumnView(data, field: field)
        case .buffers(let view, _): view
        }
    }

    /// The Arrow buffers when the column holds them already (it was
    /// imported or built from a view); nil when its values are Swift arrays.
    public var bufferView: ColumnView? {
        if case .buffers(let view, _) = storage { return view }
        return nil
    }

    /// Number of values.
    public var count: Int {
        switch storage {
        case .values(let data): data.count
        case .buffers(let view, _): view.count
        }
    }

    /// The value at `row`; a buffer column makes only this cell's value.
    public subscript(row: Int) -> Value {
        switch storage {
        case .values(let data): data[row]
        case .buffers(let view, _): view[row]
        }
    }

    /// Same field and same values, whichever form each holds them in.
    public static func == (lhs: Column, rhs: Column) -> Bool {
        lhs.field == rhs.field && lhs.data == rhs.data
    }

    /// Hashes the field and the values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(field)
        hasher.combine(data)
    }
}
