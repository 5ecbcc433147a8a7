/// A column of text (`utf8`) or bytes (`binary`) viewed in place: Arrow's
/// 32-bit offsets, value buffer and validity bitmap.
///
/// The buffers are checked once, when the view is made (offsets ascend and
/// stay inside the value buffer; text is valid UTF-8), so reading a cell
/// checks nothing. A `String` is made only by ``string(at:)``.
public struct VariableWidthColumn: Sendable {
    /// `count + 1` ascending offsets into ``data``; value `row` is the bytes
    /// from offset `row` up to offset `row + 1`.
    public let offsets: ArrowBuffer
    /// The values' bytes, one after the other.
    public let data: ArrowBuffer
    /// Which rows hold a value.
    public let validity: ValidityBitmap
    /// Whether the values are text, checked to be valid UTF-8.
    public let isUTF8: Bool

    /// A view of Arrow buffers, checked once: `offsets` holds
    /// `validity.count + 1` offsets that start at 0 or more, never go back
    /// and end within `data`; when `utf8`, every value that is not null is
    /// valid UTF-8. Throws, naming `name` and the row, at the first breach.
    public init(
        offsets: ArrowBuffer, data: ArrowBuffer, validity: ValidityBitmap, utf8: Bool, name: String = "values"
    ) throws(ArrowError) {
        let rows = validity.count
        guard offsets.count >= (rows + 1) * 4 else {
            throw ArrowError(
                .malformedArray,
                "column '\(name)' has \(offsets.count) bytes of offsets; \(rows) rows need \((rows + 1) * 4)")
        }
        try Self.checkOffsets(offsets.bytes, first: 0, rows: rows, limit: data.count, name: name)
        self.init(unchecked: offsets, data: data, validity: validity, utf8: utf8)
        if utf8, let row = firstInvalidUTF8Row() {
            throw ArrowError(.invalidValue, "column '\(name)', row \(row) is not valid UTF-8")
        }
    }

    /// A view whose buffers the caller has checked.
    init(unchecked offsets: ArrowBuffer, data: ArrowBuffer, validity: ValidityBitmap, utf8: Bool) {
        self.offsets = offsets
        self.data = data
        self.validity = validity
        self.isUTF8 = utf8
    }

    /// Builds a text column from Swift strings, writing the Arrow buffers
    /// directly; nil is a null. Throws when the text needs more than 32-bit
    /// offsets.
    public init(_ strings: [String?], name: String = "values") throws(ArrowError) {
        var total = 0
        for string in strings { total &+= string?.utf8.count ?? 0 }
        guard total <= Int(Int32.max) else {
            throw ArrowError(.invalidValue, "column '\(name)' holds \(total) bytes, more than 32-bit offsets allow")
        }
        let data = ArrowBuffer(count: total) { bytes in
            var position = 0
            for case var string? in strings {
                string.withUTF8 { source in
                    guard let base = source.baseAddress, !source.isEmpty else { return }
                    (bytes.baseAddress! + position).copyMemory(from: base, byteCount: source.count)
                    position += source.count
                }
            }
        }
        let offsets = ArrowBuffer(count: (strings.count + 1) * 4) { bytes in
            var position: Int32 = 0
            for (row, string) in strings.enumerated() {
                position &+= Int32(truncatingIfNeeded: string?.utf8.count ?? 0)
                bytes.storeBytes(of: position, toByteOffset: (row + 1) * 4, as: Int32.self)
            }
        }
        self.init(
            unchecked: offsets, data: data, validity: ValidityBitmap(count: strings.count) { strings[$0] != nil },
            utf8: true)
    }

