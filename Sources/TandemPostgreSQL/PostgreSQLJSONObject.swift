/// The members of a `jsonb` object as `jsonb_each_text` gives them, read
/// from the object's text output (`row::text`) on the client.
///
/// The change log's key and row images are `jsonb` objects. Reading them
/// with `jsonb_each_text` in a lateral join made the server return one
/// result row per column, with the change's own columns repeated on each,
/// and sort them again: measured, the log read cost the server as much as
/// applying the rows it carried. The object's text output is one value per
/// change, and splitting it here is a single pass over bytes.
///
/// A member's value is what `jsonb_each_text` returns for it: a string
/// unescaped, a number or `true`/`false` as written (numbers keep every
/// digit: they are never parsed), `null` as nil, and a nested array or
/// object as its own text output (which is the same bytes as inside the
/// outer one). Any JSON object is accepted, not only `jsonb`'s own
/// spacing; anything else is refused with the offset of the first wrong
/// byte.
public enum PostgreSQLJSONObject {
    /// The members of the object `text`, in their order in the text.
    public static func members(_ text: String) throws -> [(name: String, value: String?)] {
        var text = text
        return try text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return try reader.object()
        }
    }

    /// A cursor over the text's bytes.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

        func failure(_ what: String) -> PostgreSQLError {
            PostgreSQLError(
                .server, "a change log image is not a JSON object: \(what) at byte \(position) of \(bytes.count)")
        }

        mutating func skipSpace() {
            while position < bytes.count,
                bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09
            {
                position += 1
            }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard position < bytes.count, bytes[position] == byte else {
                throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
            }
            position += 1
        }

        mutating func object() throws -> [(name: String, value: String?)] {
            try expect(UInt8(ascii: "{"))
            var members: [(name: String, value: String?)] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return try end(members)
            }
            while true {
                skipSpace()
                let name = try string()
                try expect(UInt8(ascii: ":"))
                members.append((name, try value()))
                skipSpace()
                guard position < bytes.count else { throw failure("unexpected end") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return try end(members)
            }
        }

        mutating func end(_ members: [(name: String, value: String?)]) throws -> [(name: String, value: String?)] {
            skipSpace()
            guard position == bytes.count else { throw failure("text after the object") }
            return members
        }

        /// A member's value as `jsonb_each_text` gives it.
        mutating func value() throws -> String? {
            skipSpace()
            guard position < bytes.count else { throw failure("unexpected end") }
            switch bytes[position] {
            case Self.quote: return try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["): return try nested()
            case UInt8(ascii: "n"):
                try literal("null")
                return nil
            case UInt8(ascii: "t"):
                try literal("true")
                return "true"
            case UInt8(ascii: "f"):
                try literal("false")
                return "false"
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = position
                while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            default: throw failure("unexpected byte")
            }
        }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }

        mutating func literal(_ word: String) throws {
            var index = position
            for byte in word.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw failure("unexpected byte") }
                index += 1
            }
            position = index
        }

        /// A nested array or object, as its text: its bytes from the bracket to the matching one.
        mutating func nested() throws -> String {
            let start = position
            var depth = 0
            while position < bytes.count {
                let byte = bytes[position]
                if byte == Self.quote {
                    _ = try string()
                    continue
                }
                position += 1
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    }
                }
            }
            throw failure("unterminated array or object")
        }

        /// A string, unescaped; the cursor is on its opening quote.
        mutating func string() throws -> String {
            guard position < bytes.count, bytes[position] == Self.quote else { throw failure("expected a string") }
            position += 1
            let start = position
            // The common case, no escape: the bytes as they are.
            while position < bytes.count, bytes[position] != Self.quote, bytes[position] != Self.backslash {
                position += 1
            }
            guard position < bytes.count else { throw failure("unterminated string") }
            if bytes[position] == Self.quote {
                position += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position - 1]), as: UTF8.self)
            }
            var out = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == Self.quote { return String(decoding: out, as: UTF8.self) }
                guard byte == Self.backslash else {
                    out.append(byte)
                    continue
                }
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case Self.quote, Self.backslash, UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate is followed by its low one (jsonb accepts no other).
                        guard position + 1 < bytes.count, bytes[position] == Self.backslash,
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw failure("a lone surrogate") }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw failure("a lone surrogate") }
                    out.append(contentsOf: UTF8.encode(unicode)!)
                default: throw failure("an unknown escape")
                }
            }
            throw failure("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw failure("a short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw failure("a bad \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }
    }
}
