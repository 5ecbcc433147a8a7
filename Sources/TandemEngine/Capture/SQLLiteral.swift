import Foundation
public import GRDB

/// The text form SQLite's `quote()` gives a value, which the capture
/// triggers use to record keys and rows: `NULL`, `42`, `1.5e+10`, `'it''s'`,
/// `X'00FF'`. Every storage class survives the round trip exactly (SQLite
/// prints reals with enough digits to read back the same double).
public enum SQLLiteral {
    /// Parses a comma-separated list of `quote()` literals.
    public static func parseList(_ text: String) throws(SyncError) -> [DatabaseValue] {
        var result: [DatabaseValue] = []
        var utf8 = text.utf8[...]
        while !utf8.isEmpty {
            result.append(try parseOne(&utf8, whole: text))
            if let first = utf8.first {
                guard first == UInt8(ascii: ",") else { throw malformed(text) }
                utf8 = utf8.dropFirst()
                if utf8.isEmpty { throw malformed(text) }
            }
        }
        return result
    }

    private static func parseOne(_ input: inout Substring.UTF8View, whole: String) throws(SyncError) -> DatabaseValue {
        guard let first = input.first else { throw malformed(whole) }
        switch first {
        case UInt8(ascii: "'"):
            var bytes: [UInt8] = []
            var index = input.index(after: input.startIndex)
            while true {
                guard index < input.endIndex else { throw malformed(whole) }
                let byte = input[index]
                index = input.index(after: index)
                if byte == UInt8(ascii: "'") {
                    if index < input.endIndex, input[index] == UInt8(ascii: "'") {
                        bytes.append(byte)
                        index = input.index(after: index)
                    } else {
                        break
                    }
                } else {
                    bytes.append(byte)
                }
            }
            input = input[index...]
            return String(decoding: bytes, as: UTF8.self).databaseValue
        case UInt8(ascii: "X"):
            input = input.dropFirst()
            guard input.first == UInt8(ascii: "'") else { throw malformed(whole) }
            input = input.dropFirst()
            var bytes: [UInt8] = []
            while let high = input.first, high != UInt8(ascii: "'") {
                input = input.dropFirst()
                guard let low = input.first, let h = hex(high), let l = hex(low) else { throw malformed(whole) }
                input = input.dropFirst()
                bytes.append(h << 4 | l)
            }
            guard input.first == UInt8(ascii: "'") else { throw malformed(whole) }
            input = input.dropFirst()
            return Data(bytes).databaseValue
        default:
            let end = input.firstIndex(of: UInt8(ascii: ",")) ?? input.endIndex
            let token = String(decoding: input[..<end], as: UTF8.self)
            input = input[end...]
            if token == "NULL" { return .null }
            if let integer = Int64(token) { return integer.databaseValue }
            switch token {
            case "Inf": return Double.infinity.databaseValue
            case "-Inf": return (-Double.infinity).databaseValue
            default: break
            }
            guard let real = Double(token) else { throw malformed(whole) }
            return real.databaseValue
        }
    }

    /// The literal SQLite's `quote()` would print for `value`, for values
    /// that are keys (integers, text, blobs, null).
    public static func quote(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let integer): return String(integer)
        case .double(let real):
            // Keys are rarely reals; match quote() for whole numbers at least.
            if real == real.rounded(), abs(real) < 1e15 { return String(format: "%.1f", real) }
            return String(format: "%.20e", real)
        case .string(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .blob(let data): return "X'" + data.map { String(format: "%02X", $0) }.joined() + "'"
        }
    }

    /// `quote()` literals of `values`, comma-separated, as the triggers write keys.
    public static func quoteList(_ values: [DatabaseValue]) -> String {
        values.map(quote).joined(separator: ",")
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func malformed(_ text: String) -> SyncError {
        SyncError(.corruptChange, "a change-log value list does not parse: \(text.prefix(200))")
    }
}