    /// Builds a binary column from byte arrays; nil is a null. Throws when
    /// the bytes need more than 32-bit offsets.
    public init(_ values: [[UInt8]?], name: String = "values") throws(ArrowError) {
        var total = 0
        for value in values { total &+= value?.count ?? 0 }
        guard total <= Int(Int32.max) else {
            throw ArrowError(.invalidValue, "column '\(name)' holds \(total) bytes, more than 32-bit offsets allow")
        }
        var position = 0
        let offsets = ArrowBuffer(count: (values.count + 1) * 4) { bytes in
            for (row, value) in values.enumerated() {
                position += value?.count ?? 0
                bytes.storeBytes(of: Int32(position), toByteOffset: (row + 1) * 4, as: Int32.self)
            }
        }
        let data = ArrowBuffer(count: total) { bytes in
            var position = 0
            for case let value? in values where !value.isEmpty {
                value.withUnsafeBytes { (bytes.baseAddress! + position).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                position += value.count
            }
        }
        self.init(
            unchecked: offsets, data: data, validity: ValidityBitmap(count: values.count) { values[$0] != nil },
            utf8: false)
    }

    /// Number of rows.
    public var count: Int { validity.count }

    /// Whether `row` is null.
    @inlinable
    public func isNull(_ row: Int) -> Bool { validity.isNull(row) }

    /// Where value `row`'s bytes are in ``data``.
    @inlinable
    public func byteRange(_ row: Int) -> Range<Int> {
        precondition(row >= 0 && row < count, "row \(row) is outside 0..<\(count)")
        return Int(offsets.load(row, as: Int32.self))..<Int(offsets.load(row + 1, as: Int32.self))
    }

    /// Calls `body` with the bytes of `row` in place; nil when the row is null.
    @inlinable
    public func withBytes<R, E: Error>(at row: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R? {
        guard validity.isValid(row) else { return nil }
        let range = byteRange(row)
        return try body(UnsafeRawBufferPointer(start: data.bytes + range.lowerBound, count: range.count))
    }

    /// The text at `row` as a `String` (made here, one per call); nil when
    /// the row is null. For binary columns the bytes are decoded as UTF-8,
    /// with replacement characters where they are not.
    public func string(at row: Int) -> String? {
        withBytes(at: row) { String(decoding: $0, as: UTF8.self) }
    }

    /// A copy of the bytes at `row`; nil when the row is null.
    public func bytes(at row: Int) -> [UInt8]? {
        withBytes(at: row) { Array($0) }
    }

    /// Whether the value at `row` is exactly `utf8`'s bytes (false when null).
    @inlinable
    public func hasBytes(at row: Int, equalTo utf8: UnsafeRawBufferPointer) -> Bool {
        withBytes(at: row) { value in
            value.count == utf8.count && (value.isEmpty || memcmpEqual(value.baseAddress!, utf8.baseAddress!, value.count))
        } ?? false
    }

    /// The first row that is not null and not valid UTF-8, if any. Checks
    /// the whole value buffer in one pass when there are no nulls (the bytes
    /// under a null need not be text), then that no offset cuts a character.
    func firstInvalidUTF8Row() -> Int? {
        let rows = count
        guard rows > 0 else { return nil }
        let base = data.bytes.assumingMemoryBound(to: UInt8.self)
        if validity.nullCount == 0 {
            let start = Int(offsets.load(0, as: Int32.self))
            let end = Int(offsets.load(rows, as: Int32.self))
            if UTF8Validation.isValid(base + start, count: end - start) {
                var cut = false
                for row in 1..<rows {
                    let offset = Int(offsets.load(row, as: Int32.self))
                    if offset < end && UTF8Validation.isContinuation(base[offset]) {
                        cut = true
                        break
                    }
                }
                if !cut { return nil }
            }
        }
        for row in 0..<rows where validity.isValid(row) {
            let range = byteRange(row)
            if !UTF8Validation.isValid(base + range.lowerBound, count: range.count) { return row }
        }
        return nil
    }

    /// Checks `rows + 1` offsets at `offsets`, from index `first`: each at
    /// least 0 and the one before it, none past `limit`. Reads nothing else.
    static func checkOffsets(
        _ offsets: UnsafeRawPointer, first: Int, rows: Int, limit: Int, name: String
    ) throws(ArrowError) {
        var previous = 0
        for index in 0...rows {
            let value = Int(offsets.loadUnaligned(fromByteOffset: (first + index) * 4, as: Int32.self))
            guard value >= previous, value <= limit else {
                let why =
                    value > limit
                    ? "past the last offset (\(limit))" : "below the one before it (\(previous))"
                throw ArrowError(
                    .malformedArray,
                    "column '\(name)', row \(max(index - 1, 0)): offset \(value) is \(why); offsets must ascend from 0 to the value buffer's length"
                )
            }
            previous = value
        }
    }
}

/// Whether `count` bytes at `left` and `right` are equal.
@inlinable
func memcmpEqual(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, _ count: Int) -> Bool {
    for index in 0..<count where left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) {
        return false
    }
    return true
}
