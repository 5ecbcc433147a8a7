public import CTandemPlugin

/// Reads Arrow C Data Interface structs made by someone else into Swift
/// values, checking them first.
///
/// Import copies the data and never releases: the caller still owns the
/// structs and releases them as the C Data Interface says. Every check that
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
            let data = try readColumn(child.pointee, field: field, start: start, rows: rows)
            columns.append(try Column(field, data))
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
        -> ColumnData
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
        func isValid(_ row: Int) -> Bool {
            guard let validity else { return true }
            let bit = base + row
            return validity.load(fromByteOffset: bit / 8, as: UInt8.self) & UInt8(1 << (bit % 8)) != 0
        }
        guard rows == 0 || buffers[1] != nil else {
            throw ArrowError(.malformedArray, "column '\(name)' has a NULL data buffer")
        }
        func fixed<T>(_ type: T.Type) -> [T?] {
            guard rows > 0, let data = buffers[1] else { return [] }
            return (0..<rows).map { row in
                isValid(row)
                    ? data.loadUnaligned(fromByteOffset: (base + row) * MemoryLayout<T>.stride, as: T.self) : nil
            }
        }
        func variable() throws(ArrowError) -> [[UInt8]?] {
            guard rows > 0, let offsets = buffers[1] else { return [] }
            func offset(_ index: Int) -> Int { Int(offsets.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)) }
            // The value buffer holds as many bytes as the array's last offset
            // says, and that is all its producer promises: every offset this
            // batch reads is checked against it, once, before any value is
            // copied (an offset past it used to be read from, beyond the buffer;
            // found by scripts/fuzz.sh).
            let limit = offset(Int(array.offset + array.length))
            guard limit >= 0 else {
                throw ArrowError(.malformedArray, "column '\(name)' has a negative last offset (\(limit))")
            }
            var bounds: [Int] = []
            bounds.reserveCapacity(rows + 1)
            for index in 0...rows {
                let value = offset(base + index)
                guard value >= (bounds.last ?? 0), value <= limit else {
                    throw ArrowError(
                        .malformedArray,
                        "column '\(name)', row \(max(index - 1, 0)): offset \(value) is \(value > limit ? "past the last offset (\(limit))" : "below the one before it (\(bounds.last ?? 0))"); offsets must ascend from 0 to the value buffer's length"
                    )
                }
                bounds.append(value)
            }
            let data = buffers[2]
            guard data != nil || limit == 0 else {
                throw ArrowError(.malformedArray, "column '\(name)' has a NULL value buffer")
            }
            var result: [[UInt8]?] = []
            result.reserveCapacity(rows)
            for row in 0..<rows {
                guard isValid(row) else {
                    result.append(nil)
                    continue
                }
                let from = bounds[row]
                let to = bounds[row + 1]
                if to > from, let data {
                    result.append(Array(UnsafeRawBufferPointer(start: data + from, count: to - from)))
                } else {
                    result.append([])
                }
            }
            return result
        }

        switch field.type {
        case .null:
            return .null(count: rows)
        case .bool:
            guard rows > 0, let bits = buffers[1] else { return .bool([]) }
            return .bool(
                (0..<rows).map { row in
                    guard isValid(row) else { return nil }
                    let bit = base + row
                    return bits.load(fromByteOffset: bit / 8, as: UInt8.self) & UInt8(1 << (bit % 8)) != 0
                })
        case .int64:
            return .int64(fixed(Int64.self))
        case .float64:
            return .float64(fixed(Double.self))
        case .date32:
            return .date32(fixed(Int32.self))
        case .timestamp:
            return .timestamp(fixed(Int64.self))
        case .decimal128(_, let scale):
            return .decimal128(
                fixed(Int128.self).map { $0.map { ExactDecimal(unscaled: Int128(littleEndian: $0), scale: scale) } })
        case .binary:
            return .binary(try variable())
        case .utf8:
            var strings: [String?] = []
            strings.reserveCapacity(rows)
            for (row, bytes) in try variable().enumerated() {
                guard let bytes else {
                    strings.append(nil)
                    continue
                }
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    throw ArrowError(.invalidValue, "column '\(name)', row \(row) is not valid UTF-8")
                }
                strings.append(string)
            }
            return .utf8(strings)
        }
    }
}
