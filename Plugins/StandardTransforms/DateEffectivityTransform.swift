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

    /// The forms ``dateTime(_:)`` accepts, as the error messages name them:
    /// exactly these, so that a user who reads the message knows what passes.
    static let formats =
        "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with a T or a space between date and time, optionally followed by a fraction of a second (.123) and a zone (Z, +02:00 or -05:00)"

    /// The text as a comparable `YYYY-MM-DDTHH:MM:SS` (a bare date is its
    /// midnight), or nil when it is not one of ``formats``.
    static func dateTime(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: bytes[range], as: UTF8.self))! }
        func byte(_ index: Int, _ character: Unicode.Scalar) -> Bool {
            index < bytes.count && bytes[index] == UInt8(ascii: character)
        }
        guard digits(0..<4), byte(4, "-"), digits(5..<7), byte(7, "-"), digits(8..<10) else { return nil }
        let date = String(decoding: bytes[0..<10], as: UTF8.self)
        guard CivilDate(date) != nil else { return nil }
        guard bytes.count > 10 else { return date + "T00:00:00" }
        guard byte(10, "T") || byte(10, " "), digits(11..<13), byte(13, ":"), digits(14..<16), byte(16, ":"), digits(17..<19),
            number(11..<13) < 24, number(14..<16) < 60, number(17..<19) < 61
        else { return nil }
        var next = 19
        if byte(next, ".") {
            next += 1
            let first = next
            while digits(next..<(next + 1)) { next += 1 }
            guard next > first else { return nil }
        }
        if byte(next, "Z") {
            next += 1
        } else if byte(next, "+") || byte(next, "-") {
            guard digits((next + 1)..<(next + 3)), byte(next + 3, ":"), digits((next + 4)..<(next + 6)) else { return nil }
            next += 6
        }
        guard next == bytes.count else { return nil }
        return date + "T" + String(decoding: bytes[11..<19], as: UTF8.self)
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
