import TandemArrow
import TandemDocuments
import TandemPluginKit

/// Reading config members with errors that name the transform and the member.
struct TransformConfig {
    let transform: String
    let value: JSONValue

    init(_ transform: String, _ value: JSONValue) throws {
        guard value.objectValue != nil else {
            throw PluginError(.invalidConfig, "\(transform): the config must be a JSON object, not \(value)")
        }
        self.transform = transform
        self.value = value
    }

    /// Whether this instance maps the CRM-to-ERP way of a `<->` field.
    var reverse: Bool { value["reverse"]?.boolValue ?? false }

    func string(_ key: String, default fallback: String? = nil) throws -> String {
        switch value[key] {
        case .string(let text): return text
        case nil where fallback != nil: return fallback!
        case nil: throw PluginError(.invalidConfig, "\(transform): config member '\(key)' is missing")
        case let other?:
            throw PluginError(.invalidConfig, "\(transform): config member '\(key)' must be a string, not \(other)")
        }
    }

    func integer(_ key: String, default fallback: Int? = nil) throws -> Int {
        switch value[key] {
        case .integer(let number): return Int(number)
        case nil where fallback != nil: return fallback!
        case nil: throw PluginError(.invalidConfig, "\(transform): config member '\(key)' is missing")
        case let other?:
            throw PluginError(.invalidConfig, "\(transform): config member '\(key)' must be an integer, not \(other)")
        }
    }

    func strings(_ key: String) throws -> [String] {
        guard let list = value[key]?.arrayValue else {
            throw PluginError(.invalidConfig, "\(transform): config member '\(key)' must be a list of strings")
        }
        return try list.map {
            guard let text = $0.stringValue else {
                throw PluginError(
                    .invalidConfig, "\(transform): config member '\(key)' must be a list of strings, not \($0)")
            }
            return text
        }
    }

    /// The Arrow type named by member `key` (a format string).
    func type(_ key: String, default fallback: ArrowType) throws -> ArrowType {
        guard let format = value[key] else { return fallback }
        guard let text = format.stringValue else {
            throw PluginError(.invalidConfig, "\(transform): config member '\(key)' must be an Arrow format string")
        }
        do {
            return try ArrowType(format: text)
        } catch {
            throw PluginError(.invalidConfig, "\(transform): config member '\(key)': \(error.message)")
        }
    }
}

/// Checks the number and types of input columns.
func expectInputs(
    _ transform: String, _ input: Schema, count: Int, allowed: (ArrowType) -> Bool, describe: String
) throws {
    guard input.fields.count == count else {
        throw PluginError(
            .invalidConfig,
            "\(transform) takes \(count) input column(s) (\(describe)), got \(input.fields.count): \(input)")
    }
    if let field = input.fields.first(where: { !allowed($0.type) }) {
        throw PluginError(
            .invalidConfig, "\(transform): input column '\(field.name)' is \(field.type); expected \(describe)")
    }
}

/// The text form of a scalar value, for value maps keyed by text.
func textKey(_ value: Value) -> String? {
    switch value {
    case .null: nil
    case .utf8(let text): text
    case .int64(let number): String(number)
    case .bool(let flag): flag ? "true" : "false"
    case .decimal(let number): number.description
    default: value.description
    }
}

/// Parses text into a value of `type`; nil when it does not fit.
func parse(_ text: String, as type: ArrowType) -> Value? {
    switch type {
    case .utf8: .utf8(text)
    case .int64: Int64(text).map(Value.int64)
    case .bool:
        switch text.lowercased() {
        case "true", "yes", "1": .bool(true)
        case "false", "no", "0": .bool(false)
        default: nil
        }
    case .decimal128: ExactDecimal(text).map(Value.decimal)
    default: nil
    }
}
