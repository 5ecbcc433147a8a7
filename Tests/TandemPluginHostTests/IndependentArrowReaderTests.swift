import Foundation
import Testing
import TandemTestSupport
import TandemDocuments

/// pyarrow, a reader nobody here wrote, loads the bundled plugin with ctypes
/// (Tests/Fixtures/arrow_check.py), feeds it batches it built itself and reads
/// what the plugin returns.
@Suite("An independent Arrow reader (pyarrow) checks the bundled plugin's output")
struct IndependentArrowReaderTests {
    @Test("decimals exact to the last digit, text, booleans, integers and nulls")
    func pyarrowReadsPluginOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.packStandardTransforms(into: directory)
        func column(_ name: String, _ format: String) -> JSONValue { .object(["name": .string(name), "format": .string(format)]) }
        let job: JSONValue = .object([
            "plugin": .string(library),
            "cases": .array([
                .object([
                    "transform": .string("tandem.std.currency-precision"),
                    "config": .object(["scale": .integer(10)]),
                    "input": .object([
                        "columns": .array([column("CREDITLIMIT", "d:38,4")]),
                        "rows": .array([
                            .array([.string("1234567890123456789012345678.1234")]), .array([.string("-0.0001")]),
                            .array([.null]), .array([.string("0")]),
                        ]),
                    ]),
                ]),
                .object([
                    "transform": .string("tandem.std.currency-precision"),
                    "config": .object(["scale": .integer(12), "kind": .string("exchange-rate")]),
                    "input": .object([
                        "columns": .array([column("rate", "u")]),
                        "rows": .array([.array([.string("1.085012345678")]), .array([.string("26000000.000000000001")])]),
                    ]),
                ]),
                .object([
                    "transform": .string("tandem.std.value-map"),
                    "config": .object(["map": .object(["no": .string("False"), "yes": .string("True")]), "output": .string("b")]),
                    "input": .object([
                        "columns": .array([column("ISONETIMECUSTOMER", "u")]),
                        "rows": .array([.array([.string("yes")]), .array([.null]), .array([.string("no")])]),
                    ]),
                ]),
                .object([
                    "transform": .string("tandem.std.concat"),
                    "config": .object(["name": .string("fullname")]),
                    "input": .object([
                        "columns": .array([column("first", "u"), column("last", "u")]),
                        "rows": .array([.array([.string("Ōtomo"), .string("Katsuhiro")]), .array([.null, .string("Ωmega")])]),
                    ]),
                ]),
                .object([
                    "transform": .string("tandem.std.nope"),
                    "input": .object(["columns": .array([column("v", "u")]), "rows": .array([])]),
                ]),
            ]),
        ])
        let jobFile = directory + "/job.json"
        try Data(job.jsonText.utf8).write(to: URL(fileURLWithPath: jobFile))
        let result = try Fixtures.run(
            "/usr/bin/env", ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/arrow_check.py", jobFile])
        try #require(result.status == 0, "arrow_check.py failed: \(result.stderr)")
        let output = try JSONValue.parse(result.stdout, document: "arrow_check.py output")
        let cases = try #require(output["cases"]?.arrayValue)
        #expect(output["plugin"]?["id"] == .string("tandem.std.transforms"))
        #expect(cases[0]["columns"]?.arrayValue?.first?["type"] == .string("decimal128(38, 10)"))
        #expect(cases[0]["rows"] == .array([
            .array([.string("1234567890123456789012345678.1234000000")]), .array([.string("-0.0001000000")]),
            .array([.null]), .array([.string("0.0000000000")]),
        ]))
        #expect(cases[1]["rows"] == .array([.array([.string("1.085012345678")]), .array([.string("26000000.000000000001")])]))
        #expect(cases[2]["rows"] == .array([.array([.bool(true)]), .array([.null]), .array([.bool(false)])]))
        #expect(cases[3]["rows"] == .array([.array([.string("Ōtomo Katsuhiro")]), .array([.string("Ωmega")])]))
        #expect(cases[4]["error"]?.stringValue?.hasPrefix("unknown transform 'tandem.std.nope'") == true)
    }
}
