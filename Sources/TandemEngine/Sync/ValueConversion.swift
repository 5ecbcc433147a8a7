import Foundation
package import TandemArrow
package import TandemDocuments

/// Converts between side values (``SideValue``) and the Arrow values that cross the plugin
/// boundary, exactly: decimals go through ``ExactDecimal``, never `Double`.
package enum ValueConversion {
    /// The Arrow type for a column declared as `declared` in SQLite, following
    /// SQLite's affinity rules plus `DECIMAL(p,s)`, `BOOLEAN` and `DATE`.
    package static func arrowType(declared: String) -> ArrowType {
        let type = declared.uppercased()
        if type.contains("INT") { return .int64 }
        if type.hasPrefix("BOOL") { return .bool }
        if type.hasPrefix("DECIMAL") || type.hasPrefix("NUMERIC") {
            let digits = type.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            if digits.count == 2, (1...38).contains(digits[0]), digits[1] <= digits[0] {
                return .decimal128(precision: digits[0], scale: digits[1])
            }
            return .decimal128(precision: 38, scale: 12)
        }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return .utf8 }
        if type == "DATE" { return .date32 }
        if type.contains("BLOB") { return .binary }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return .float64 }
        return .utf8
    }

    /// The Arrow value of a SQLite value in a column of `type`; throws when
    /// the value does not belong there (text in a numeric column, say).
    package static func arrowValue(_ value: SideValue, as type: ArrowType) throws(SyncError) -> Value {
        func bad() -> SyncError {
            SyncError(.badValue, "\(describe(value)) is not a valid \(type) value")
        }
        switch (value, type) {
        case (.null, _): return .null
        case (.integer(let integer), .int64): return .int64(integer)
        case (.integer(let integer), .bool): return .bool(integer != 0)
        case (.integer(let integer), .float64): return .float64(Double(integer))
        case (.integer(let integer), .utf8): return .utf8(String(integer))
        case (.integer(let integer), .decimal128): return .decimal(ExactDecimal(unscaled: Int128(integer), scale: 0))
        case (.integer(let integer), .timestamp): return .timestamp(integer)
        case (.real(let real), .float64): return .float64(real)
        case (.real(let real), .utf8): return .utf8(String(real))
        case (.real(let real), .decimal128):
            // SQLite stored this number as a REAL already; its shortest round-trip text is the exact value it holds.
            guard let decimal = ExactDecimal(String(real)) else { throw bad() }
            return .decimal(decimal)
        case (.text(let text), .utf8): return .utf8(text)
        case (.text(let text), .decimal128):
            guard let decimal = ExactDecimal(text) else { throw bad() }
            return .decimal(decimal)
        case (.text(let text), .int64):
            guard let integer = Int64(text) else { throw bad() }
            return .int64(integer)
        case (.text(let text), .bool):
            switch text.lowercased() {
            case "1", "true", "yes": return .bool(true)
            case "0", "false", "no": return .bool(false)
            default: throw bad()
            }
        case (.text(let text), .date32):
            guard let date = CivilDate(String(text.prefix(10))) else { throw bad() }
            return .date32(date.daysSinceEpoch)
        case (.text(let text), .float64):
            guard let real = Double(text) else { throw bad() }
            return .float64(real)
        case (.blob(let data), .binary): return .binary([UInt8](data))
        case (.text(let text), .binary): return .binary(Array(text.utf8))
        default: throw bad()
        }
    }

    /// The side value for an Arrow value: decimals and dates become text so
    /// that no digit is lost.
    package static func sideValue(_ value: Value) -> SideValue {
        switch value {
        case .null: .null
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .int64(let integer): .integer(integer)
        case .float64(let real): .real(real)
        case .utf8(let text): .text(text)
        case .binary(let bytes): .blob(Data(bytes))
        case .decimal(let decimal): .text(decimal.description)
        case .date32(let days): .text(CivilDate(daysSinceEpoch: days).description)
        case .timestamp(let ticks): .integer(ticks)
        }
    }

    /// The side value for a map's JSON default.
    package static func sideValue(_ json: JSONValue) -> SideValue {
        switch json {
        case .null: .null
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .integer(let integer): .integer(integer)
        case .number(let real): .real(real)
        case .string(let text): .text(text)
        case .array, .object: .text(json.jsonText)
        }
    }

    /// A short rendering of a value for error messages.
    package static func describe(_ value: SideValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let integer): "integer \(integer)"
        case .real(let real): "real \(real)"
        case .text(let text): "text '\(text.prefix(60))'"
        case .blob(let data): "blob of \(data.count) bytes"
        }
    }
}
