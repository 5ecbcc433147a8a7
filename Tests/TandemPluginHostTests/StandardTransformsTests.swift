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
        #expect(error?.message == "tandem.std.value-map: row 1 of column 'ISONETIMECUSTOMER': value 'maybe' is not in the map (known: no, yes)")
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
        #expect(error?.message == "tandem.std.currency-precision: row 0 of column 'CREDITLIMIT': 1.00000000001 has more than 10 decimal places; rescaling would lose digits; fix the value or raise the currency's precision")
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
        #expect(error?.description == "plugin tandem.std.transforms: create_transform (tandem.std.nope) failed (code 1, invalid argument): unknown transform 'tandem.std.nope'; plugin tandem.std.transforms provides tandem.std.concat, tandem.std.currency-precision, tandem.std.default, tandem.std.value-map")
    }
}
