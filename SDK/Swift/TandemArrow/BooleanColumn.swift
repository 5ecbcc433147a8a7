/// A column of booleans viewed in place: Arrow packs them one bit per row,
/// beside the validity bitmap.
public struct BooleanColumn: Sendable, RandomAccessCollection {
    /// The value bits, least significant bit first.
    public let bits: ArrowBuffer
    /// Which rows hold a value.
    public let validity: ValidityBitmap

    /// A view of `bits` and `validity`. Throws when the bits are fewer than
    /// the rows.
    public init(bits: ArrowBuffer, validity: ValidityBitmap) throws(ArrowError) {
        guard bits.count >= (validity.count + 7) / 8 else {
            throw ArrowError(
                .malformedArray, "a boolean buffer of \(bits.count) bytes cannot hold \(validity.count) values")
        }
        self.bits = bits
        self.validity = validity
    }

    /// Builds a column from Swift values; nil is a null.
    public init(_ elements: [Bool?]) {
        bits = ArrowBuffer(count: (elements.count + 7) / 8) { bytes in
            for (row, element) in elements.enumerated() where element == true {
                bytes[row >> 3] |= UInt8(1 << (row & 7))
            }
        }
        validity = ValidityBitmap(count: elements.count) { elements[$0] != nil }
    }

    /// Number of rows.
    public var count: Int { validity.count }
    /// The first row, 0.
    public var startIndex: Int { 0 }
    /// One past the last row.
    public var endIndex: Int { validity.count }

    /// The value at `row`, or nil when it is null.
    public subscript(row: Int) -> Bool? {
        precondition(row >= 0 && row < count, "row \(row) is outside 0..<\(count)")
        return validity.isValid(row) ? ValidityBitmap.bit(bits.bytes, row) : nil
    }
}
