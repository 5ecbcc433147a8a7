/// An exact decimal number: an integer of up to 38 digits and a scale (the
/// number of digits after the point), as Arrow's decimal128 holds it.
///
/// Money and quantities travel as `ExactDecimal`, never as `Double`: parsing,
/// printing and rescaling are exact, and a rescale that would drop non-zero
/// digits is an error, not a rounding.
public struct ExactDecimal: Sendable, CustomStringConvertible {
    /// The digits as an integer: `12.34` at scale 2 is `1234`.
    public var unscaled: Int128
    /// Digits after the decimal point, 0...38.
    public var scale: Int

    /// The largest number of decimal digits a decimal128 holds.
    public static let maxPrecision = 38

    /// Creates a decimal from its unscaled integer and scale.
    public init(unscaled: Int128, scale: Int) {
        precondition((0...Self.maxPrecision).contains(scale), "scale \(scale) is outside 0...38")
        self.unscaled = unscaled
        self.scale = scale
    }

    /// Parses plain decimal text such as `-12.3400`, `0.5` or `42`, keeping
    /// exactly the digits written. Returns nil for anything else (exponents,
    /// spaces, more than 38 digits).
    public init?(_ text: some StringProtocol) {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var value: Int128 = 0
        var digits = 0
        var scale = 0
        var seenPoint = false
        var seenDigit = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            seenDigit = true
            // Leading zeros do not count against the 38-digit precision.
            if value != 0 || byte != UInt8(ascii: "0") { digits += 1 }
            guard digits <= Self.maxPrecision else { return nil }
            value = value * 10 + Int128(byte - UInt8(ascii: "0"))
            if seenPoint { scale += 1 }
        }
        guard seenDigit, scale <= Self.maxPrecision else { return nil }
        self.init(unscaled: negative ? -value : value, scale: scale)
    }

    /// The number with exactly `scale` digits after the point: `12.3400`.
    public var description: String {
        let magnitude = unscaled.magnitude
        var digits = String(magnitude)
        if scale > 0 {
            if digits.count <= scale {
                digits = String(repeating: "0", count: scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return unscaled < 0 ? "-" + digits : digits
    }

    /// The same number at another scale. Throws when digits would be lost
    /// (`1.25` to scale 1) or the result needs more than `precision` digits.
    public func rescaled(to newScale: Int, precision: Int = maxPrecision) throws(ArrowError) -> ExactDecimal {
        guard (0...Self.maxPrecision).contains(newScale) else {
            throw ArrowError(.invalidValue, "scale \(newScale) is outside 0...38")
        }
        var result = unscaled
        if newScale > scale {
            for _ in scale..<newScale {
                let (product, overflow) = result.multipliedReportingOverflow(by: 10)
                guard !overflow else {
                    throw ArrowError(.invalidValue, "\(self) does not fit in \(precision) digits at scale \(newScale)")
                }
                result = product
            }
        } else if newScale < scale {
            for _ in newScale..<scale {
                let (quotient, remainder) = result.quotientAndRemainder(dividingBy: 10)
                guard remainder == 0 else {
                    throw ArrowError(
                        .invalidValue, "\(self) has more than \(newScale) decimal places; rescaling would lose digits")
                }
                result = quotient
            }
        }
        let rescaled = ExactDecimal(unscaled: result, scale: newScale)
        guard rescaled.precision <= precision else {
            throw ArrowError(.invalidValue, "\(self) does not fit in \(precision) digits at scale \(newScale)")
        }
        return rescaled
    }

    /// Number of significant digits of the unscaled integer (at least 1).
    public var precision: Int {
        // Compared with powers of ten rather than divided by ten: export
        // checks every decimal of a batch against its column's precision.
        let magnitude = unscaled.magnitude
        var count = 1
        while count <= Self.maxPrecision, magnitude >= UInt128(Self.powersOfTen[count]) { count += 1 }
        return count
    }

    /// 10^0 ... 10^38: the bounds of each precision (10^38 fits in Int128).
    static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 1...maxPrecision { powers.append(powers.last! * 10) }
        return powers
    }()

    /// The same number with trailing fractional zeros removed: the canonical
    /// form used for equality and hashing.
    public var normalized: ExactDecimal {
        var value = unscaled
        var scale = self.scale
        while scale > 0, value % 10 == 0 {
            value /= 10
            scale -= 1
        }
        return ExactDecimal(unscaled: value, scale: scale)
    }
}

extension ExactDecimal: Hashable {
    /// Numeric equality: `1.50` equals `1.5`.
    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let left = lhs.normalized
        let right = rhs.normalized
        return left.unscaled == right.unscaled && left.scale == right.scale
    }

    /// Hashes the normalized form, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        let canonical = normalized
        hasher.combine(canonical.unscaled)
        hasher.combine(canonical.scale)
    }
}
