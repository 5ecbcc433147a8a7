/// A strict reading of JSON text (RFC 8259), run on every plugin document
/// before it is decoded.
///
/// Foundation's decoder accepts a trailing comma (`[1, 2,]`, `{"a": 1,}`)
/// and keeps the first of two members with the same name, so a document
/// with a slip in it loaded as if it were right: a plugin author's typo
/// changed what the plugin meant, silently. This reader refuses both, and
/// everything else the grammar does not allow (comments, single quotes,
/// leading zeros, control characters in strings, text after the value),
/// with the line, the column and the place inside the document.
///
/// It also knows which members each part of a document may have (a
/// ``Members`` description per document type), so a misspelt member
/// (`depend_on`, `lokup`) is an error rather than a member nobody reads.
public enum StrictJSON {
    /// The members an object in a document may have, and what each holds.
    public indirect enum Members: Sendable {
        /// Anything: a transform's config, a column or list of columns.
        case any
        /// An object with these members only.
        case object([String: Members])
        /// A list whose elements are described by the inner value.
        case list(Members)
    }

    /// Where and why a document is not strict JSON.
    public struct Failure: Error, Sendable {
        /// The place inside the document, as a path (`maps[0].fields[3]`); empty at the top.
        public var path: String
        /// 1-based line of the offending character.
        public var line: Int
        /// 1-based column (in bytes) of the offending character.
        public var column: Int
        /// What is wrong.
        public var reason: String
        /// False for text that is JSON but not what the document allows (a
        /// member given twice, an unknown member).
        public var isSyntax: Bool = true
    }

