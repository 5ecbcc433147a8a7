import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Converts quantities between units through the conversion tables, exactly:
/// `(value + inner offset) × factor × numerator / denominator + outer offset`,
/// the formula of F&O's unit conversions, computed as a fraction and rounded
/// once at the output scale by the conversion's rounding rule.
///
/// The tables reach the transform as config (`conversions`,
/// `product_conversions`); a map binds them to the synced tables with
/// `{"$rows": {"table": …, "columns": {…}}}`, which the host fills from the
/// source side and refreshes when they change. A product-specific conversion
/// wins over a standard one; when only the opposite conversion exists, it is
/// inverted. A missing conversion is an error that names both units.
struct UnitConversionTransform: Transform {
    static let definition = TransformDefinition(
        name: "tandem.std.unit-conversion",
        description:
            "Converts a quantity from one unit to another through the unit conversion tables, with exact decimal arithmetic.",
        inputs: 3,
        outputs: 1,
        config: [
            "conversions":
                "list of {from, to, factor, numerator, denominator, inneroffset, outeroffset, rounding}; usually {\"$rows\": …} bound to UnitOfMeasureConversionEntity",
            "product_conversions": "the same with 'product'; they win over 'conversions' for that product",
            "scale": "decimal places of the result, 0...10, default 10",
            "name": "name of the output column, default the quantity column's",
        ],
        examples: [
            TransformExample(
                config: .object([
                    "conversions": .array([
                        .object(["from": .string("kg"), "to": .string("g"), "factor": .string("1000")]),
                        .object([
                            "from": .string("C"), "to": .string("F"), "numerator": .integer(9),
                            "denominator": .integer(5), "outeroffset": .integer(32),
                        ]),
                    ]),
                    "product_conversions": .array([
                        .object([
                            "product": .string("D0001"), "from": .string("box"), "to": .string("pcs"),
                            "factor": .string("12"), "rounding": .string("nearest"),
                        ])
                    ]),
                    "scale": .integer(10),
                ]),
                input: ExampleBatch(
                    columns: [
                        ExampleColumn(name: "QTY", format: "u"), ExampleColumn(name: "FROMUNIT", format: "u"),
                        ExampleColumn(name: "TOUNIT", format: "u"), ExampleColumn(name: "PRODUCTNUMBER", format: "u"),
                    ],
                    rows: [
                        [.string("2.5"), .string("kg"), .string("g"), .null],
                        [.string("100"), .string("C"), .string("F"), .null],
                        [.string("1"), .string("pcs"), .string("box"), .string("D0001")],
                        [.string("3"), .string("box"), .string("box"), .string("D0001")],
                        [.null, .string("kg"), .string("g"), .null],
                    ]),
                output: ExampleBatch(
                    columns: [ExampleColumn(name: "QTY", format: "d:38,10")],
                    rows: [
                        [.string("2500.0000000000")], [.string("212.0000000000")], [.string("0.0833333333")],
                        [.string("3.0000000000")], [.null],
                    ])
            )
        ]
    )

    /// One row of a conversion table.
    struct Conversion {
        var factor = ExactRational.one
        var numerator = ExactRational.one
        var denominator = ExactRational.one
        var innerOffset = ExactRational.zero
        var outerOffset = ExactRational.zero
        var rounding = ExactRational.Rounding.nearest

        /// `value` in the `to` unit.
        func apply(_ value: ExactRational) throws -> ExactRational {
            try value.adding(innerOffset).multiplied(by: factor).multiplied(by: numerator).divided(by: denominator)
                .adding(outerOffset)
        }

        /// `value` in the `from` unit, given it in the `to` unit.
        func invert(_ value: ExactRational) throws -> ExactRational {
            try value.subtracting(outerOffset).multiplied(by: denominator).divided(by: numerator).divided(by: factor)
                .subtracting(innerOffset)
        }
    }

    let outputSchema: Schema
    private let scale: Int
    private let standard: [String: Conversion]
    private let perProduct: [String: Conversion]

    init(config: JSONValue, input: Schema) throws {
        let name = Self.definition.name
        let settings = try TransformConfig(name, config)
        scale = try settings.integer("scale", default: 10)
        guard (0...10).contains(scale) else {
            throw PluginError(.invalidConfig, "\(name): scale \(scale) is outside 0...10")
        }
        guard (3...4).contains(input.fields.count) else {
            throw PluginError(
                .invalidConfig,
                "\(name) takes 3 or 4 input columns (quantity, from unit, to unit, optional product), got \(input.fields.count): \(input)"
            )
        }
        let quantity = input.fields[0]
        switch quantity.type {
        case .decimal128, .utf8, .int64: break
        default:
            throw PluginError(
                .invalidConfig,
                "\(name): quantity column '\(quantity.name)' is \(quantity.type == .float64 ? "floating point" : "\(quantity.type)"); store quantities as exact decimals (TEXT) or integers, never floating point"
            )
        }
        if let field = input.fields.dropFirst().first(where: { $0.type != .utf8 }) {
            throw PluginError(
                .invalidConfig,
                "\(name): column '\(field.name)' is \(field.type); unit symbols and product numbers are text")
        }
        standard = try Self.table(config["conversions"], member: "conversions", product: false)
        perProduct = try Self.table(config["product_conversions"], member: "product_conversions", product: true)
        outputSchema = Schema([
            Field(try settings.string("name", default: quantity.name), .decimal128(precision: 38, scale: scale))
        ])
    }

