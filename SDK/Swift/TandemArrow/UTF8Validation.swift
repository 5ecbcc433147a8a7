/// UTF-8 checks over raw bytes, without building a `String`: import checks a
/// whole text buffer once, so that reading a cell later needs no check.
enum UTF8Validation {
    /// Whether the `count` bytes at `start` are well-formed UTF-8 (no
    /// overlong forms, no surrogates, nothing above U+10FFFF).
    static func isValid(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        var index = 0
        while index < count {
            // Text in ERP tables is mostly ASCII: eight bytes per step while it is.
            while index + 8 <= count {
                let word = UnsafeRawPointer(start + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
            guard index < count else { return true }
            let lead = start[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            func continuation(_ offset: Int) -> UInt8? {
                guard index + offset < count else { return nil }
                let byte = start[index + offset]
                return byte & 0xC0 == 0x80 ? byte : nil
            }
            switch lead {
            case 0xC2...0xDF:
                guard continuation(1) != nil else { return false }
                index += 2
            case 0xE0...0xEF:
                guard let second = continuation(1), continuation(2) != nil else { return false }
                // E0 needs A0...BF (no overlong forms); ED needs 80...9F (no surrogates).
                if lead == 0xE0 && second < 0xA0 || lead == 0xED && second > 0x9F { return false }
                index += 3
            case 0xF0...0xF4:
                guard let second = continuation(1), continuation(2) != nil, continuation(3) != nil else {
                    return false
                }
                // F0 needs 90...BF (no overlong forms); F4 needs 80...8F (at most U+10FFFF).
                if lead == 0xF0 && second < 0x90 || lead == 0xF4 && second > 0x8F { return false }
                index += 4
            default:
                return false
            }
        }
        return true
    }

    /// Whether `byte` continues a character rather than starting one.
    @inline(__always)
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
