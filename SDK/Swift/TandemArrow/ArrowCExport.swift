public import CTandemPlugin

/// Moves Swift batches and schemas out through the Arrow C Data Interface.
///
/// The exported structs hold the columns' Arrow buffers (a column built from
/// Swift values has them written once, here; an imported column's are
/// handed over as they are) and free them in their `release` callbacks,
/// which follow the specification: the parent's release releases its
/// children, and every release sets `release` to NULL.
/// Whoever receives an exported struct must call its `release` exactly once.
public enum ArrowCExport {
    /// Exports `schema` as a struct schema (`+s`) into `out`, which the caller
    /// allocated. Ownership of what `out` points to moves to the caller.
    public static func exportSchema(_ schema: Schema, into out: UnsafeMutablePointer<ArrowSchema>) {
        let children = schema.fields.map { field -> UnsafeMutablePointer<ArrowSchema> in
            let child = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
            child.initialize(to: makeSchema(format: field.type.format, name: field.name, nullable: field.nullable, children: []))
            return child
        }
        out.initialize(to: makeSchema(format: "+s", name: "", nullable: false, children: children))
    }

    /// Exports `batch` as a struct array (`+s`) into `out`, which the caller
    /// allocated. Ownership moves to the caller. Throws, exporting nothing,
    /// when a value does not fit its column (a decimal with too many digits,
    /// text longer than 2 GiB).
    public static func exportBatch(_ batch: RecordBatch, into out: UnsafeMutablePointer<ArrowArray>)
        throws(ArrowError)
    {
        var children: [ExportedArray] = []
        children.reserveCapacity(batch.columns.count)
        for column in batch.columns {
            children.append(try ExportedArray(column: column))
        }
        // Only now, when nothing can fail, are the C structs built.
        let top = ExportedArray(children: children.map { $0.moveToHeap() })
        out.initialize(to: top.makeArray(length: batch.rowCount, nullCount: 0))
    }

    private static func makeSchema(
        format: String, name: String, nullable: Bool, children: [UnsafeMutablePointer<ArrowSchema>]
    ) -> ArrowSchema {
        let storage = ExportedSchema(format: format, name: name, children: children)
        let unmanaged = Unmanaged.passRetained(storage)
        return ArrowSchema(
            format: UnsafePointer(storage.format),
            name: UnsafePointer(storage.name),
            metadata: nil,
            flags: nullable ? Int64(ARROW_FLAG_NULLABLE) : 0,
            n_children: Int64(children.count),
            children: storage.childTable,
            dictionary: nil,
            release: { schema in releaseExportedSchema(schema) },
            private_data: unmanaged.toOpaque()
        )
    }
}

/// Releases a schema made by ``ArrowCExport``: children first, then the
/// strings and tables it owns; marks it released.
private func releaseExportedSchema(_ schema: UnsafeMutablePointer<ArrowSchema>?) {
    guard let schema, let context = schema.pointee.private_data else { return }
    Unmanaged<ExportedSchema>.fromOpaque(context).release()
    schema.pointee.private_data = nil
    schema.pointee.release = nil
}

/// Releases an array made by ``ArrowCExport``.
private func releaseExportedArray(_ array: UnsafeMutablePointer<ArrowArray>?) {
    guard let array, let context = array.pointee.private_data else { return }
    Unmanaged<ExportedArray>.fromOpaque(context).release()
    array.pointee.private_data = nil
    array.pointee.release = nil
}

/// The memory behind one exported schema node. Freed when its release runs.
private final class ExportedSchema {
    let format: UnsafeMutablePointer<CChar>
    let name: UnsafeMutablePointer<CChar>
    let children: [UnsafeMutablePointer<ArrowSchema>]
    let childTable: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>?

    init(format: String, name: String, children: [UnsafeMutablePointer<ArrowSchema>]) {
        self.format = duplicateCString(format)
        self.name = duplicateCString(name)
        self.children = children
        childTable = makeTable(children.map { Optional($0) })
    }

    deinit {
        for child in children {
            // A consumer may have moved a child out; then its release is NULL.
            child.pointee.release?(child)
            child.deallocate()
        }
        childTable?.deallocate()
        format.deallocate()
        name.deallocate()
    }
}

/// The memory behind one exported array node: the column's Arrow buffers
/// (retained, not copied), its buffer table and its children. Freed when
/// its release runs (or, if export failed halfway, when the last Swift
/// reference goes).
private final class ExportedArray {
    /// Keeps the buffers the table points into alive until release.
    private let buffers: [ArrowBuffer?]
    private let bufferTable: UnsafeMutablePointer<UnsafeRawPointer?>?
    private let children: [UnsafeMutablePointer<ArrowArray>]
    private let childTable: UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>?
    private let length: Int
    private let nullCount: Int

    /// The struct node: one absent validity buffer and the columns.
    init(children: [UnsafeMutablePointer<ArrowArray>]) {
        self.buffers = [nil]
        self.children = children
        bufferTable = makeTable([UnsafeRawPointer?.none])
        childTable = makeTable(children.map { Optional($0) })
        length = 0
        nullCount = 0
    }

    /// One column's node over its Arrow buffers: those of an imported
    /// column as they are, those of a Swift-built one written now.
    init(column: Column) throws(ArrowError) {
        let view = try column.view()
        buffers = view.arrowBuffers
        bufferTable = makeTable(buffers.map { $0?.bytes })
        children = []
        childTable = nil
        length = view.count
        nullCount = view.nullCount
    }

    deinit {
        for child in children {
            child.pointee.release?(child)
            child.deallocate()
        }
        bufferTable?.deallocate()
        childTable?.deallocate()
    }

    /// Builds the C struct that owns this node from now on.
    func makeArray(length: Int, nullCount: Int) -> ArrowArray {
        ArrowArray(
            length: Int64(length),
            null_count: Int64(nullCount),
            offset: 0,
            n_buffers: Int64(buffers.count),
            n_children: Int64(children.count),
            buffers: bufferTable,
            children: childTable,
            dictionary: nil,
            release: { array in releaseExportedArray(array) },
            private_data: Unmanaged.passRetained(self).toOpaque()
        )
    }

    /// Puts this column node into a heap-allocated ArrowArray, as a child.
    func moveToHeap() -> UnsafeMutablePointer<ArrowArray> {
        let pointer = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        pointer.initialize(to: makeArray(length: length, nullCount: nullCount))
        return pointer
    }
}

/// A C array holding `items`, freed with `deallocate()`; NULL when empty, as
/// the C Data Interface allows for zero buffers or children.
private func makeTable<Element>(_ items: [Element]) -> UnsafeMutablePointer<Element>? {
    guard !items.isEmpty else { return nil }
    let table = UnsafeMutablePointer<Element>.allocate(capacity: items.count)
    table.initialize(from: items, count: items.count)
    return table
}

/// A NUL-terminated copy of `string`, freed with `deallocate()`.
private func duplicateCString(_ string: String) -> UnsafeMutablePointer<CChar> {
    let bytes = string.utf8CString
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    bytes.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: bytes.count) }
    return copy
}
