import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Writes a constant to a column that the other side does not have
/// (`PARTYTYPE << Organization`, `customertypecode >> 3`).
struct DefaultTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.default",
        description: "Writes a constant to every row, for a column the other side does not have.",
        inputs: 0,
        outputs: 1,
        config: [
            "value": "the constant: a string, integer or boolean (exact decimals as strings)",
            "format": "Arrow format of the output column, 'u' (default), 'l', 'b' or 'd:P,S'",
            "name": "name of the output column, default 'value'",
        ],
        examples: [
            TransformExample(
                config: .object(["value": .integer(3), "format": .string("l"), "name": .string("customertypecode")]),
                input: ExampleBatch(columns: [], rows: [[], []]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "customertypecode", format: "l")],
                    rows: [[.integer(3)], [.integer(3)]])
            ),
            TransformExample(
                config: .object([
                    "value": .string("1.0000000000"), "format": .string("d:38,10"), "name": .string("exchangerate"),
                ]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "CURRENCYCODE", format: "u")], rows: [[.string("EUR")]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "exchangerate", format: "d:38,10")], rows: [[.string("1.0000000000")]]
                )
            ),
        ]
    )

    let outputSchema: Schema
    private let constant: Value

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        let type = try settings.type("format", default: .utf8)
        let text: String
        switch config["value"] {
        case .string(let value)?: text = value
        case .integer(let value)?: text = String(value)
        case .bool(let value)?: text = value ? "true" : "false"
        default:
            throw PluginError(.invalidConfig, "\(name): config member 'value' must be a string, integer or boolean")
        }
        guard let parsed = parse(text, as: type) else {
            throw PluginError(.invalidConfig, "\(name): value '\(text)' is not a \(type) value")
        }
        if case .decimal128(let precision, let scale) = type, case .decimal(let number) = parsed {
            do {
                _ = try number.rescaled(to: scale, precision: precision)
            } catch {
                throw PluginError(.invalidConfig, "\(name): value '\(text)': \(error.message)")
            }
        }
        constant = parsed
        outputSchema = Schema([Field(try settings.string("name", default: "value"), type)])
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        let values = Array(repeating: constant, count: batch.rowCount)
        return try RecordBatch([Column(outputSchema.fields[0], values: values)], rowCount: batch.rowCount)
    }
}