    /// Checks `bytes` against the JSON grammar and, when given, the members
    /// each object may have; throws at the first problem.
    public static func check(_ bytes: [UInt8], members: Members? = nil) throws(Failure) {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.index < bytes.count else { throw reader.failure("the document is empty", path: "") }
        try reader.value(path: "", members: members)
        reader.skipWhitespace()
        if reader.index < bytes.count {
            throw reader.failure("unexpected text after the end of the document", path: "")
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ reason: String, path: String, at position: Int? = nil) -> Failure {
            let end = min(position ?? index, bytes.count)
            var line = 1
            var lineStart = 0
            for offset in 0..<end where bytes[offset] == UInt8(ascii: "\n") {
                line += 1
                lineStart = offset + 1
            }
            return Failure(path: path, line: line, column: end - lineStart + 1, reason: reason)
        }

        /// What the next character is, for messages.
        func found() -> String {
            guard index < bytes.count else { return "the end of the document" }
            let byte = bytes[index]
            return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(StrictJSON.hex(byte))"
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(path: String, members: Members?) throws(Failure) {
            guard index < bytes.count else {
                throw failure("expected a value, found the end of the document", path: path)
            }
            switch bytes[index] {
            case UInt8(ascii: "{"): try object(path: path, members: members)
            case UInt8(ascii: "["): try list(path: path, members: members)
            case UInt8(ascii: "\""): _ = try string(path: path)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(path: path)
            case UInt8(ascii: "t"): try literal("true", path: path)
            case UInt8(ascii: "f"): try literal("false", path: path)
            case UInt8(ascii: "n"): try literal("null", path: path)
            case UInt8(ascii: "'"):
                throw failure("strings take double quotes (\"), not single quotes", path: path)
            case UInt8(ascii: "/"):
                throw failure("JSON has no comments", path: path)
            default:
                throw failure("expected a value, found \(found())", path: path)
            }
        }

        mutating func object(path: String, members: Members?) throws(Failure) {
            let known: [String: Members]?
            switch members {
            case .object(let described): known = described
            case .list:
                throw failure("expected a list, found an object", path: path)
            case .any, nil: known = nil
            }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            var seen: Set<String> = []
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                        throw failure("trailing comma before '}'", path: path, at: lastComma(before: index))
                    }
                    throw failure("expected a member name in double quotes, found \(found())", path: path)
                }
                let nameStart = index
                let name = try string(path: path)
                let memberPath = path.isEmpty ? name : "\(path).\(name)"
                guard seen.insert(name).inserted else {
                    var error = failure(
                        "member '\(name)' appears twice; JSON readers disagree on which one counts, so keep one",
                        path: path, at: nameStart)
                    error.isSyntax = false
                    throw error
                }
                var inner: Members? = nil
                if let known {
                    guard let described = known[name] else {
                        let names = known.keys.sorted()
                        let suggestion = closest(name, in: names).map { "did you mean '\($0)'? " } ?? ""
                        var error = failure(
                            "unknown member '\(name)'; \(suggestion)known: \(names.joined(separator: ", "))",
                            path: path, at: nameStart)
                        error.isSyntax = false
                        throw error
                    }
                    inner = described
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw failure("expected ':' after member name '\(name)', found \(found())", path: path)
                }
                index += 1
                skipWhitespace()
                try value(path: memberPath, members: inner)
                skipWhitespace()
                guard index < bytes.count else { throw failure("the object is not closed with '}'", path: path) }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else {
                    throw failure("expected ',' or '}' after member '\(name)', found \(found())", path: path)
                }
                index += 1
                return
            }
        }

        mutating func list(path: String, members: Members?) throws(Failure) {
            let element: Members?
            switch members {
            case .list(let described): element = described
            case .object:
                throw failure("expected an object, found a list", path: path)
            case .any, nil: element = nil
            }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            var count = 0
            while true {
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    throw failure("trailing comma before ']'", path: path, at: lastComma(before: index))
                }
                try value(path: "\(path)[\(count)]", members: element)
                count += 1
                skipWhitespace()
                guard index < bytes.count else { throw failure("the list is not closed with ']'", path: path) }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else {
                    throw failure("expected ',' or ']' after element \(count - 1), found \(found())", path: path)
                }
                index += 1
                return
            }
        }

        /// The comma a closing bracket follows, so the message points at it.
        func lastComma(before position: Int) -> Int {
            var offset = position - 1
            while offset > 0, bytes[offset] != UInt8(ascii: ",") { offset -= 1 }
            return offset
        }

        /// Reads a string and returns its text (escapes decoded).
        mutating func string(path: String) throws(Failure) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
            while true {
                guard index < bytes.count else { throw failure("the string is not closed with '\"'", path: path) }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    break
                }
                if byte < 0x20 {
                    throw failure(
                        "control character \(StrictJSON.hex(byte)) inside a string; write it as an escape (\\n, \\t, \\u00XX)",
                        path: path)
                }
                if byte == UInt8(ascii: "\\") {
                    flush()
                    index += 1
                    guard index < bytes.count else { throw failure("the string is not closed with '\"'", path: path) }
                    switch bytes[index] {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        let unit = try hex4(path: path)
                        if (0xD800...0xDBFF).contains(unit) {
                            guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
                                bytes[index + 2] == UInt8(ascii: "u")
                            else {
                                throw failure("a high surrogate \\u escape is not followed by a low one", path: path)
                            }
                            index += 2
                            let low = try hex4(path: path)
                            guard (0xDC00...0xDFFF).contains(low) else {
                                throw failure("a high surrogate \\u escape is not followed by a low one", path: path)
                            }
                            scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                        } else if let scalar = Unicode.Scalar(unit) {
                            scalars.append(scalar)
                        } else {
                            throw failure("a low surrogate \\u escape stands alone", path: path)
                        }
                    default:
                        throw failure(
                            "unknown escape '\\\(Character(Unicode.Scalar(bytes[index])))' in a string", path: path)
                    }
                    index += 1
                    continue
                }
                run.append(byte)
                index += 1
            }
            flush()
            return String(scalars)
        }

        /// Reads the four hex digits after `\u`, leaving `index` on the last one.
        mutating func hex4(path: String) throws(Failure) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                index += 1
                guard index < bytes.count, let digit = Self.hexDigit(bytes[index]) else {
                    throw failure("a \\u escape needs four hex digits", path: path)
                }
                value = value << 4 | digit
            }
            return value
        }

        static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        mutating func number(path: String) throws(Failure) {
            func digits() -> Int {
                let start = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - start
            }
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            let count = digits()
            guard count > 0 else { throw failure("a number needs digits", path: path) }
            if count > 1, bytes[integerStart] == UInt8(ascii: "0") {
                throw failure("a number does not start with 0 (leading zeros are not JSON)", path: path, at: start)
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw failure("a number needs digits after '.'", path: path) }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits() > 0 else { throw failure("a number needs digits in its exponent", path: path) }
            }
        }

        mutating func literal(_ word: String, path: String) throws(Failure) {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw failure("expected a value, found \(found()) (true, false and null are lower case)", path: path)
            }
            index += expected.count
        }
    }

    /// `0x0A`, for messages.
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    /// The known name closest to `name` by edit distance, when it is close enough to be a typo.
    package static func closest(_ name: String, in names: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let target = Array(name.lowercased())
        let scored = names.map { ($0, distance(target, Array($0.lowercased()))) }.sorted { $0.1 < $1.1 }
        guard let best = scored.first, best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }
}
