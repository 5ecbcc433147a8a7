import Foundation

/// The text form SQLite's `quote()` gives a value, which the capture
/// triggers use to record keys and rows: `NULL`, `42`, `1.5e+10`, `'it''s'`,
/// `X'00FF'`. Every storage class survives the round trip exactly (SQLite
/// prints reals with enough digits to read back the same double).
///
/// Text that `quote()` cannot carry has a form of its own, `TX'4B00'` (the
/// text's bytes in hex): `quote()` cuts a text at its first NUL byte (it
/// prints the value as a C string), so the capture triggers record a text
/// holding a NUL this way, and the change-log reader rewrites a literal that
/// is not valid UTF-8 into it (see ``normalized(_:)``), so that two keys that
/// differ in such bytes stay two keys and nothing is repaired to U+FFFD.
/// A `TX` literal parses to its text when the bytes are valid UTF-8 (NULs
/// included); otherwise parsing refuses it (``SyncError/Code/invalidText``).
package enum SQLLiteral {
    /// Parses a comma-separated list of `quote()` literals. `names`, when
    /// given, names the list's columns in an error about text that is not
    /// valid UTF-8.
    package static func parseList(_ text: String, names: [String] = []) throws(SyncError) -> [SideValue] {
        // Parsing works on the contiguous UTF-8 bytes: every change of every
        // batch goes through here.
        var copy = text
        let result: Result<[SideValue], SyncError> = copy.withUTF8 { bytes in
            do throws(SyncError) {
                return .success(try parseList(bytes, whole: text, names: names))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parseList(
        _ bytes: UnsafeBufferPointer<UInt8>, whole: String, names: [String]
    ) throws(SyncError)
        -> [SideValue]
    {
        var result: [SideValue] = []
        var index = 0
        while index < bytes.count {
            result.append(
                try parseOne(bytes, &index, whole: whole, name: result.count < names.count ? names[result.count] : nil))
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else { throw malformed(whole) }
                index += 1
                if index == bytes.count { throw malformed(whole) }
            }
        }
        return result
    }

    private static func parseOne(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, whole: String, name: String?
    )
        throws(SyncError) -> SideValue
    {
        let quote = UInt8(ascii: "'")
        switch bytes[index] {
        case UInt8(ascii: "T"):
            index += 1
            guard index < bytes.count, bytes[index] == UInt8(ascii: "X") else { throw malformed(whole) }
            let start = index
            guard case .blob(let data) = try parseOne(bytes, &index, whole: whole, name: name) else {
                throw malformed(whole)
            }
            guard let offset = firstInvalidUTF8(data) else {
                return .text(String(decoding: data, as: UTF8.self))
            }
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start - 1)..<index]), as: UTF8.self)
            throw SyncError(
                .invalidText,
                "\(name.map { "column \($0)" } ?? "a value") is not valid UTF-8: byte \(offset + 1) of \(data.count) "
                    + "(0x\(String(data[data.startIndex + offset], radix: 16, uppercase: true))) in \(literal.prefix(200)); "
                    + "Tandem carries text byte for byte and does not repair it")
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
            guard doubled else { return .text(String(decoding: body, as: UTF8.self)) }
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(body.count)
            var position = 0
            while position < body.count {
                unescaped.append(body[position])
                position += body[position] == quote ? 2 : 1
            }
            return .text(String(decoding: unescaped, as: UTF8.self))
        case UInt8(ascii: "X"):
            // (Also the hex part of a `TX` literal, which the case above turns into text.)
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
            return .blob(data)
        default:
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
            let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if token == "NULL" { return .null }
            if let integer = Int64(token) { return .integer(integer) }
            switch token {
            case "Inf": return .real(.infinity)
            case "-Inf": return .real(-.infinity)
            default: break
            }
            guard let real = Double(token) else { throw malformed(whole) }
            return .real(real)
        }
    }

    /// The literals of a list as they are written, without decoding them: what
    /// `tandem errors show` and `tandem conflicts show` print per column, also
    /// for a `TX'..'` literal that is not valid UTF-8 (which ``parseList(_:names:)`` refuses).
    package static func split(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        let quote = UInt8(ascii: "'")
        var result: [String] = []
        var start = 0
        var index = 0
        var quoted = false
        while index <= bytes.count {
            if index == bytes.count || (!quoted && bytes[index] == UInt8(ascii: ",")) {
                guard index > start else { return nil }
                result.append(String(decoding: bytes[start..<index], as: UTF8.self))
                start = index + 1
            } else if bytes[index] == quote {
                // A doubled quote inside a literal closes and reopens it: the state comes back.
                quoted.toggle()
            }
            index += 1
        }
        return quoted ? nil : result
    }

    /// A literal list as SQL expressions for a `(key columns) > (...)` bound:
    /// each `quote()` literal as it is (they are SQL), a `TX'..'` as
    /// `CAST(X'..' AS TEXT)`, which gives the exact bytes also where they are
    /// not valid UTF-8 (no Swift string can hold those, so they cannot be bound).
    static func sqlExpressions(_ list: String) throws(SyncError) -> String {
        guard let literals = split(list) else { throw malformed(list) }
        return literals.map { literal in
            switch literal {
            case let text where text.hasPrefix("TX'"): "CAST(\(text.dropFirst()) AS TEXT)"
            case "Inf": "9e999"
            case "-Inf": "-9e999"
            default: literal
            }
        }.joined(separator: ", ")
    }

    /// The literal SQLite's `quote()` would print for `value`, for values
    /// that are keys (integers, text, blobs, null).
    package static func quote(_ value: SideValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let integer): return String(integer)
        case .real(let real):
            // Keys are rarely reals; match quote() for whole numbers at least.
            if real == real.rounded(), abs(real) < 1e15 { return String(format: "%.1f", real) }
            return String(format: "%.20e", real)
        case .text(let text):
            // As the capture triggers record a text holding a NUL (which `quote()` would cut).
            if text.utf8.contains(0) { return "T" + quote(.blob(Data(text.utf8))) }
            return "'" + doubling(UInt8(ascii: "'"), in: text) + "'"
        case .blob(let data): return "X'" + data.map { String(format: "%02X", $0) }.joined() + "'"
        }
    }

    /// `text` with every `quote` byte doubled, as SQL escapes quotes.
    ///
    /// Done on the UTF-8 bytes, not with `replacingOccurrences`: Foundation
    /// compares by grapheme cluster, so a quote followed by a combining mark
    /// (`'` + U+0338) is one character that is not `'`, and stayed single. A
    /// key holding one got a literal that is not SQLite's `quote()` of it
    /// (found by scripts/fuzz.sh), and an identifier or literal built from
    /// such text could end its quotes early.
    package static func doubling(_ quote: UInt8, in text: String) -> String {
        guard text.utf8.contains(quote) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 4)
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == quote { bytes.append(byte) }
        }
        // Inserting ASCII next to ASCII keeps the bytes valid UTF-8.
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `quote()` literals of `values`, comma-separated, as the triggers write keys.
    package static func quoteList(_ values: [SideValue]) -> String {
        values.map(quote).joined(separator: ",")
    }

    /// The position of the first byte of `bytes` that is not part of a valid
    /// UTF-8 sequence (overlong forms, surrogates and code points above
    /// U+10FFFF are invalid, as Swift, Arrow and PostgreSQL see them), or nil.
    package static func firstInvalidUTF8(_ bytes: some Collection<UInt8>) -> Int? {
        let bytes = Array(bytes)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, high) = (3, 0x9F)
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, high) = (4, 0x8F)
            default: return index
            }
            for position in 1..<length {
                guard index + position < bytes.count else { return index }
                let byte = bytes[index + position]
                let (min, max) = position == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= min, byte <= max else { return index }
            }
            index += length
        }
        return nil
    }

    /// The change log's `key` or `row` as the engine keeps it: the bytes as
    /// they are when they are valid UTF-8; otherwise each text literal that
    /// is not becomes `TX'..'` (its bytes in hex), so that nothing is
    /// repaired to U+FFFD and two such keys stay apart. Parsing such a
    /// literal refuses it with the column and the byte.
    static func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Nearly always valid: one validation, no copy beyond the String's own.
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let quote = UInt8(ascii: "'")
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 2)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == quote else {
                result.append(bytes[index])
                index += 1
                continue
            }
            // A quoted literal: its body runs to a quote that is not doubled.
            var body: [UInt8] = []
            var end = index + 1
            while end < bytes.count {
                if bytes[end] == quote {
                    if end + 1 < bytes.count, bytes[end + 1] == quote {
                        body.append(quote)
                        end += 2
                        continue
                    }
                    break
                }
                body.append(bytes[end])
                end += 1
            }
            if firstInvalidUTF8(body) == nil {
                result.append(contentsOf: bytes[index...min(end, bytes.count - 1)])
            } else {
                result.append(contentsOf: "TX'".utf8)
                for byte in body { result.append(contentsOf: hexDigits(byte)) }
                result.append(quote)
            }
            index = end + 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// ``normalized(_:)`` of raw bytes, for the fuzz harness.
    package static func normalized(bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { normalized($0) }
    }

    /// ``normalized(_:)`` of a blob (the change log's `key` or `row` read with `CAST(... AS BLOB)`).
    static func normalized(_ data: Data) -> String {
        data.withUnsafeBytes { normalized($0.bindMemory(to: UInt8.self)) }
    }

    private static func hexDigits(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
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
