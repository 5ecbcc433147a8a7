/// The columns of a record batch, in order.
public struct Schema: Hashable, Sendable, CustomStringConvertible {
    /// The columns, in order.
    public var fields: [Field]

    /// Creates a schema from its fields.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The index of the first field named `name`, if any.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// `(a: u, b: l)`.
    public var description: String { "(" + fields.map(\.description).joined(separator: ", ") + ")" }
}
