import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Carries a validity period (valid from, valid to) between F&O, which
/// writes open ends as sentinel dates (1900-01-01 and 2154-12-31), and
/// Dataverse, which leaves an open end empty. Past, current and future rows
/// of the same address are separate rows, and valid-from is part of their
/// key, so valid-from is never emptied (an empty key column would let two
/// rows share a key); only the open end of valid-to is. The transform never
/// decides which row is current; it keeps each period exact and refuses one
/// that ends before it starts.
struct DateEffectivityTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.date-effectivity",
        description:
            "Validity periods: F&O's open end (valid-to 2154-12-31) to an empty value and back, empty valid-from to 1900-01-01; a period that ends before it starts is an error.",
        inputs: 2,
        outputs: 2,
        config: [
            "min": "F&O's 'no start' sentinel, default '1900-01-01T00:00:00'",
            "max": "F&O's 'no end' sentinel, default '2154-12-31T23:59:59'",
            "names": "names of the two output columns, default the input names",
            "reverse": "set by the host for the CRM-to-ERP direction: empty ends become the sentinels",
            "empty_from":
                "true: also empty a valid-from at the min sentinel (only when valid-from is not part of a key); default false",
        ],
        examples: [
            TransformExample(
                config: .object([:]),
                input: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "VALIDFROM", format: "u"), ExampleColumn(name: "VALIDTO", format: "u"),
                    ],
                    rows: [
                        [.string("1900-01-01T00:00:00"), .string("2154-12-31T23:59:59")],
                        [.string("2024-01-01T00:00:00"), .string("2025-06-30T23:59:59")],
                        [.string("2027-03-01"), .string("2154-12-31")],
                    ]),
                output: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "VALIDFROM", format: "u"), ExampleColumn(name: "VALIDTO", format: "u"),
                    ],
                    rows: [
                        [.string("1900-01-01T00:00:00"), .null],
                        [.string("2024-01-01T00:00:00"), .string("2025-06-30T23:59:59")],
                        [.string("2027-03-01"), .null],
                    ])
            ),
            TransformExample(
                config: .object(["names": .array([.string("VALIDFROM"), .string("VALIDTO")]), "reverse": .bool(true)]),
                input: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "msdyn_validfrom", format: "u"),
                        ExampleColumn(name: "msdyn_validto", format: "u"),
                    ],
                    rows: [[.null, .null], [.string("2027-03-01T00:00:00"), .null]]),
                output: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "VALIDFROM", format: "u"), ExampleColumn(name: "VALIDTO", format: "u"),
                    ],
                    rows: [
                        [.string("1900-01-01T00:00:00"), .string("2154-12-31T23:59:59")],
                        [.string("2027-03-01T00:00:00"), .string("2154-12-31T23:59:59")],
                    ])
            ),
        ]
    )

    let outputSchema: Schema
    private let minimum: String
    private let maximum: String
    private let toSentinels: Bool
    private let emptyFrom: Bool

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        try expectInputs(
            name, input, count: 2, allowed: { $0 == .utf8 }, describe: "valid-from and valid-to as ISO text")
        minimum = try settings.string("min", default: "1900-01-01T00:00:00")
        maximum = try settings.string("max", default: "2154-12-31T23:59:59")
        for sentinel in [minimum, maximum] where Self.dateTime(sentinel) == nil {
            throw PluginError(.invalidConfig, "\(name): sentinel '\(sentinel)' is not an ISO date (\(Self.formats))")
        }
        toSentinels = settings.reverse
        emptyFrom = config["empty_from"]?.boolValue ?? false
        let names = config["names"] == nil ? input.fields.map(\.name) : try settings.strings("names")
        guard names.count == 2 else { throw PluginError(.invalidConfig, "\(name): 'names' must name two columns") }
        outputSchema = Schema(names.map { Field($0, .utf8) })
    }

    /// The forms ``dateTime(_:)`` accepts, as the error messages name them.
    static let formats = "YYYY-MM-DD, or YYYY-MM-DD, T or a space, HH:MM:SS, and optionally more after the seconds"

    /// The text as a comparable `YYYY-MM-DDTHH:MM:SS` (a bare date is its
    /// midnight), or nil when it is not an ISO date or date-time.
    static func dateTime(_ text: String) -> String? {
        let date = String(text.prefix(10))
        guard CivilDate(date) != nil else { return nil }
        guard text.count > 10 else { return date + "T00:00:00" }
        var time = text.dropFirst(11)
        let separator = text[text.index(text.startIndex, offsetBy: 10)]
        guard separator == "T" || separator == " " else { return nil }
        if time.hasSuffix("Z") { time = time.dropLast() }
        let parts = time.prefix(8).split(separator: ":")
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 && Int($0) != nil }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), let second = Int(parts[2]),
            hour < 24, minute < 60, second < 61
        else { return nil }
        return date + "T" + time.prefix(8)
    }

    /// Whether `text` is the sentinel `sentinel` (date-only or full form).
    private func isSentinel(_ text: String, _ sentinel: String) -> Bool {
        text.prefix(10) == sentinel.prefix(10)
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        var from: [Value] = []
        var to: [Value] = []
        for row in 0..<batch.rowCount {
            var start: String?
            var end: String?
            if case .utf8(let text) = batch.columns[0][row] { start = text }
            if case .utf8(let text) = batch.columns[1][row] { end = text }
            for (label, value) in [("valid-from", start), ("valid-to", end)] {
                if let value, Self.dateTime(value) == nil {
                    throw PluginError(.invalidData, "\(label) '\(value)' is not an ISO date (\(Self.formats))")
                }
            }
            if let start, let end, let first = Self.dateTime(start), let last = Self.dateTime(end), first > last {
                throw PluginError(.invalidData, "the period ends (\(end)) before it starts (\(start))")
            }
            if toSentinels {
                from.append(.utf8(start ?? minimum))
                to.append(.utf8(end ?? maximum))
            } else {
                from.append(start.map { emptyFrom && isSentinel($0, minimum) ? .null : .utf8($0) } ?? .null)
                to.append(end.map { isSentinel($0, maximum) ? .null : .utf8($0) } ?? .null)
            }
        }
        return try RecordBatch(
            [Column(outputSchema.fields[0], values: from), Column(outputSchema.fields[1], values: to)],
            rowCount: batch.rowCount)
    }
}
