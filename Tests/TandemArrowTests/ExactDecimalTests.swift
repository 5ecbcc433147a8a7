import Testing
import TandemArrow

@Suite("Exact decimals")
struct ExactDecimalTests {
    @Test("parses and prints every digit it was given", arguments: [
        "0", "-0.0001", "12.3400000000", "99999999999999999999999999999999999999",
        "-1234567890123456789012345678.1234567890", "0.000000000001",
    ])
    func roundTrip(_ text: String) throws {
        let value = try #require(ExactDecimal(text))
        #expect(value.description == text)
    }

    @Test("refuses text that is not a plain decimal", arguments: ["", "-", "1.2.3", "1e5", " 1", "12,5", "abc",
        "123456789012345678901234567890123456789"])
    func refuses(_ text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    @Test("rescaling up is exact, rescaling down never rounds")
    func rescale() throws {
        let amount = try #require(ExactDecimal("1234567890123.4567"))
        #expect(try amount.rescaled(to: 10).description == "1234567890123.4567000000")
        #expect(try amount.rescaled(to: 4) == amount)
        let error = #expect(throws: ArrowError.self) { try amount.rescaled(to: 3) }
        #expect(error?.message == "1234567890123.4567 has more than 3 decimal places; rescaling would lose digits")
        let big = try #require(ExactDecimal("12345678901234567890123456789"))
        let overflow = #expect(throws: ArrowError.self) { try big.rescaled(to: 10) }
        #expect(overflow?.message == "12345678901234567890123456789 does not fit in 38 digits at scale 10")
    }

    @Test("equality is numeric")
    func equality() throws {
        #expect(ExactDecimal("1.50") == ExactDecimal("1.5"))
        #expect(Set([ExactDecimal("2.000")!, ExactDecimal("2")!]).count == 1)
        #expect(ExactDecimal("1.51") != ExactDecimal("1.5"))
    }
}
