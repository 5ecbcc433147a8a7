public import CTandemPlugin

/// Reads Arrow C Data Interface structs made by someone else into columns
/// over Arrow buffers, checking each buffer once.
///
/// Import copies each buffer once (no Swift value per cell; a `String` is
/// made only when code asks a column for one) and never releases: the caller
/// still owns the structs and releases them as the C Data Interface says. Every check that
/// fails names the column and what is wrong, because the producer is often a
/// third-party plugin whose author needs to know what to fix.
public enum ArrowCImport {
    /// Reads a struct schema (`+s`) whose children are the columns.
    public static func schema(_ pointer: UnsafePointer<ArrowSchema>) throws(ArrowError) -> Schema {
        let top = pointer.pointee
        guard top.release != nil else {
            throw ArrowError(.malformedArray, "the schema has no release callback: it was released or never set up")
        }
        guard let format = top.format.map({ String(cString: $0) }) else {
            throw ArrowError(.malformedArray, "the schema has a NULL format string")
        }
        guard format == "+s" else {
            throw ArrowError(.unsupportedFormat, "a record batch schema must be a struct ('+s'), not '\(format)'")
        }
        guard top.dictionary == nil else {
            throw ArrowError(.unsupportedFormat, "a record batch schema may not be dictionary-encoded")
        }
        guard (0...Int64(maxColumns)).contains(top.n_children) else {
            throw ArrowError(
                .malformedArray, "the schema says it has \(top.n_children) columns; expected 0...\(maxColumns)")
        }
        let count = Int(top.n_children)
        guard count == 0 || top.children != nil else {
            throw ArrowError(.malformedArray, "the schema says \(top.n_children) columns but has no children")
        }
        var names: Set<String> = []
        var fields: [Field] = []
        fields.reserveCapacity(count)
        for index in 0..<count {
            guard let child = top.children[index] else {
                throw ArrowError(.malformedArray, "column \(index) of the schema is NULL")
            }
            let name = child.pointee.name.map { String(cString: $0) } ?? ""
            let label = name.isEmpty ? "#\(index)" : name
            guard let childFormat = child.pointee.format.map({ String(cString: $0) }) else {
                throw ArrowError(.malformedArray, "column '\(label)' has a NULL format string")
            }
            guard child.pointee.n_children == 0, child.pointee.dictionary == nil else {
                throw ArrowError(
                    .unsupportedFormat, "column '\(label)' is nested or dictionary-encoded; Tandem carries flat columns"
                )
            }
            guard !name.isEmpty, names.insert(name).inserted else {
                throw ArrowError(.malformedArray, "column \(label) of the schema has an empty or repeated name")
            }
            let type = try ArrowType(format: childFormat, field: label)
            fields.append(Field(name, type, nullable: child.pointee.flags & Int64(ARROW_FLAG_NULLABLE) != 0))
        }
        return Schema(fields)
    }

    /// Reads a struct array (`+s`) described by `schema` into a batch.
    public static func batch(_ pointer: UnsafePointer<ArrowArray>, schema: Schema) throws(ArrowError) -> RecordBatch {
        let top = pointer.pointee
        guard top.release != nil else {
            throw ArrowError(
                .malformedArray, "the array has no release callback: it was already released or never set up")
        }
        // Bounded before any arithmetic, so that lying lengths give an error, not an overflow trap.
        guard (0...maxRows).contains(top.length), (0...maxRows).contains(top.offset) else {
            throw ArrowError(
                .malformedArray,
                "the array has length \(top.length) and offset \(top.offset); each must be within 0...\(maxRows)")
        }
        guard top.n_children == schema.fields.count else {
            throw ArrowError(
                .malformedArray, "the array has \(top.n_children) columns but its schema has \(schema.fields.count)")
        }
        guard top.n_buffers == 1 else {
            throw ArrowError(.malformedArray, "a struct array has 1 buffer (validity), not \(top.n_buffers)")
        }
        if top.null_count != 0, top.buffers?[0] != nil {
            throw ArrowError(.malformedArray, "rows of a record batch may not be null")
        }
        guard schema.fields.isEmpty || top.children != nil else {
            throw ArrowError(.malformedArray, "the array has no children table")
        }
        let rows = Int(top.length)
        let start = Int(top.offset)
        var columns: [Column] = []
        columns.reserveCapacity(schema.fields.count)
        for (index, field) in schema.fields.enumerated() {
            guard let child = top.children[index] else {
                throw ArrowError(.malformedArray, "column '\(field.name)' is NULL")
            }
            let view = try readColumn(child.pointee, field: field, start: start, rows: rows)
            columns.append(try Column(field, view: view))
        }
        return try RecordBatch(columns, rowCount: rows)
    }

    /// Largest length or offset accepted: 32-bit offsets cap Arrow's utf8 anyway.
    private static let maxRows = Int64(Int32.max)
    /// Largest number of columns accepted.
    private static let maxColumns = 65_536

