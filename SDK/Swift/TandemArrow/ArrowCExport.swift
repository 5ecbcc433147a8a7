public import CTandemPlugin

/// Moves Swift batches and schemas out through the Arrow C Data Interface.
///
/// The exported structs own copies of the data, allocated here and freed by
/// their `release` callbacks, which follow the specification: the parent's
/// release releases its children, and every release sets `release` to NULL.
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
        let top = ExportedArray(buffers: [nil], children: children.map { $0.moveToHeap() })
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

/// The memory behind one exported array node: its buffers, its buffer table
/// and its children. Freed when its release runs (or, if export failed
/// halfway, when the last Swift reference goes).
private final class ExportedArray {
    private let buffers: [UnsafeMutableRawPointer?]
    private let bufferTable: UnsafeMutablePointer<UnsafeRawPointer?>?
    private let children: [UnsafeMutablePointer<ArrowArray>]
    private let childTable: UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>?
    private var length = 0
    private var nullCount = 0

    init(buffers: [UnsafeMutableRawPointer?], children: [UnsafeMutablePointer<ArrowArray>]) {
        self.buffers = buffers
        self.children = children
        bufferTable = makeTable(buffers.map { $0.map(UnsafeRawPointer.init) })
        childTable = makeTable(children.map { Optional($0) })
    }

    /// Copies one column into freshly allocated Arrow buffers.
    convenience init(column: Column) throws(ArrowError) {
        let count = column.count
        var buffers: [UnsafeMutableRawPointer?] = []
        var nullCount = 0
        func validity<T>(_ values: [T?]) -> UnsafeMutableRawPointer? {
            let nulls = values.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
            nullCount = nulls
            guard nulls > 0 else { return nil }
            let bitmap = allocateBuffer(bytes: (count + 7) / 8)
            for (row, value) in values.enumerated() where value != nil {
                bitmap.storeBytes(
                    of: bitmap.load(fromByteOffset: row / 8, as: UInt8.self) | UInt8(1 << (row % 8)),
                    toByteOffset: row / 8, as: UInt8.self)
            }
            return bitmap
        }
        func fixedWidth<T, S>(_ values: [T?], as type: S.Type, zero: S, _ convert: (T) throws(ArrowError) -> S)
            throws(ArrowError) -> [UnsafeMutableRawPointer?]
        {
            let bitmap = validity(values)
            let data = allocateBuffer(bytes: count * MemoryLayout<S>.stride)
            for (row, value) in values.enumerated() {
                let stored: S
                if let value {
                    do { stored = try convert(value) } catch {
                        bitmap?.deallocate()
                        data.deallocate()
                        throw ArrowError(error.code, "column '\(column.field.name)', row \(row): \(error.message)")
                    }
                } else {
                    stored = zero
                }
                data.storeBytes(of: stored, toByteOffset: row * MemoryLayout<S>.stride, as: S.self)
            }
            return [bitmap, data]
        }
        func variableWidth(_ values: [[UInt8]?]) throws(ArrowError) -> [UnsafeMutableRawPointer?] {
            let total = values.reduce(0) { $0 + ($1?.count ?? 0) }
            guard total <= Int(Int32.max) else {
                throw ArrowError(
                    .invalidValue, "column '\(column.field.name)' holds \(total) bytes, more than 32-bit offsets allow")
            }
            let bitmap = validity(values)
            let offsets = allocateBuffer(bytes: (count + 1) * 4)
            let data = allocateBuffer(bytes: max(total, 1))
            var position = 0
            offsets.storeBytes(of: Int32(0), as: Int32.self)
            for (row, value) in values.enumerated() {
                if let value, !value.isEmpty {
                    value.withUnsafeBytes { (data + position).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                    position += value.count
                }
                offsets.storeBytes(of: Int32(position), toByteOffset: (row + 1) * 4, as: Int32.self)
            }
            return [bitmap, offsets, data]
        }

        switch (column.data, column.field.type) {
        case (.null(let n), _):
            nullCount = n
        case (.bool(let values), _):
            let bitmap = validity(values)
            let bits = allocateBuffer(bytes: (count + 7) / 8)
            for (row, value) in values.enumerated() where value == true {
                bits.storeBytes(
                    of: bits.load(fromByteOffset: row / 8, as: UInt8.self) | UInt8(1 << (row % 8)),
                    toByteOffset: row / 8, as: UInt8.self)
            }
            buffers = [bitmap, bits]
        case (.int64(let values), _):
            buffers = try fixedWidth(values, as: Int64.self, zero: 0) { $0 }
        case (.float64(let values), _):
            buffers = try fixedWidth(values, as: Double.self, zero: 0) { $0 }
        case (.date32(let values), _):
            buffers = try fixedWidth(values, as: Int32.self, zero: 0) { $0 }
        case (.timestamp(let values), _):
            buffers = try fixedWidth(values, as: Int64.self, zero: 0) { $0 }
        case (.decimal128(let values), .decimal128(let precision, let scale)):
            buffers = try fixedWidth(values, as: Int128.self, zero: 0) { (value) throws(ArrowError) in
                try value.rescaled(to: scale, precision: precision).unscaled.littleEndian
            }
        case (.utf8(let values), _):
            buffers = try variableWidth(values.map { $0.map { Array($0.utf8) } })
        case (.binary(let values), _):
            buffers = try variableWidth(values)
        default:
            throw ArrowError(.shapeMismatch, "column '\(column.field.name)' is \(column.field.type) but its values are not")
        }
        self.init(buffers: buffers, children: [])
        self.length = count
        self.nullCount = nullCount
    }

    deinit {
        for child in children {
            child.pointee.release?(child)
            child.deallocate()
        }
        for buffer in buffers { buffer?.deallocate() }
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

/// Zeroed memory aligned to 64 bytes, as Arrow recommends.
private func allocateBuffer(bytes: Int) -> UnsafeMutableRawPointer {
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
    buffer.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
    return buffer
}

/// A NUL-terminated copy of `string`, freed with `deallocate()`.
private func duplicateCString(_ string: String) -> UnsafeMutablePointer<CChar> {
    let bytes = string.utf8CString
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    bytes.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: bytes.count) }
    return copy
}
