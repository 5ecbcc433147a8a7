/// The column types that cross the Tandem plugin boundary, with their Arrow C
/// Data Interface format strings.
public enum ArrowType: Hashable, Sendable, CustomStringConvertible {
    /// All values null (`n`).
    case null
    /// Booleans (`b`).
    case bool
    /// 64-bit signed integers (`l`).
    case int64
    /// 64-bit binary floating point (`g`); never for money or quantities.
    case float64
    /// UTF-8 text with 32-bit offsets (`u`).
    case utf8
    /// Bytes with 32-bit offsets (`z`).
    case binary
    /// Exact decimals (`d:P,S`): precision 1...38, scale 0...precision.
    case decimal128(precision: Int, scale: Int)
    /// Days since 1970-01-01 (`tdD`).
    case date32
    /// Time since the epoch in `unit`, with an optional time zone (`tsu:UTC`).
    case timestamp(unit: TimeUnit, timeZone: String?)

    /// The unit of a timestamp.
    public enum TimeUnit: String, Hashable, Sendable, CaseIterable {
        case second = "s"
        case millisecond = "m"
        case microsecond = "u"
        case nanosecond = "n"
    }

    /// Parses an Arrow format string. Throws for formats Tandem does not carry,
    /// naming the format and, when given, the field.
    public init(format: String, field: String? = nil) throws(ArrowError) {
        let place = field.map { " of field '\($0)'" } ?? ""
        switch format {
        case "n": self = .null
        case "b": self = .bool
        case "l": self = .int64
        case "g": self = .float64
        case "u": self = .utf8
        case "z": self = .binary
        case "tdD": self = .date32
        default:
            if format.hasPrefix("d:") {
                let parts = format.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false)
                // A third part is the bit width; only 128 is decimal128.
                guard parts.count == 2 || (parts.count == 3 && parts[2] == "128"),
                    let precision = Int(parts[0]), let scale = Int(parts[1]),
                    (1...ExactDecimal.maxPrecision).contains(precision), (0...precision).contains(scale)
                else {
                    throw ArrowError(
                        .unsupportedFormat,
                        "Arrow format '\(format)'\(place) is not a decimal128 with precision 1...38 and scale 0...precision")
                }
                self = .decimal128(precision: precision, scale: scale)
            } else if format.hasPrefix("ts"), format.count >= 4,
                format[format.index(format.startIndex, offsetBy: 3)] == ":",
                let unit = TimeUnit(rawValue: String(format[format.index(format.startIndex, offsetBy: 2)]))
            {
                let zone = String(format.dropFirst(4))
                self = .timestamp(unit: unit, timeZone: zone.isEmpty ? nil : zone)
            } else {
                throw ArrowError(
                    .unsupportedFormat,
                    "Arrow format '\(format)'\(place) is not supported; Tandem carries n, b, l, g, u, z, d:P,S, tdD and ts[smun]:[zone]"
                )
            }
        }
    }

    /// The Arrow C Data Interface format string.
    public var format: String {
        switch self {
        case .null: "n"
        case .bool: "b"
        case .int64: "l"
        case .float64: "g"
        case .utf8: "u"
        case .binary: "z"
        case .decimal128(let precision, let scale): "d:\(precision),\(scale)"
        case .date32: "tdD"
        case .timestamp(let unit, let zone): "ts\(unit.rawValue):\(zone ?? "")"
        }
    }

    /// The format string.
    public var description: String { format }

    /// How many buffers an array of this type has in the C Data Interface.
    public var bufferCount: Int {
        switch self {
        case .null: 0
        case .utf8, .binary: 3
        default: 2
        }
    }
}
