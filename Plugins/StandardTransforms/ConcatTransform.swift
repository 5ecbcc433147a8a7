import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Joins several text columns into one (first and last name into a full
/// name); the reverse instance splits one column back into its parts.
struct ConcatTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.concat",
        description: "Joins text columns with a separator; with \"reverse\": true splits one column into \"parts\".",
        inputs: 2,
        outputs: 1,
        config: [
            "separator": "text between the parts, default one space",
            "name": "name of the joined column, default 'value'",
            "parts": "names of the split columns (reverse direction), as many as were joined",
            "reverse": "set by the host for the CRM-to-ERP direction: split instead of join",
        ],
        examples: [
            TransformExample(
                config: .object(["name": .string("fullname")]),
                input: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "PERSONFIRSTNAME", format: "u"),
                        ExampleColumn(name: "PERSONLASTNAME", format: "u"),
                    ],
                    rows: [[.string("Ada"), .string("Lovelace")], [.string("Søren"), .null], [.null, .null]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "fullname", format: "u")],
                    rows: [[.string("Ada Lovelace")], [.string("Søren")], [.null]])
            ),
            TransformExample(
                config: .object([
                    "parts": .array([.string("PERSONFIRSTNAME"), .string("PERSONLASTNAME")]), "reverse": .bool(true),
                ]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "fullname", format: "u")],
                    rows: [[.string("Ada King Lovelace")], [.string("Plato")]]),
                output: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "PERSONFIRSTNAME", format: "u"),
                        ExampleColumn(name: "PERSONLASTNAME", format: "u"),
                    ],
                    rows: [[.string("Ada"), .string("King Lovelace")], [.string("Plato"), .null]])
            ),
        ]
    )

    let outputSchema: Schema
    private let separator: String
    private let split: Bool

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        separator = try settings.string("separator", default: " ")
        guard !separator.isEmpty else {
            throw PluginError(.invalidConfig, "\(name): the separator may not be empty")
        }
        split = settings.reverse
        if split {
            try expectInputs(name, input, count: 1, allowed: { $0 == .utf8 }, describe: "one text column to split")
            let parts = try settings.strings("parts")
            guard parts.count >= 2 else {
                throw PluginError(.invalidConfig, "\(name): 'parts' must name at least two columns to split into")
            }
            outputSchema = Schema(parts.map { Field($0, .utf8) })
        } else {
            guard input.fields.count >= 2 else {
                throw PluginError(
                    .invalidConfig, "\(name) joins two or more text columns, got \(input.fields.count): \(input)")
            }
            try expectInputs(name, input, count: input.fields.count, allowed: { $0 == .utf8 }, describe: "text columns")
            outputSchema = Schema([Field(try settings.string("name", default: "value"), .utf8)])
        }
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        if split {
            let parts = outputSchema.fields.count
            var columns = Array(repeating: [Value](), count: parts)
            for row in 0..<batch.rowCount {
                guard case .utf8(let text) = batch.columns[0][row] else {
                    for index in 0..<parts { columns[index].append(.null) }
                    continue
                }
                let pieces = text.split(separator: separator, maxSplits: parts - 1, omittingEmptySubsequences: true)
                for index in 0..<parts {
                    columns[index].append(index < pieces.count ? .utf8(String(pieces[index])) : .null)
                }
            }
            return try RecordBatch(
                zip(outputSchema.fields, columns).map { try Column($0, values: $1) }, rowCount: batch.rowCount)
        }
        var values: [Value] = []
        values.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            let pieces = batch.columns.compactMap { column -> String? in
                if case .utf8(let text) = column[row], !text.isEmpty { text } else { nil }
            }
            values.append(pieces.isEmpty ? .null : .utf8(pieces.joined(separator: separator)))
        }
        return try RecordBatch([Column(outputSchema.fields[0], values: values)], rowCount: batch.rowCount)
    }
}
