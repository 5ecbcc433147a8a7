import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Carries one date between F&O, which writes "no date" as its null date
/// (1900-01-01), and Dataverse, which leaves the column empty: an asset's
/// replacement date (`REPLACEMENTDATE` `><` `1/1/1900 : blank`). Any other
/// date passes exactly as it is; text that is not an ISO date is an error on
/// its row, never a guess.
struct NullDateTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.null-date",
        description:
            "One date: F&O's null date (1900-01-01) to an empty value, and an empty value back to it; other dates as they are.",
        inputs: 1,
        outputs: 1,
        config: [
            "null": "F&O's null date, default '1900-01-01'; matched by its date, with or without a time",
            "reverse": "set by the host for the CRM-to-ERP direction: an empty value becomes the null date",
        ],
        examples: [
            TransformExample(
                config: .object([:]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "REPLACEMENTDATE", format: "u")],
                    rows: [[.string("1900-01-01")], [.string("2031-06-30")], [.string("1900-01-01T00:00:00")], [.null]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "REPLACEMENTDATE", format: "u")],
                    rows: [[.null], [.string("2031-06-30")], [.null], [.null]])
            ),
            TransformExample(
                config: .object(["reverse": .bool(true)]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "msdyn_replacementdate", format: "u")],
                    rows: [[.null], [.string("2031-06-30")]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "msdyn_replacementdate", format: "u")],
                    rows: [[.string("1900-01-01")], [.string("2031-06-30")]])
            ),
        ]
    )

    let outputSchema: Schema
    private let nullDate: String
    private let toNullDate: Bool

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        try expectInputs(name, input, count: 1, allowed: { $0 == .utf8 }, describe: "a date as ISO text")
        nullDate = try settings.string("null", default: "1900-01-01")
        guard DateEffectivityTransform.dateTime(nullDate) != nil else {
            throw PluginError(
                .invalidConfig,
                "\(name): null date '\(nullDate)' is not an ISO date (\(DateEffectivityTransform.formats))")
        }
        toNullDate = settings.reverse
        outputSchema = Schema([Field(input.fields[0].name, .utf8)])
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        let column = batch.columns[0]
        var values: [Value] = []
        values.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            guard case .utf8(let text) = column[row] else {
                values.append(toNullDate ? .utf8(nullDate) : .null)
                continue
            }
            guard let date = DateEffectivityTransform.dateTime(text) else {
                throw PluginError(
                    .invalidData,
                    "column '\(column.field.name)': '\(text)' is not an ISO date (\(DateEffectivityTransform.formats))")
            }
            let isNullDate = date.prefix(10) == nullDate.prefix(10)
            values.append(isNullDate && !toNullDate ? .null : .utf8(text))
        }
        return try RecordBatch([Column(outputSchema.fields[0], values: values)], rowCount: batch.rowCount)
    }
}
