package import Foundation

/// One value of a row, as the engine carries it between an endpoint and the
/// plugins: the engine's own type, so that no database library's type runs
/// through plans, mapping, conflict decisions or parking.
///
/// Its five cases are the storage classes every side can give exactly:
/// an endpoint whose database has richer types (PostgreSQL's `numeric`,
/// `date`, `uuid`) hands them over in the form the maps already expect
/// (exact decimal text, ISO dates), and converts back by the target
/// column's declared type when it writes (see ``ValueConversion``).
/// Equality is exact: an integer never equals a real, and text compares by
/// its UTF-8 bytes (Swift's `String ==` would make canonically equivalent
/// texts equal, which two rows on a side are not).
package enum SideValue: Sendable {
    /// No value (SQL NULL).
    case null
    /// A 64-bit integer.
    case integer(Int64)
    /// An IEEE double.
    case real(Double)
    /// Text (valid UTF-8; endpoints refuse or park anything else).
    case text(String)
    /// Bytes.
    case blob(Data)

    /// Whether this is `.null`.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension SideValue: Hashable {
    /// Exact equality: same case and same bytes (see the type's comment).
    package static func == (lhs: SideValue, rhs: SideValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.integer(let left), .integer(let right)): left == right
        case (.real(let left), .real(let right)): left.bitPattern == right.bitPattern || left == right
        case (.text(let left), .text(let right)): left.utf8.elementsEqual(right.utf8)
        case (.blob(let left), .blob(let right)): left == right
        default: false
        }
    }

    /// Hashes the case and its bytes, consistently with ``==(_:_:)``.
    package func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .integer(let integer):
            hasher.combine(1)
            hasher.combine(integer)
        case .real(let real):
            hasher.combine(2)
            // 0.0 and -0.0 are equal: hash them alike.
            hasher.combine(real == 0 ? UInt64(0) : real.bitPattern)
        case .text(let text):
            hasher.combine(3)
            for byte in text.utf8 { hasher.combine(byte) }
        case .blob(let data):
            hasher.combine(4)
            hasher.combine(data)
        }
    }
}

extension SideValue {
    /// An integer value.
    package init(_ integer: some BinaryInteger) { self = .integer(Int64(integer)) }
    /// A text value.
    package init(_ text: String) { self = .text(text) }
    /// The integer, when this is one.
    package var integer: Int64? {
        if case .integer(let integer) = self { return integer }
        return nil
    }
    /// The text, when this is text.
    package var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}
