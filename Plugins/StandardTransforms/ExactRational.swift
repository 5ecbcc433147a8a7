import TandemArrow
import TandemPluginKit

/// An exact fraction of two 128-bit integers, for unit conversions:
/// `(value + inner offset) × factor × numerator / denominator + outer offset`
/// is computed without rounding, and rounded once, at the end, by the
/// conversion's own rule. Every operation checks for overflow: a result too
/// large for 38 digits is an error, never a wrong number.
struct ExactRational: Equatable {
    /// Rounding rules of a unit conversion (F&O's `ROUNDING`).
    enum Rounding: String {
        /// Half away from zero.
        case nearest
        /// Away from zero.
        case up
        /// Toward zero.
        case down
    }

    private(set) var numerator: Int128
    private(set) var denominator: Int128

    static let one = ExactRational(1)
    static let zero = ExactRational(0)

    init(_ integer: Int128) {
        numerator = integer
        denominator = 1
    }

    init(_ decimal: ExactDecimal) {
        var power: Int128 = 1
        for _ in 0..<decimal.scale { power *= 10 }
        self.init(unchecked: decimal.unscaled, power)
    }

    private init(unchecked numerator: Int128, _ denominator: Int128) {
        let divisor = Self.gcd(numerator.magnitude, denominator.magnitude)
        let sign: Int128 = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator / Int128(divisor == 0 ? 1 : divisor)
        self.denominator = sign * denominator / Int128(divisor == 0 ? 1 : divisor)
    }

    private static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// The message of an overflow, which callers complete with the quantity and units.
    static let overflow = "overflows 38 digits"

    private static func multiply(_ a: Int128, _ b: Int128) throws -> Int128 {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw PluginError(.invalidData, Self.overflow) }
        return result
    }

    private static func add(_ a: Int128, _ b: Int128) throws -> Int128 {
        let (result, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw PluginError(.invalidData, Self.overflow) }
        return result
    }

    func adding(_ other: ExactRational) throws -> ExactRational {
        let left = try Self.multiply(numerator, other.denominator)
        let right = try Self.multiply(other.numerator, denominator)
        return ExactRational(unchecked: try Self.add(left, right), try Self.multiply(denominator, other.denominator))
    }

    func subtracting(_ other: ExactRational) throws -> ExactRational {
        try adding(ExactRational(unchecked: -other.numerator, other.denominator))
    }

    func multiplied(by other: ExactRational) throws -> ExactRational {
        // Cross-reduce first so that large but cancelling factors do not overflow.
        let a = ExactRational(unchecked: numerator, other.denominator)
        let b = ExactRational(unchecked: other.numerator, denominator)
        return ExactRational(
            unchecked: try Self.multiply(a.numerator, b.numerator), try Self.multiply(a.denominator, b.denominator))
    }

    func divided(by other: ExactRational) throws -> ExactRational {
        guard other.numerator != 0 else { throw PluginError(.invalidData, "the conversion divides by zero") }
        return try multiplied(by: ExactRational(unchecked: other.denominator, other.numerator))
    }

    /// The value at `scale` decimal places, rounded by `rounding` if it does not end there.
    func decimal(scale: Int, rounding: Rounding) throws -> ExactDecimal {
        var power: Int128 = 1
        for _ in 0..<scale { power = try Self.multiply(power, 10) }
        let scaled = try Self.multiply(numerator, power)
        var (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: denominator)
        if remainder != 0 {
            let awayFromZero: Int128 = scaled < 0 ? -1 : 1
            switch rounding {
            case .down: break
            case .up: quotient += awayFromZero
            case .nearest: if remainder.magnitude * 2 >= denominator.magnitude { quotient += awayFromZero }
            }
        }
        let result = ExactDecimal(unscaled: quotient, scale: scale)
        guard result.precision <= ExactDecimal.maxPrecision else {
            throw PluginError(.invalidData, "the converted value does not fit in 38 digits at scale \(scale)")
        }
        return result
    }
}
