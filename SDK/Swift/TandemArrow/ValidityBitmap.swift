/// Which rows of a column hold a value: Arrow's validity bitmap, one bit per
/// row, least significant bit first; no bitmap means no nulls.
public struct ValidityBitmap: Sendable {
    /// The bits, or nil when every row holds a value.
    public let buffer: ArrowBuffer?
    /// Number of rows.
    public let count: Int
    /// Number of rows that are null, counted once when the bitmap is made.
    public let nullCount: Int

    /// A bitmap over `buffer`'s first `count` bits; nil means no nulls.
    /// Counts the nulls once, here, so that no reader has to. Throws when the
    /// buffer is shorter than `count` bits.
    public init(_ buffer: ArrowBuffer?, count: Int) throws(ArrowError) {
        guard let buffer else {
            self.init(unchecked: nil, count: count, nullCount: 0)
            return
        }
        guard buffer.count >= (count + 7) / 8 else {
            throw ArrowError(
                .malformedArray, "a validity bitmap of \(buffer.count) bytes cannot hold \(count) rows")
        }
        var valid = 0
        let words = count / 64
        for word in 0..<words { valid += buffer.load(word, as: UInt64.self).nonzeroBitCount }
        for row in (words * 64)..<count where Self.bit(buffer.bytes, row) { valid += 1 }
        self.init(unchecked: buffer, count: count, nullCount: count - valid)
    }

    /// A bitmap whose null count the caller has already counted.
    init(unchecked buffer: ArrowBuffer?, count: Int, nullCount: Int) {
        // A bitmap without nulls is dropped: readers test for nil, not bits.
        self.buffer = nullCount == 0 ? nil : buffer
        self.count = count
        self.nullCount = nullCount
    }

    /// Builds a bitmap from `isValid`, called once per row.
    public init(count: Int, isValid: (Int) -> Bool) {
        var nulls = 0
        let buffer = ArrowBuffer(count: (count + 7) / 8) { bits in
            for row in 0..<count {
                if isValid(row) {
                    bits[row >> 3] |= UInt8(1 << (row & 7))
                } else {
                    nulls += 1
                }
            }
        }
        self.init(unchecked: buffer, count: count, nullCount: nulls)
    }

    /// Whether `row` holds a value.
    @inlinable
    public func isValid(_ row: Int) -> Bool {
        guard let buffer else { return true }
        return Self.bit(buffer.bytes, row)
    }

    /// Whether `row` is null.
    @inlinable
    public func isNull(_ row: Int) -> Bool { !isValid(row) }

    /// The first null row, if any.
    public var firstNull: Int? {
        guard nullCount > 0 else { return nil }
        return (0..<count).first { !isValid($0) }
    }

    /// Bit `index` of the bitmap at `bytes`.
    @inlinable
    static func bit(_ bytes: UnsafeRawPointer, _ index: Int) -> Bool {
        bytes.load(fromByteOffset: index >> 3, as: UInt8.self) & UInt8(1 << (index & 7)) != 0
    }
}
