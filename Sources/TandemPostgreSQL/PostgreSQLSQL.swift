import PostgresNIO

/// Quoting and parameters: the one place that turns names and values into SQL text.
public enum PostgreSQLSQL {
    /// `name` as a quoted identifier: any name is safe, case is kept.
    public static func identifier(_ name: String) -> String {
        // Most names hold no quote: Foundation's replace, bridged, was 2 % of a write-through's
        // CPU (every statement names its tables and columns).
        guard name.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + name + "\"" }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `schema.name`, both quoted.
    public static func qualified(_ schema: String, _ name: String) -> String {
        identifier(schema) + "." + identifier(name)
    }

    /// `text` as a string literal (standard_conforming_strings is on since PostgreSQL 9.1).
    public static func literal(_ text: String) -> String {
        // As for ``identifier(_:)``: most texts hold no quote.
        guard text.utf8.contains(UInt8(ascii: "'")) else { return "'" + text + "'" }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A query whose parameters are bound as text of unspecified type, so that
    /// the server parses each one as the type of the column it meets: a numeric
    /// arrives as its digits, never as a float, and no cast is spelled per type.
    static func query(_ sql: String, _ parameters: [String?]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters {
            if let parameter {
                bindings.append(UntypedText(text: parameter))
            } else {
                bindings.append(UntypedText?.none)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

/// A bind parameter sent as text with type OID 0: the server infers its type from where it is used.
struct UntypedText: PostgresDynamicTypeEncodable {
    var text: String
    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeString(text)
    }
}

extension PostgresConnection {
    /// `query`'s rows as an async sequence (the name picks the async overload of `query` where a
    /// chained `.decode` would otherwise pick the EventLoopFuture one).
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension AsyncSequence where Self: Sendable {
    /// Every element, read to the end (so the connection is ready for the next query).
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
