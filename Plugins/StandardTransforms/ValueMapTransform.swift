import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Maps each value through a table: enums to option sets (`no` → `806380000`),
/// yes/no to booleans. The CRM-to-ERP instance (`"reverse": true`) uses the
/// inverted table, so the table must be one-to-one.
struct ValueMapTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.value-map",
        description: "Maps each value through a table (enum values to option sets, yes/no to booleans).",
        inputs: 1,
        outputs: 1,
        config: [
            "map": "object: source value (as text) to target value (as text); must be one-to-one",
            "output": "Arrow format of the mapped column, 'u' (default), 'l' or 'b'",
            "reverse_output": "Arrow format when \"reverse\" is true, default 'u'",
            "unmapped": "'error' (default): a value missing from the map is an error; 'null': it becomes null",
            "reverse": "set by the host for the CRM-to-ERP direction: use the inverted map",
        ],
        examples: [
            TransformExample(
                config: .object([
                    "map": .object(["no": .string("False"), "yes": .string("True")]), "output": .string("b"),
                ]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "CREDITLIMITISMANDATORY", format: "u")],
                    rows: [[.string("no")], [.string("yes")], [.null]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "CREDITLIMITISMANDATORY", format: "b")],
                    rows: [[.bool(false)], [.bool(true)], [.null]])
            ),
            TransformExample(
                config: .object([
                    "map": .object([
                        "no": .string("806380000"), "invoice": .string("806380001"), "all": .string("806380002"),
                    ]),
                    "output": .string("l"), "reverse": .bool(true),
                ]),
                input: ExampleBatch(
                    columns: [ExampleColumn(name: "msdyn_onholdstatus", format: "l")],
                    rows: [[.integer(806_380_001)], [.integer(806_380_000)]]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "msdyn_onholdstatus", format: "u")],
                    rows: [[.string("invoice")], [.string("no")]])
            ),
        ]
    )

    let outputSchema: Schema
    private let table: [String: Value]
    private let nullWhenUnmapped: Bool
    private let caseInsensitive: Bool

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        try expectInputs(
            name, input, count: 1, allowed: { [.utf8, .int64, .bool].contains($0) },
            describe: "text, integer or boolean")
        guard let entries = config["map"]?.objectValue, !entries.isEmpty else {
            throw PluginError(.invalidConfig, "\(name): config member 'map' must be a non-empty object of value pairs")
        }
        var pairs: [(String, String)] = []
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            guard
                let target = value.stringValue ?? value.integerValue.map(String.init)
                    ?? value.boolValue.map({ $0 ? "True" : "False" })
            else {
                throw PluginError(.invalidConfig, "\(name): map entry '\(key)' must map to text, not \(value)")
            }
            pairs.append((key, target))
        }
        if settings.reverse {
            var inverted: [String: String] = [:]
            for (key, target) in pairs {
                if let previous = inverted.updateValue(key, forKey: target) {
                    throw PluginError(
                        .invalidConfig,
                        "\(name): map is not one-to-one: '\(previous)' and '\(key)' both map to '\(target)', so the reverse direction is ambiguous"
                    )
                }
            }
            pairs = inverted.map { ($0.key, $0.value) }
        }
        let outputType = try settings.type(settings.reverse ? "reverse_output" : "output", default: .utf8)
        caseInsensitive = input.fields[0].type == .bool
        var table: [String: Value] = [:]
        for (key, target) in pairs {
            guard let value = parse(target, as: outputType) else {
                throw PluginError(.invalidConfig, "\(name): map value '\(target)' is not a \(outputType) value")
            }
            table[caseInsensitive ? key.lowercased() : key] = value
        }
        self.table = table
        nullWhenUnmapped = try settings.string("unmapped", default: "error") == "null"
        outputSchema = Schema([Field(input.fields[0].name, outputType)])
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        let column = batch.columns[0]
        if case .utf8(let text)? = column.bufferView, !caseInsensitive, table.count <= Self.maxScannedKeys {
            return try processText(text, name: column.field.name, rowCount: batch.rowCount)
        }
        var values: [Value] = []
        values.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            guard let key = textKey(column[row]) else {
                values.append(.null)
                continue
            }
            if let mapped = table[caseInsensitive ? key.lowercased() : key] {
                values.append(mapped)
            } else if nullWhenUnmapped {
                values.append(.null)
            } else {
                throw PluginError(
                    .invalidData,
                    "column '\(column.field.name)': value '\(key)' is not in the map (known: \(table.keys.sorted().joined(separator: ", ")))"
                )
            }
        }
        return try RecordBatch([Column(outputSchema.fields[0], values: values)], rowCount: batch.rowCount)
    }

    /// Most keys matched by comparing bytes one key after another; a larger
    /// map goes through the dictionary of `String`s.
    private static let maxScannedKeys = 32

    /// Maps a text column in its Arrow buffers: each cell's bytes are
    /// compared with the keys' bytes, so no `String` is made per row (only
    /// for an error). The output is written as typed arrays, not `Value`s.
    private func processText(_ text: VariableWidthColumn, name: String, rowCount: Int) throws -> RecordBatch {
        let entries = table.sorted { $0.key < $1.key }
        let keys = entries.map { Array($0.key.utf8) }
        var picks = [Int](repeating: -1, count: rowCount)
        for row in 0..<rowCount {
            if text.isNull(row) { continue }  // a null stays null
            if let index = keys.firstIndex(where: { key in key.withUnsafeBytes { text.hasBytes(at: row, equalTo: $0) } }) {
                picks[row] = index
            } else if !nullWhenUnmapped {
                throw PluginError(
                    .invalidData,
                    "column '\(name)': value '\(text.string(at: row) ?? "")' is not in the map (known: \(table.keys.sorted().joined(separator: ", ")))"
                )
            }
        }
        let field = outputSchema.fields[0]
        let data: ColumnData
        switch field.type {
        case .int64:
            let targets: [Int64] = entries.map { if case .int64(let value) = $0.value { value } else { 0 } }
            data = .int64(picks.map { pick -> Int64? in pick < 0 ? nil : targets[pick] })
        case .bool:
            let targets: [Bool] = entries.map { if case .bool(let value) = $0.value { value } else { false } }
            data = .bool(picks.map { pick -> Bool? in pick < 0 ? nil : targets[pick] })
        default:
            let targets: [String] = entries.map { if case .utf8(let value) = $0.value { value } else { "" } }
            data = .utf8(picks.map { pick -> String? in pick < 0 ? nil : targets[pick] })
        }
        return try RecordBatch([Column(field, data)], rowCount: rowCount)
    }
}
