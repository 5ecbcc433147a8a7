import Testing
import TandemArrow

@Suite("Arrow format strings")
struct ArrowTypeTests {
    @Test("every supported format parses and prints back", arguments: [
        "n", "b", "l", "g", "u", "z", "d:38,10", "d:12,0", "tdD", "tss:", "tsm:", "tsu:UTC", "tsn:Europe/Oslo",
    ])
    func roundTrip(_ format: String) throws {
        #expect(try ArrowType(format: format).format == format)
    }

    @Test("unsupported formats are refused with the field and the list of what is carried")
    func refused() {
        let error = #expect(throws: ArrowError.self) { try ArrowType(format: "q", field: "amount") }
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message == "Arrow format 'q' of field 'amount' is not supported; Tandem carries n, b, l, g, u, z, d:P,S, tdD and ts[smun]:[zone]")
        let decimal = #expect(throws: ArrowError.self) { try ArrowType(format: "d:39,2") }
        #expect(decimal?.message == "Arrow format 'd:39,2' is not a decimal128 with precision 1...38 and scale 0...precision")
        #expect(throws: ArrowError.self) { try ArrowType(format: "d:10,2,256") }
    }
}