    private static func key(_ parts: String...) -> String { parts.joined(separator: "\u{1F}") }

    private static func table(_ value: JSONValue?, member: String, product: Bool) throws -> [String: Conversion] {
        let name = definition.name
        guard let value else { return [:] }
        guard let rows = value.arrayValue else {
            throw PluginError(
                .invalidConfig, "\(name): config member '\(member)' must be a list of conversions, not \(value)")
        }
        var table: [String: Conversion] = [:]
        for (index, row) in rows.enumerated() {
            let place = "\(name): \(member)[\(index)]"
            func text(_ field: String) throws -> String {
                guard let text = row[field]?.stringValue, !text.isEmpty else {
                    throw PluginError(.invalidConfig, "\(place): '\(field)' is missing")
                }
                return text
            }
            func number(_ field: String, default fallback: ExactRational) throws -> ExactRational {
                switch row[field] {
                case nil, .null?: return fallback
                case .integer(let integer)?: return ExactRational(Int128(integer))
                case .string(let text)?:
                    guard let decimal = ExactDecimal(text) else {
                        throw PluginError(.invalidConfig, "\(place): '\(field)' is '\(text)', not a decimal number")
                    }
                    return ExactRational(decimal)
                case let other?:
                    throw PluginError(
                        .invalidConfig,
                        "\(place): '\(field)' is \(other); write decimals as strings (\"0.001\") so no digit is lost")
                }
            }
            var conversion = Conversion()
            conversion.factor = try number("factor", default: .one)
            conversion.numerator = try number("numerator", default: .one)
            conversion.denominator = try number("denominator", default: .one)
            conversion.innerOffset = try number("inneroffset", default: .zero)
            conversion.outerOffset = try number("outeroffset", default: .zero)
            guard conversion.factor != .zero, conversion.numerator != .zero, conversion.denominator != .zero else {
                throw PluginError(.invalidConfig, "\(place): factor, numerator and denominator must not be zero")
            }
            switch row["rounding"] {
            case nil, .null?: break
            // F&O's enum names, and Dataverse's option values for them.
            case .string("nearest")?, .string("Nearest")?, .integer(192_350_000)?: conversion.rounding = .nearest
            case .string("up")?, .string("Up")?, .integer(192_350_001)?: conversion.rounding = .up
            case .string("down")?, .string("Down")?, .integer(192_350_002)?: conversion.rounding = .down
            case let other?: throw PluginError(.invalidConfig, "\(place): rounding \(other) is not nearest, up or down")
            }
            let from = try text("from"), to = try text("to")
            let key = product ? Self.key(try text("product"), from, to) : Self.key(from, to)
            guard table.updateValue(conversion, forKey: key) == nil else {
                throw PluginError(
                    .invalidConfig,
                    "\(place): a second conversion from \(from) to \(to)\(product ? " for product \(try text("product"))" : "")"
                )
            }
        }
        return table
    }

    func convert(_ value: ExactRational, from: String, to: String, product: String?) throws -> ExactDecimal {
        if from == to { return try value.decimal(scale: scale, rounding: .nearest) }
        if let product {
            if let conversion = perProduct[Self.key(product, from, to)] {
                return try conversion.apply(value).decimal(scale: scale, rounding: conversion.rounding)
            }
            if let conversion = perProduct[Self.key(product, to, from)] {
                return try conversion.invert(value).decimal(scale: scale, rounding: conversion.rounding)
            }
        }
        if let conversion = standard[Self.key(from, to)] {
            return try conversion.apply(value).decimal(scale: scale, rounding: conversion.rounding)
        }
        if let conversion = standard[Self.key(to, from)] {
            return try conversion.invert(value).decimal(scale: scale, rounding: conversion.rounding)
        }
        throw PluginError(
            .invalidData,
            "no unit conversion from '\(from)' to '\(to)'\(product.map { " (product \($0))" } ?? ""); add one to the unit conversion tables"
        )
    }

    func process(_ batch: RecordBatch) throws -> RecordBatch {
        var values: [ExactDecimal?] = []
        values.reserveCapacity(batch.rowCount)
        for row in 0..<batch.rowCount {
            let quantity: ExactRational
            switch batch.columns[0][row] {
            case .null:
                values.append(nil)
                continue
            case .decimal(let decimal): quantity = ExactRational(decimal)
            case .int64(let integer): quantity = ExactRational(Int128(integer))
            case .utf8(let text):
                guard let decimal = ExactDecimal(text) else {
                    throw PluginError(.invalidData, "quantity '\(text)' is not a decimal number")
                }
                quantity = ExactRational(decimal)
            case let other:
                throw PluginError(.invalidData, "unexpected quantity \(other)")
            }
            guard case .utf8(let from) = batch.columns[1][row], case .utf8(let to) = batch.columns[2][row] else {
                throw PluginError(.invalidData, "a quantity needs both units; one of them is empty")
            }
            var product: String?
            if batch.columns.count > 3, case .utf8(let number) = batch.columns[3][row] { product = number }
            do {
                values.append(try convert(quantity, from: from, to: to, product: product))
            } catch let error as PluginError where error.message == ExactRational.overflow {
                // The arithmetic does not know the quantity or the units; the admin needs both.
                throw PluginError(
                    error.code,
                    "quantity \(batch.columns[0][row]) converted from '\(from)' to '\(to)' \(ExactRational.overflow)")
            }
        }
        return try RecordBatch([Column(outputSchema.fields[0], .decimal128(values))], rowCount: batch.rowCount)
    }
}
