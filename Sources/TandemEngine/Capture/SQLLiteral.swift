import Foundation
public import GRDB

/// The text form SQLite's `quote()` gives a value, which the capture
/// triggers use to record keys and rows: `NULL`, `42`, `1.5e+10`, `'it''s'`,
/// `X'00FF'`. Every storage class survives the round trip exactly (SQLite
/// prints reals with enough digits to read back the same double).
public enum SQLLiteral {
    /// Parses a comma-separated list of `quote()` literals.
    public static func parseList(_ text: String) throws(SyncError) -> [DatabaseValue] {
        // Parsing works on the contiguous UTF-8 bytes: every change of every
        // batch goes through here.
        var copy = text
        let result: Result<[DatabaseValue], SyncError> = copy.withUTF8 { bytes in
            do throws(SyncError) {
                return .success(try parseList(bytes, whole: text))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parseList(_ bytes: UnsafeBufferPointer<UInt8>, whole: String) throws(SyncError) -> [DatabaseValue] {
        var result: [DatabaseValue] = []
        var index = 0
        while index < bytes.count {
            result.append(try parseOne(bytes, &index, whole: whole))
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else { throw malformed(whole) }
                index += 1
                if index == bytes.count { throw malformed(whole) }
            }
        }
        return result
    }

    private static func parseOne(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, whole: String) throws(SyncError) -> DatabaseValue {
        let quote = UInt8(ascii: "'")
        switch bytes[index] {
        case quote:
            index += 1
            let start = index
            var doubled = false
            while true {
                guard index < bytes.count else { throw malformed(whole) }
                if bytes[index] == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        doubled = true
                        index += 2
                        continue
                    }
                    break
                }
                index += 1
            }
            let body = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            guard doubled else { return String(decoding: body, as: UTF8.self).databaseValue }
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(body.count)
            var position = 0
            while position < body.count {
                unescaped.append(body[position])
                position += body[position] == quote ? 2 : 1
            }
            return String(decoding: unescaped, as: UTF8.self).databaseValue
        case UInt8(ascii: "X"):
            index += 1
            guard index < bytes.count, bytes[index] == quote else { throw malformed(whole) }
            index += 1
            var data = Data()
            while index < bytes.count, bytes[index] != quote {
                guard index + 1 < bytes.count, let high = hex(bytes[index]), let low = hex(bytes[index + 1]) else {
                    throw malformed(whole)
                }
                data.append(high << 4 | low)
                index += 2
            }
            guard index < bytes.count else { throw malformed(whole) }
            index += 1
            return data.databaseValue
        default:
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
            let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
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
