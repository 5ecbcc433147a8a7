/// A column of fixed-width values (`Int64`, `Double`, `Int32`, `Int128`)
/// viewed in place in its Arrow buffers: a value buffer and a validity
/// bitmap. Reading a cell is one load; nothing is copied.
public struct FixedWidthColumn<Element: BitwiseCopyable & Sendable>: Sendable, RandomAccessCollection {
    /// The values, `count` of them; the value under a null is unspecified.
    public let values: ArrowBuffer
    /// Which rows hold a value.
    public let validity: ValidityBitmap

    /// A view of `values` and `validity`. Throws when the value buffer is
    /// shorter than the bitmap's row count says.
    public init(values: ArrowBuffer, validity: ValidityBitmap) throws(ArrowError) {
        guard values.count >= validity.count * MemoryLayout<Element>.stride else {
            throw ArrowError(
                .malformedArray,
                "a value buffer of \(values.count) bytes cannot hold \(validity.count) values of \(MemoryLayout<Element>.stride) bytes"
            )
        }
        self.values = values
        self.validity = validity
    }

    /// Builds a column from Swift values; nil is a null.
    public init(_ elements: [Element?]) {
        let buffer = ArrowBuffer(count: elements.count * MemoryLayout<Element>.stride) { bytes in
            for (row, element) in elements.enumerated() {
                if let element { bytes.storeBytes(of: element, toByteOffset: row * MemoryLayout<Element>.stride, as: Element.self) }
            }
        }
        let validity = ValidityBitmap(count: elements.count) { elements[$0] != nil }
        values = buffer
        self.validity = validity
    }

    /// Number of rows.
    public var count: Int { validity.count }
    /// The first row, 0.
    public var startIndex: Int { 0 }
    /// One past the last row.
    public var endIndex: Int { validity.count }

    /// The value at `row`, or nil when it is null.
    @inlinable
    public subscript(row: Int) -> Element? {
        precondition(row >= 0 && row < count, "row \(row) is outside 0..<\(count)")
        return validity.isValid(row) ? values.load(row, as: Element.self) : nil
    }

    /// The value stored at `row`, without looking at the bitmap: for loops
    /// that handle nulls themselves or do not care (the value is then
    /// whatever the producer left there, usually 0).
    @inlinable
    public func value(at row: Int) -> Element {
        precondition(row >= 0 && row < count, "row \(row) is outside 0..<\(count)")
        return values.load(row, as: Element.self)
    }

    /// Calls `body` with the values as a typed buffer, for bulk work.
    public func withUnsafeValues<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: values.bytes.assumingMemoryBound(to: Element.self), count: count))
    }
}