    private static func readColumn(
        _ array: ArrowArray, field: Field, start: Int, rows: Int
    ) throws(ArrowError)
        -> ColumnView
    {
        let name = field.name
        guard array.release != nil else {
            throw ArrowError(.malformedArray, "column '\(name)' has no release callback")
        }
        guard array.n_buffers == field.type.bufferCount else {
            throw ArrowError(
                .malformedArray,
                "column '\(name)' has \(array.n_buffers) buffers but format '\(field.type.format)' needs \(field.type.bufferCount)"
            )
        }
        guard array.n_children == 0 else {
            throw ArrowError(.malformedArray, "column '\(name)' has \(array.n_children) children; it should have none")
        }
        guard (0...maxRows).contains(array.length), (0...maxRows).contains(array.offset),
            array.length >= Int64(start + rows)
        else {
            throw ArrowError(
                .malformedArray,
                "column '\(name)' has \(array.length) values but the batch needs \(start + rows) (\(rows) rows at offset \(start))"
            )
        }
        if case .null = field.type { return .null(count: rows) }
        guard let buffers = array.buffers else {
            throw ArrowError(.malformedArray, "column '\(name)' has no buffer table")
        }
        let base = Int(array.offset) + start
        let validity = buffers[0]
        if validity == nil, array.null_count != 0, array.null_count != -1 || rows > 0 && array.null_count > 0 {
            throw ArrowError(
                .malformedArray, "column '\(name)' says \(array.null_count) nulls but has no validity bitmap")
        }
        guard rows == 0 || buffers[1] != nil else {
            throw ArrowError(.malformedArray, "column '\(name)' has a NULL data buffer")
        }
        guard rows > 0, let values = buffers[1] else {
            return try ColumnView(ColumnData(type: field.type, values: []), field: field)
        }
        // Each buffer is copied once, with memcpy where the bits line up, and
        // checked once; after this nothing reads the producer's memory.
        let bitmap = try ValidityBitmap(validity.map { copyBits($0, from: base, count: rows) }, count: rows)
        func fixed<T: BitwiseCopyable & Sendable>(_ type: T.Type) throws(ArrowError) -> FixedWidthColumn<T> {
            let stride = MemoryLayout<T>.stride
            return try FixedWidthColumn(
                values: ArrowBuffer(copying: values + base * stride, count: rows * stride), validity: bitmap)
        }
        func variable(utf8: Bool) throws(ArrowError) -> VariableWidthColumn {
            func offset(_ index: Int) -> Int { Int(values.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)) }
            // The value buffer holds as many bytes as the array's last offset
            // says, and that is all its producer promises: every offset this
            // batch reads is checked against it, once, before any value is
            // copied (an offset past it used to be read from, beyond the buffer;
            // found by scripts/fuzz.sh).
            let limit = offset(Int(array.offset + array.length))
            guard limit >= 0 else {
                throw ArrowError(.malformedArray, "column '\(name)' has a negative last offset (\(limit))")
            }
            try VariableWidthColumn.checkOffsets(values, first: base, rows: rows, limit: limit, name: name)
            let data = buffers[2]
            guard data != nil || limit == 0 else {
                throw ArrowError(.malformedArray, "column '\(name)' has a NULL value buffer")
            }
            let first = offset(base)
            let last = offset(base + rows)
            let bytes = data.map { ArrowBuffer(copying: $0 + first, count: last - first) } ?? ArrowBuffer(count: 0) { _ in }
            // Offsets are stored from 0, so that the copy holds only this batch's bytes.
            let offsets = ArrowBuffer(count: (rows + 1) * 4) { target in
                let source = values + base * 4
                if first == 0 {
                    target.baseAddress!.copyMemory(from: source, byteCount: (rows + 1) * 4)
                } else {
                    for index in 0...rows {
                        let value = source.loadUnaligned(fromByteOffset: index * 4, as: Int32.self) - Int32(first)
                        target.storeBytes(of: value, toByteOffset: index * 4, as: Int32.self)
                    }
                }
            }
            let column = VariableWidthColumn(unchecked: offsets, data: bytes, validity: bitmap, utf8: utf8)
            if utf8, let row = column.firstInvalidUTF8Row() {
                throw ArrowError(.invalidValue, "column '\(name)', row \(row) is not valid UTF-8")
            }
            return column
        }

        switch field.type {
        case .null:
            return .null(count: rows)
        case .bool:
            return .bool(try BooleanColumn(bits: copyBits(values, from: base, count: rows), validity: bitmap))
        case .int64:
            return .int64(try fixed(Int64.self))
        case .float64:
            return .float64(try fixed(Double.self))
        case .date32:
            return .date32(try fixed(Int32.self))
        case .timestamp:
            return .timestamp(try fixed(Int64.self))
        case .decimal128(let precision, let scale):
            return .decimal128(
                try Decimal128Column(unscaled: fixed(Int128.self), precision: precision, scale: scale, name: name))
        case .binary:
            return .binary(try variable(utf8: false))
        case .utf8:
            return .utf8(try variable(utf8: true))
        }
    }

    /// A copy of `count` bits of the bitmap at `source`, from bit `start`, so
    /// that the copy starts at bit 0: memcpy when `start` is a whole byte.
    private static func copyBits(_ source: UnsafeRawPointer, from start: Int, count: Int) -> ArrowBuffer {
        if start % 8 == 0 { return ArrowBuffer(copying: source + start / 8, count: (count + 7) / 8) }
        return ArrowBuffer(count: (count + 7) / 8) { target in
            for index in 0..<count where ValidityBitmap.bit(source, start + index) {
                target[index >> 3] |= UInt8(1 << (index & 7))
            }
        }
    }
}
