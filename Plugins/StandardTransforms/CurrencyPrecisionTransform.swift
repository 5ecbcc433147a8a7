import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Carries amounts at the currency's number of decimals (up to 10; exchange
/// rates up to 12), exactly. A value with more digits than the target keeps is
/// an error, never a rounding: dual-write loses data silently when the two
/// sides disagree on decimals, and Tandem refuses to.
struct CurrencyPrecisionTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.currency-precision",
        description: "Rescales amounts to a currency precision exactly; digits that would be lost are an error.",
        inputs: 1,
        outputs: 1,
        config: [
            "scale": "decimal places to carry: 0...10 for amounts, 0...12 for exchange rates",
            "kind": "'amount' (default) or 'exchange-rate'",
        ],
        examples: [
            TransformExample(
                config: .object(["scale": .integer(10)]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "CREDITLIMIT", format: "d:38,4")],
                    rows: [[.string("1234567890123.4567")], [.string("-0.0001")], [.null]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "CREDITLIMIT", format: "d:38,10")],
                    rows: [[.string("1234567890123.4567000000")], [.string("-0.0001000000")], [.null]])
            ),
            TransformExample(
                config: .object(["scale": .integer(12), "kind": .string("exchange-rate")]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "exchangerate", format: "u")], rows: [[.string("1.085012345678")]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "exchangerate", format: "d:38,12")],
                    rows: [[.string("1.085012345678")]])
            ),
        ]
    )

    let outputSchema: Schema
    private let scale: Int

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        let kind = try settings.string("kind", default: "amount")
        let limit: Int
        switch kind {
        case "amount": limit = 10
        case "exchange-rate": limit = 12
        default: throw PluginError(.invalidConfig, "\(name): kind '\(kind)' is neither 'amount' nor 'exchange-rate'")
        }
        scale = try settings.integer("scale")
        guard (0...limit).contains(scale) else {
            throw PluginError(
                .invalidConfig,
                "\(name): scale \(scale) is outside 0...\(limit) for \(kind == "amount" ? "amounts" : "exchange rates")"
            )
        }
        try expectInputs(
            name, input, count: 1,
            allowed: { if case .decimal128 = $0 { true } else { $0 == .utf8 } }, describe: "a decimal or decimal text")
        outputSchema = Schema([Field(input.fields[0].name, .decimal128(precision: 38, scale: scale))])
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        let column = batch.columns[0]
        var values: [ExactDecimal?] = []
        values.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            let number: ExactDecimal
            switch column[row] {
            case .null:
                values.append(nil)
                continue
            case .decimal(let value):
                number = value
            case .utf8(let text):
                guard let parsed = ExactDecimal(text) else {
                    throw PluginError(.invalidData, "column '\(column.field.name)': '\(text)' is not a decimal number")
                }
                number = parsed
            default:
                throw PluginError(.invalidData, "column '\(column.field.name)': unexpected value \(column[row])")
            }
            do {
                values.append(try number.rescaled(to: scale, precision: 38))
            } catch {
                // The scale is the map's config (10 for the standard maps'
                // amounts), not the currency's DECIMALPLACES: saying "raise the
                // currency's precision" sent admins to a setting that changes nothing.
                let places = Self.decimalPlaces(number)
                let reason =
                    places > scale
                    ? "\(number) has \(places) decimal places and this field carries \(scale) (the map's scale, whatever the currency's precision): round it to \(scale) places where it was entered"
                    : "\(error.message): the value is too large for this field"
                throw PluginError(.invalidData, "column '\(column.field.name)': \(reason)")
            }
        }
        return try RecordBatch([Column(outputSchema.fields[0], .decimal128(values))], rowCount: batch.rowCount)
    }

    /// Decimal places that carry a digit (trailing zeros do not count).
    static func decimalPlaces(_ number: ExactDecimal) -> Int {
        var unscaled = number.unscaled
        var places = number.scale
        while places > 0, unscaled % 10 == 0 {
            unscaled /= 10
            places -= 1
        }
        return places
    }
}
