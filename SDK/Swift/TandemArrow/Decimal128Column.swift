/// A column of exact decimals viewed in place: Arrow's decimal128, one
/// little-endian 128-bit unscaled integer per row, with the column's
/// precision and scale.
///
/// Every value is checked once, when the view is made, to have at most
/// `precision` digits; reading a cell checks nothing.
public struct Decimal128Column: Sendable {
    /// The unscaled integers.
    public let unscaled: FixedWidthColumn<Int128>
    /// Most digits a value may have, 1...38.
    public let precision: Int
    /// Digits after the point, 0...precision.
    public let scale: Int

    /// A view of unscaled values at `precision` and `scale`. Throws, naming
    /// `name` and the row, when a value that is not null has more digits
    /// than `precision`.
    public init(
        unscaled: FixedWidthColumn<Int128>, precision: Int, scale: Int, name: String = "values"
    ) throws(ArrowError) {
        guard (1...ExactDecimal.maxPrecision).contains(precision), (0...precision).contains(scale) else {
            throw ArrowError(
                .unsupportedFormat,
                "column '\(name)': decimal128(\(precision),\(scale)) is not a decimal128 with precision 1...38 and scale 0...precision"
            )
        }
        let limit = ExactDecimal.powersOfTen[precision]
        for row in 0..<unscaled.count where unscaled.validity.isValid(row) {
            let value = Int128(littleEndian: unscaled.value(at: row))
            // -limit < value < limit, said without negating Int128.min.
            guard value < limit, value > -limit else {
                throw ArrowError(
                    .invalidValue,
                    "column '\(name)', row \(row): \(ExactDecimal(unscaled: value, scale: scale)) has more than \(precision) digits"
                )
            }
        }
        self.init(unchecked: unscaled, precision: precision, scale: scale)
    }

    /// A view whose values the caller has checked.
    init(unchecked unscaled: FixedWidthColumn<Int128>, precision: Int, scale: Int) {
        self.unscaled = unscaled
        self.precision = precision
        self.scale = scale
    }

    /// Builds a column at `precision` and `scale` from decimals, rescaling
    /// each; nil is a null. Throws, naming `name` and the row, when a value
    /// would lose digits or needs more than `precision`.
    public init(_ values: [ExactDecimal?], precision: Int, scale: Int, name: String = "values") throws(ArrowError) {
        var failure: ArrowError?
        let buffer = ArrowBuffer(count: values.count * 16, fill: { (bytes: UnsafeMutableRawBufferPointer) -> Void in
            for (row, value) in values.enumerated() {
                guard let value else { continue }
                do throws(ArrowError) {
                    let stored = try value.rescaled(to: scale, precision: precision).unscaled
                    bytes.storeBytes(of: stored.littleEndian, toByteOffset: row * 16, as: Int128.self)
                } catch {
                    failure = ArrowError(error.code, "column '\(name)', row \(row): \(error.message)")
                    return
                }
            }
        })
        if let failure { throw failure }
        let validity = ValidityBitmap(count: values.count) { values[$0] != nil }
        self.init(
            unchecked: try FixedWidthColumn(values: buffer, validity: validity), precision: precision, scale: scale)
    }

    /// Number of rows.
    public var count: Int { unscaled.count }

    /// The decimal at `row`, or nil when it is null.
    public func decimal(at row: Int) -> ExactDecimal? {
        unscaled[row].map { ExactDecimal(unscaled: Int128(littleEndian: $0), scale: scale) }
    }
}
