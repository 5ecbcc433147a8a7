/// One column of a schema: a name, a type and whether it may hold nulls.
public struct Field: Hashable, Sendable, CustomStringConvertible {
    /// The column name.
    public var name: String
    /// The column type.
    public var type: ArrowType
    /// Whether the column may hold nulls.
    public var nullable: Bool

    /// Creates a field; columns are nullable unless said otherwise.
    public init(_ name: String, _ type: ArrowType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    /// `name: format`, with `not null` when the field is not nullable.
    public var description: String { "\(name): \(type)\(nullable ? "" : " not null")" }
}
