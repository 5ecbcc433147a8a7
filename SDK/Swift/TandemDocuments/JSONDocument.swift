public import Foundation

/// Decoding and encoding of the versioned JSON documents that cross the
/// plugin boundary, with errors that point into the document.
public protocol JSONDocument: Codable, Sendable {
    /// The `format` member this type reads and writes, e.g. `tandem.maps/1`.
    static var formatName: String { get }
    /// The document's `format` member.
    var format: String { get }
    /// Checks what decoding alone cannot; throws naming the place and the problem.
    func validate(document: String) throws(DocumentError)
    /// The members each object of the document may have; nil checks the grammar only.
    static var members: StrictJSON.Members? { get }
}

extension JSONDocument {
    /// No member check unless the document type describes its members.
    public static var members: StrictJSON.Members? { nil }

    /// Decodes and validates a document; `document` names it in errors.
    public static func decode(_ text: String, document: String) throws(DocumentError) -> Self {
        try decode(Data(text.utf8), document: document)
    }

    /// Decodes and validates a document from bytes; `document` names it in errors.
    public static func decode(_ data: Data, document: String) throws(DocumentError) -> Self {
        // Foundation's decoder is lenient (a trailing comma passes, and of two
        // members with one name the first silently wins): the grammar first.
        let bytes = [UInt8](data)
        try strict(bytes, members: nil, document: document)
        // Read the format first so that a document of another version gets
        // a message about the version, not about a missing member.
        let declared: FormatOnly
        do {
            declared = try JSONDecoder().decode(FormatOnly.self, from: data)
        } catch {
            throw DocumentError(document: document, reason: describe(error))
        }
        guard let format = declared.format else {
            throw DocumentError(document: document, reason: "missing member 'format' (expected \"\(formatName)\")")
        }
        guard format == formatName else {
            throw DocumentError(
                document: document, path: "format",
                reason: "format \"\(format)\" is not supported; this Tandem reads \"\(formatName)\"")
        }
        try strict(bytes, members: members, document: document)
        let value: Self
        do {
            value = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw DocumentError(document: document, reason: describe(error))
        }
        try value.validate(document: document)
        return value
    }

    private static func strict(_ bytes: [UInt8], members: StrictJSON.Members?, document: String) throws(DocumentError) {
        do {
            try StrictJSON.check(bytes, members: members)
        } catch {
            throw DocumentError(
                document: document, path: error.path,
                reason: "\(error.isSyntax ? "not valid JSON: " : "")line \(error.line), column \(error.column): \(error.reason)")
        }
    }

    /// The document as pretty-printed JSON with sorted keys.
    public func encodedJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain Codable values into JSON cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// The member names of a type's `CodingKeys`, for ``StrictJSON/Members``:
/// the decoder's own list, so the member check cannot drift from it.
func memberNames<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type, _ inner: [String: StrictJSON.Members] = [:])
    -> StrictJSON.Members
{
    .object(Dictionary(uniqueKeysWithValues: keys.allCases.map { ($0.stringValue, inner[$0.stringValue] ?? .any) }))
}

/// Decodes a string-valued enum; text that is none of its values gets a
/// message listing the values (Foundation's says "Cannot initialize
/// FieldDirection from invalid String value <=>").
func decodeChoice<Choice: RawRepresentable & CaseIterable>(_ decoder: any Decoder) throws -> Choice
where Choice.RawValue == String {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let choice = Choice(rawValue: text) else {
        let allowed = Choice.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not one of \(allowed)")
    }
    return choice
}

/// Just the `format` member of a document.
private struct FormatOnly: Decodable { var format: String? }

/// A decoding error's coding path as a setting's path: `maps[2].fields[0].erp`
/// (empty for the document itself). The host's map files say it the same way.
package func codingPathText(_ keys: [any CodingKey]) -> String {
    var text = ""
    for key in keys {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return text
}

/// Turns a Foundation decoding error into "path: what is wrong".
func describe(_ error: any Error) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        let text = codingPathText(keys)
        return text.isEmpty ? "the document" : text
    }
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        let place = path(context.codingPath)
        return "\(place): missing member '\(key.stringValue)'"
    case DecodingError.typeMismatch(let type, let context):
        return "\(path(context.codingPath)): expected \(jsonKind(type)); \(context.debugDescription)"
    case DecodingError.valueNotFound(let type, let context):
        return "\(path(context.codingPath)): expected \(jsonKind(type)), found null"
    case DecodingError.dataCorrupted(let context):
        if let underlying = context.underlyingError as NSError? {
            return "not valid JSON: \(underlying.localizedDescription)"
        }
        return "\(path(context.codingPath)): \(context.debugDescription)"
    default:
        return String(describing: error)
    }
}

private func jsonKind(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    case is Int.Type, is Int64.Type, is UInt32.Type, is Double.Type: "a number"
    default:
        String(describing: type).hasPrefix("Array") ? "a list" : "an object (\(type))"
    }
}
