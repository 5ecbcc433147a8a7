import Testing
import TandemTestSupport
import TandemArrow
import TandemDocuments
import TandemPluginHost

@Suite("Bundled standard transforms, loaded through the real loader")
struct StandardTransformsTests {
    let plugin: LoadedPlugin

    init() throws {
        let directory = try Fixtures.temporaryDirectory()
        let library = try Fixtures.packStandardTransforms(into: directory)
        plugin = try PluginLoader().load(file: library, directory: directory)
    }

    @Test("the descriptor and the catalog match the manifest")
    func descriptor() {
        #expect(plugin.id == "tandem.std.transforms")
        #expect(plugin.kinds == [.transform])
        #expect(plugin.abiVersion == "1.0")
        #expect(plugin.transforms?.transforms.map(\.name) == [
            "tandem.std.value-map", "tandem.std.default", "tandem.std.concat", "tandem.std.currency-precision",
            "tandem.std.unit-conversion", "tandem.std.date-effectivity", "tandem.std.null-date",
        ])
    }

    @Test("value map both ways, as the customer map's on-hold status needs")
    func valueMap() throws {
        let table: JSONValue = .object(["no": .string("806380000"), "invoice": .string("806380001")])
        let forward = try plugin.makeTransform(
            "tandem.std.value-map", config: .object(["map": table, "output": .string("l")]),
            input: Schema([Field("ONHOLDSTATUS", .utf8)]))
        let result = try forward.process(try RecordBatch([Column(Field("ONHOLDSTATUS", .utf8), .utf8(["invoice", nil, "no"]))]))
        #expect(result.columns[0].data == .int64([806_380_001, nil, 806_380_000]))

        let reverse = try plugin.makeTransform(
            "tandem.std.value-map", config: .object(["map": table, "output": .string("l"), "reverse": .bool(true)]),
            input: Schema([Field("msdyn_onholdstatus", .int64)]))
        let back = try reverse.process(try RecordBatch([Column(Field("msdyn_onholdstatus", .int64), .int64([806_380_000]))]))
        #expect(back.columns[0].data == .utf8(["no"]))
    }

    @Test("a value missing from the map is an error naming the row and the value")
    func unmapped() throws {
        let transform = try plugin.makeTransform(
            "tandem.std.value-map", config: .object(["map": .object(["no": .string("False"), "yes": .string("True")])]),
            input: Schema([Field("ISONETIMECUSTOMER", .utf8)]))
        let error = #expect(throws: PluginCallError.self) {
            try transform.process(try RecordBatch([Column(Field("ISONETIMECUSTOMER", .utf8), .utf8(["yes", "maybe"]))]))
        }
        #expect(error?.kind == .reported)
        #expect(error?.status == 3)
        #expect(error?.message == "column 'ISONETIMECUSTOMER': value 'maybe' is not in the map (known: no, yes)")
    }

    @Test("a map that is not one-to-one cannot be reversed")
    func ambiguousReverse() throws {
        let error = #expect(throws: PluginCallError.self) {
            try plugin.makeTransform(
                "tandem.std.value-map",
                config: .object(["map": .object(["a": .string("1"), "b": .string("1")]), "reverse": .bool(true)]),
                input: Schema([Field("v", .utf8)]))
        }
        #expect(error?.status == 2)
        #expect(error?.message == "tandem.std.value-map: map is not one-to-one: 'a' and 'b' both map to '1', so the reverse direction is ambiguous")
    }

    @Test("currency precision keeps 10 places exactly and refuses to round")
    func currencyPrecision() throws {
        let transform = try plugin.makeTransform(
            "tandem.std.currency-precision", config: .object(["scale": .integer(10)]),
            input: Schema([Field("CREDITLIMIT", .utf8)]))
        let result = try transform.process(
            try RecordBatch([Column(Field("CREDITLIMIT", .utf8), .utf8(["9999999999999999999999999999.9999999999", "0.1"]))]))
        #expect(result.columns[0].data == .decimal128([ExactDecimal("9999999999999999999999999999.9999999999"), ExactDecimal("0.1000000000")]))
        let error = #expect(throws: PluginCallError.self) {
            try transform.process(try RecordBatch([Column(Field("CREDITLIMIT", .utf8), .utf8(["1.00000000001"]))]))
        }
        #expect(error?.message == "column 'CREDITLIMIT': 1.00000000001 has 11 decimal places and this field carries 10 (the map's scale, whatever the currency's precision): round it to 10 places where it was entered")
        let rates = #expect(throws: PluginCallError.self) {
            try plugin.makeTransform("tandem.std.currency-precision", config: .object(["scale": .integer(11)]), input: Schema([Field("x", .utf8)]))
        }
        #expect(rates?.message == "tandem.std.currency-precision: scale 11 is outside 0...10 for amounts")
    }

    @Test("concat joins and the reverse splits")
    func concat() throws {
        let join = try plugin.makeTransform(
            "tandem.std.concat", config: .object(["name": .string("fullname")]),
            input: Schema([Field("first", .utf8), Field("last", .utf8)]))
        let joined = try join.process(try RecordBatch([
            Column(Field("first", .utf8), .utf8(["Grace", "李"])), Column(Field("last", .utf8), .utf8(["Hopper", "小龙"])),
        ]))
        #expect(joined.columns[0].data == .utf8(["Grace Hopper", "李 小龙"]))
        let split = try plugin.makeTransform(
            "tandem.std.concat", config: .object(["parts": .array([.string("first"), .string("last")]), "reverse": .bool(true)]),
            input: Schema([Field("fullname", .utf8)]))
        let parts = try split.process(joined)
        #expect(parts.columns.map(\.data) == [.utf8(["Grace", "李"]), .utf8(["Hopper", "小龙"])])
    }

    @Test("an unknown transform name is refused with the list of known ones")
    func unknownTransform() {
        let error = #expect(throws: PluginCallError.self) {
            try plugin.makeTransform("tandem.std.nope", input: Schema([Field("v", .utf8)]))
        }
        #expect(error?.status == 1)
        #expect(error?.description == "plugin tandem.std.transforms: create_transform (tandem.std.nope) failed (code 1, invalid argument): unknown transform 'tandem.std.nope'; plugin tandem.std.transforms provides tandem.std.concat, tandem.std.currency-precision, tandem.std.date-effectivity, tandem.std.default, tandem.std.null-date, tandem.std.unit-conversion, tandem.std.value-map")
    }

    // MARK: Unit conversion

    private func convert(_ quantities: [String?], from: String, to: String, product: String? = nil, config: JSONValue) throws -> ColumnData {
        let fields = [Field("QTY", .utf8), Field("FROM", .utf8), Field("TO", .utf8), Field("PRODUCT", .utf8)]
        let transform = try plugin.makeTransform("tandem.std.unit-conversion", config: config, input: Schema(fields))
        let count = quantities.count
        let batch = try RecordBatch([
            Column(fields[0], .utf8(quantities)), Column(fields[1], .utf8(Array(repeating: from, count: count))),
            Column(fields[2], .utf8(Array(repeating: to, count: count))), Column(fields[3], .utf8(Array(repeating: product, count: count))),
        ])
        return try transform.process(batch).columns[0].data
    }

    @Test("unit conversion is exact to the last digit, inverts, prefers product conversions and rounds by the conversion's rule")
    func unitConversion() throws {
        let config: JSONValue = .object([
            "conversions": .array([
                .object(["from": .string("lb"), "to": .string("kg"), "factor": .string("0.45359237")]),
                .object(["from": .string("pcs"), "to": .string("dozen"), "denominator": .integer(12), "rounding": .string("up")]),
                .object(["from": .string("box"), "to": .string("pcs"), "factor": .integer(10)]),
            ]),
            "product_conversions": .array([
                .object(["product": .string("P1"), "from": .string("box"), "to": .string("pcs"), "factor": .integer(12), "rounding": .string("down")])
            ]),
        ])
        // 12345.6789 lb is exactly 5599.905751509993 kg: at 10 places, rounded to nearest, 5599.9057515100.
        #expect(try convert(["12345.6789"], from: "lb", to: "kg", config: config) == .decimal128([ExactDecimal("5599.9057515100")]))
        // The inverse of lb to kg: 1 kg = 2.2046226218487757... lb.
        #expect(try convert(["1"], from: "kg", to: "lb", config: config) == .decimal128([ExactDecimal("2.2046226218")]))
        // 1 pcs is 1/12 dozen; the conversion rounds up.
        #expect(try convert(["1"], from: "pcs", to: "dozen", config: config) == .decimal128([ExactDecimal("0.0833333334")]))
        // Product P1 has 12 per box, others 10; P1's inverse rounds down.
        #expect(try convert(["2"], from: "box", to: "pcs", product: "P1", config: config) == .decimal128([ExactDecimal("24.0000000000")]))
        #expect(try convert(["2"], from: "box", to: "pcs", product: "P2", config: config) == .decimal128([ExactDecimal("20.0000000000")]))
        #expect(try convert(["1"], from: "pcs", to: "box", product: "P1", config: config) == .decimal128([ExactDecimal("0.0833333333")]))
        // 38-digit values: a result that no longer fits is an error, not a wrong number.
        let overflow = #expect(throws: PluginCallError.self) {
            try convert(["99999999999999999999999999999"], from: "lb", to: "kg", config: config)
        }
        #expect(overflow?.message == "quantity '99999999999999999999999999999' converted from 'lb' to 'kg' overflows 38 digits")
    }

    @Test("a missing conversion, a floating-point quantity and a bad table row are errors that say what to do")
    func unitConversionErrors() throws {
        let config: JSONValue = .object(["conversions": .array([.object(["from": .string("kg"), "to": .string("g"), "factor": .integer(1000)])])])
        let missing = #expect(throws: PluginCallError.self) { try convert(["1", "2"], from: "m", to: "kg", product: "P9", config: config) }
        #expect(missing?.message == "no unit conversion from 'm' to 'kg' (product P9); add one to the unit conversion tables")
        let floating = #expect(throws: PluginCallError.self) {
            try plugin.makeTransform(
                "tandem.std.unit-conversion", config: config,
                input: Schema([Field("QTY", .float64), Field("FROM", .utf8), Field("TO", .utf8)]))
        }
        #expect(floating?.message == "tandem.std.unit-conversion: quantity column 'QTY' is floating point; store quantities as exact decimals (TEXT) or integers, never floating point")
        let badRow = #expect(throws: PluginCallError.self) {
            try convert(["1"], from: "kg", to: "g", config: .object(["conversions": .array([.object(["from": .string("kg"), "to": .string("g"), "factor": .number(0.1)])])]))
        }
        #expect(badRow?.message == "tandem.std.unit-conversion: conversions[0]: 'factor' is 0.1; write decimals as strings (\"0.001\") so no digit is lost")
        let zero = #expect(throws: PluginCallError.self) {
            try convert(["1"], from: "kg", to: "g", config: .object(["conversions": .array([.object(["from": .string("kg"), "to": .string("g"), "denominator": .string("0")])])]))
        }
        #expect(zero?.message == "tandem.std.unit-conversion: conversions[0]: factor, numerator and denominator must not be zero")
    }

    // MARK: Date effectivity

    @Test("date effectivity: sentinels to empty and back, and a period that ends before it starts is refused")
    func dateEffectivity() throws {
        let fields = [Field("VALIDFROM", .utf8), Field("VALIDTO", .utf8)]
        let forward = try plugin.makeTransform("tandem.std.date-effectivity", config: .object([:]), input: Schema(fields))
        let result = try forward.process(try RecordBatch([
            Column(fields[0], .utf8(["1900-01-01T00:00:00", "2030-01-01T00:00:00"])),
            Column(fields[1], .utf8(["2025-12-31T23:59:59", "2154-12-31T23:59:59"])),
        ]))
        // Valid-from is part of the key of dated rows: it keeps its sentinel unless told otherwise.
        #expect(result.columns[0].data == .utf8(["1900-01-01T00:00:00", "2030-01-01T00:00:00"]))
        #expect(result.columns[1].data == .utf8(["2025-12-31T23:59:59", nil]))
        let emptying = try plugin.makeTransform("tandem.std.date-effectivity", config: .object(["empty_from": .bool(true)]), input: Schema(fields))
        let emptied = try emptying.process(try RecordBatch([Column(fields[0], .utf8(["1900-01-01"])), Column(fields[1], .utf8([nil]))]))
        #expect(emptied.columns[0].data == .utf8([nil]))
        let backwards = #expect(throws: PluginCallError.self) {
            try forward.process(try RecordBatch([Column(fields[0], .utf8(["2026-02-01"])), Column(fields[1], .utf8(["2026-01-31T23:59:59"]))]))
        }
        #expect(backwards?.message == "the period ends (2026-01-31T23:59:59) before it starts (2026-02-01)")
        let notADate = #expect(throws: PluginCallError.self) {
            try forward.process(try RecordBatch([Column(fields[0], .utf8(["2026-02-30"])), Column(fields[1], .utf8([nil]))]))
        }
        #expect(notADate?.message == "valid-from '2026-02-30' is not an ISO date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with a T or a space between date and time, optionally followed by a fraction of a second (.123) and a zone (Z, +02:00 or -05:00))")
    }

    @Test("date effectivity accepts exactly the forms its error message names: each named form passes, anything else is refused with the message")
    func dateEffectivityFormats() throws {
        let fields = [Field("VALIDFROM", .utf8), Field("VALIDTO", .utf8)]
        let forward = try plugin.makeTransform("tandem.std.date-effectivity", config: .object([:]), input: Schema(fields))
        func refusal(_ text: String) -> String? {
            do {
                _ = try forward.process(try RecordBatch([Column(fields[0], .utf8([text])), Column(fields[1], .utf8([nil]))]))
                return nil
            } catch {
                return (error as? PluginCallError)?.message ?? "\(error)"
            }
        }
        let named = [
            "2026-02-28", "2026-02-28T10:30:00", "2026-02-28 10:30:00", "2026-02-28T10:30:00.5",
            "2026-02-28T10:30:00.123456", "2026-02-28T10:30:00Z", "2026-02-28 10:30:00.123Z", "2026-02-28T10:30:00+02:00",
            "2026-02-28T10:30:00.1-05:00",
        ]
        #expect(named.filter { refusal($0) != nil } == [])
        let others = [
            "2026-2-28", "2026-+2-28", "+026-02-28", "2026-02-28T10:30", "2026-02-28T10:30:00 lunch", "2026-02-28T+1:30:00",
            "2026-02-28T10:30:00.", "2026-02-28T10:30:00+0200", "2026-02-28 ", "2026-02-28X10:30:00", "2026-02-28T24:00:00",
            "28.02.2026",
        ]
        #expect(others.filter { refusal($0) == nil } == [])
        #expect(refusal("2026-02-28T10:30:00 lunch")?.contains(
            "valid-from '2026-02-28T10:30:00 lunch' is not an ISO date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with a T or a space") == true)
    }

    // MARK: Null date

    @Test("null date: F&O's 1900-01-01 to empty and back, every other date exactly as it is, and text that is no date refused by name")
    func nullDate() throws {
        let field = Field("REPLACEMENTDATE", .utf8)
        let forward = try plugin.makeTransform("tandem.std.null-date", config: .object([:]), input: Schema([field]))
        let result = try forward.process(try RecordBatch([
            Column(field, .utf8(["1900-01-01", "1900-01-01T00:00:00", "2031-06-30", "1900-01-02", nil]))
        ]))
        #expect(result.columns[0].data == .utf8([nil, nil, "2031-06-30", "1900-01-02", nil]))
        let reverse = try plugin.makeTransform("tandem.std.null-date", config: .object(["reverse": .bool(true)]), input: Schema([field]))
        let back = try reverse.process(try RecordBatch([Column(field, .utf8([nil, "2031-06-30T08:00:00"]))]))
        #expect(back.columns[0].data == .utf8(["1900-01-01", "2031-06-30T08:00:00"]))
        let notADate = #expect(throws: PluginCallError.self) {
            try forward.process(try RecordBatch([Column(field, .utf8(["1/1/1900"]))]))
        }
        #expect(notADate?.message.hasPrefix("column 'REPLACEMENTDATE': '1/1/1900' is not an ISO date (YYYY-MM-DD") == true)
    }
}
