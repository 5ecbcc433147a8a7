/// Splits a filter into tokens (``FilterToken``); anything the language has
/// no token for is an error at its character.
enum FilterLexer {
    /// The tokens of `text`, ending with `.end`; a character that starts
    /// no token ends the list with an `.invalid` token carrying its error.
    static func tokens(_ text: String) -> [FilterToken] {
        var tokens: [FilterToken] = []
        do {
            try scan(text, into: &tokens)
        } catch {
            tokens.append(FilterToken(kind: .invalid(error), offset: error.offset))
        }
        tokens.append(FilterToken(kind: .end, offset: text.count))
        return tokens
    }

    /// Appends the tokens of `text` to `tokens`, up to the first character that starts none.
    private static func scan(_ text: String, into tokens: inout [FilterToken]) throws(FilterError) {
        let characters = Array(text)
        var index = 0
        /// Whether `characters[at]` is an ASCII digit.
        func digit(_ at: Int) -> Bool { at < characters.count && characters[at].isASCII && characters[at].isNumber }
        while index < characters.count {
            let start = index
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            switch character {
            case "(": tokens.append(FilterToken(kind: .open, offset: start)); index += 1
            case ")": tokens.append(FilterToken(kind: .close, offset: start)); index += 1
            case ",": tokens.append(FilterToken(kind: .comma, offset: start)); index += 1
            case "'":
                var value = ""
                index += 1
                var closed = false
                while index < characters.count {
                    if characters[index] == "'" {
                        if index + 1 < characters.count, characters[index + 1] == "'" {
                            value.append("'")
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    value.append(characters[index])
                    index += 1
                }
                guard closed else {
                    throw FilterError(offset: start, "this text has no closing quote (')")
                }
                tokens.append(FilterToken(kind: .literal(.text(value)), offset: start))
            case "=", "<", ">", "!":
                var symbol = String(character)
                index += 1
                if index < characters.count, ["=", ">"].contains(characters[index]) {
                    symbol.append(characters[index])
                    index += 1
                }
                tokens.append(FilterToken(kind: .symbol(symbol), offset: start))
            case _ where digit(index) || (character == "-" && digit(index + 1)):
                tokens.append(FilterToken(kind: .literal(try number(characters, &index)), offset: start))
            case _ where character.isLetter || character == "_":
                var word = ""
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                {
                    word.append(characters[index])
                    index += 1
                }
                tokens.append(FilterToken(kind: .word(word), offset: start))
            case "\"":
                throw FilterError(
                    offset: start, "text is written in single quotes ('…'), and a column by its bare name")
            default:
                throw FilterError(
                    offset: start,
                    "'\(character)' is not part of the filter language; it has columns, 'text', numbers, dates, "
                        + "eq ne gt ge lt le, and or not, in (…), like, is null, startswith(), contains(), "
                        + "lower(), upper() and parentheses")
            }
        }
    }

    /// A number, date or date-time starting at `index` (a digit, or `-`
    /// before one); moves `index` past it.
    private static func number(_ characters: [Character], _ index: inout Int) throws(FilterError) -> FilterLiteral {
        let start = index
        // The literal runs to the next character that cannot belong to one.
        while index < characters.count,
            characters[index].isLetter || characters[index].isNumber || ".:-+".contains(characters[index])
        {
            index += 1
        }
        let text = String(characters[start..<index])
        if let date = dateLiteral(text) { return date }
        if text.contains("-"), !text.hasPrefix("-") || text.dropFirst().contains("-") {
            throw FilterError(
                offset: start, "'\(text)' is not a date; write a date as 2024-01-31 and a time as 2024-01-31T10:00:00Z")
        }
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else {
            throw FilterError(offset: start, "'\(text)' is not a number; write a number as 42, -7 or 12.50")
        }
        if parts.count == 2 { return .decimal(text) }
        guard let value = Int64(text) else {
            throw FilterError(offset: start, "\(text) does not fit a 64-bit whole number")
        }
        return .integer(value)
    }

    /// `text` as a date (`yyyy-mm-dd`) or date-time (`yyyy-mm-ddThh:mm[:ss[.f]][Z|±hh:mm]`), nil when it is neither.
    private static func dateLiteral(_ text: String) -> FilterLiteral? {
        let characters = Array(text)
        /// The whole number in `characters[range]`, nil unless all digits.
        func field(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            let part = characters[range]
            guard part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(part))
        }
        guard characters.count >= 10, characters[4] == "-", characters[7] == "-", let year = field(0..<4),
            let month = field(5..<7), let day = field(8..<10), (1...12).contains(month), year > 0
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        if characters.count == 10 { return .date(text) }
        guard characters[10] == "T", characters.count >= 16, let hour = field(11..<13), characters[13] == ":",
            let minute = field(14..<16), hour < 24, minute < 60
        else { return nil }
        var at = 16
        if at < characters.count, characters[at] == ":" {
            guard let second = field(at + 1..<at + 3), second < 60 else { return nil }
            at += 3
            if at < characters.count, characters[at] == "." {
                let digits = characters[(at + 1)...].prefix { $0.isASCII && $0.isNumber }.count
                guard digits > 0 else { return nil }
                at += 1 + digits
            }
        }
        if at < characters.count {
            if characters[at] == "Z" {
                at += 1
            } else if characters[at] == "+" || characters[at] == "-" {
                guard let zoneHour = field(at + 1..<at + 3), at + 3 < characters.count, characters[at + 3] == ":",
                    let zoneMinute = field(at + 4..<at + 6), zoneHour < 24, zoneMinute < 60
                else { return nil }
                at += 6
            }
        }
        return at == characters.count ? .dateTime(text) : nil
    }
}
