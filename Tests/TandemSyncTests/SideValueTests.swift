import Foundation
import Testing

@testable import TandemEngine

/// The engine's own value type: equality is exact, as two rows on a side are.
@Suite("Side values")
struct SideValueTests {
    @Test("text compares by its bytes: canonically equivalent texts are two values")
    func textBytes() {
        let composed = SideValue.text("caf\u{E9}")
        let decomposed = SideValue.text("cafe\u{301}")
        // Swift's String == calls these equal; SQLite stores (and keys) them as two rows.
        #expect("caf\u{E9}" == "cafe\u{301}")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(composed == .text("caf\u{E9}"))
    }

    @Test("an integer is not a real, nor its text; 0.0 and -0.0 are one value")
    func storageClasses() {
        #expect(SideValue.integer(1) != .real(1))
        #expect(SideValue.integer(1) != .text("1"))
        #expect(SideValue.blob(Data("a".utf8)) != .text("a"))
        #expect(SideValue.real(0) == .real(-0.0))
        #expect(Set([SideValue.real(0), .real(-0.0)]).count == 1)
        #expect(SideValue.null == .null)
        #expect(SideValue.null != .text(""))
    }

    @Test("GRDB values convert both ways in their storage class")
    func grdbBridge() {
        let values: [SideValue] = [.null, .integer(.min), .real(0.1 + 0.2), .text("K\u{0}evil"), .blob(Data([0, 255]))]
        for value in values {
            #expect(SideValue(value.databaseValue) == value)
        }
    }
}
