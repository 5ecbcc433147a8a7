/// One column of a side's table, as introspection reads it from
/// `information_schema` and `pg_catalog`: what `maps validate` checks a map
/// against, and what tells the endpoint how to read and write a value.
public struct PostgreSQLColumn: Sendable, Hashable {
    /// How the endpoint carries a column's values (the case of ``PostgreSQLValue`` it uses).
    public enum Kind: String, Sendable, Hashable {
        /// `smallint`, `integer`, `bigint`.
        case integer
        /// `numeric`, `real`, `double precision`.
        case decimal
        /// `boolean`.
        case boolean
        /// `date`.
        case date
        /// `timestamp without time zone`.
        case timestamp
        /// `timestamp with time zone`.
        case timestamptz
        /// `uuid`.
        case uuid
        /// `bytea`.
        case bytes
        /// Everything else, in its text form.
        case text

        /// The kind for a `pg_type.typname`.
        init(typeName: String) {
            switch typeName {
            case "int2", "int4", "int8": self = .integer
            case "numeric", "float4", "float8": self = .decimal
            case "bool": self = .boolean
            case "date": self = .date
            case "timestamp": self = .timestamp
            case "timestamptz": self = .timestamptz
            case "uuid": self = .uuid
            case "bytea": self = .bytes
            default: self = .text
            }
        }

        /// The SQL that turns `expression` into the text ``PostgreSQLValue/fromText(_:kind:)`` reads,
        /// the same whatever the session's DateStyle, TimeZone or bytea_output.
        ///
        /// Dates and times go through `to_jsonb`, whose ISO 8601 form does not follow
        /// DateStyle; a timestamptz is first turned into its UTC wall time.
        public func readExpression(_ expression: String) -> String {
            switch self {
            case .date, .timestamp: "(to_jsonb(\(expression)) #>> '{}')"
            case .timestamptz: "(to_jsonb((\(expression)) AT TIME ZONE 'UTC') #>> '{}')"
            case .bytes: "encode(\(expression), 'hex')"
            default: "(\(expression))::text"
            }
        }

        /// The jsonb that the capture trigger records for `expression`, whose `jsonb_each_text`
        /// is the same text as ``readExpression(_:)``.
        public func captureExpression(_ expression: String) -> String {
            switch self {
            case .timestamptz: "to_jsonb((\(expression)) AT TIME ZONE 'UTC')"
            case .bytes: "to_jsonb(encode(\(expression), 'hex'))"
            // numeric and integers as JSON numbers keep every digit (jsonb numbers are numeric).
            default: "to_jsonb(\(expression))"
            }
        }
    }

    /// The column's name.
    public var name: String
    /// The type as PostgreSQL prints it (`numeric(32,10)`, `character varying(20)`).
    public var typeName: String
    /// How the endpoint carries the column's values.
    public var kind: Kind
    /// Whether the column accepts NULL.
    public var isNullable: Bool
    /// The column's place in the primary key (1-based), or nil when it is not part of it.
    public var keyPosition: Int?
    /// For `numeric(p,s)`: s, the decimals the column keeps (a value with more is refused, not rounded).
    public var numericScale: Int?

    /// A column description (introspection builds these; tests compare against them).
    public init(
        name: String, typeName: String, kind: Kind, isNullable: Bool, keyPosition: Int?, numericScale: Int? = nil
    ) {
        self.name = name
        self.typeName = typeName
        self.kind = kind
        self.isNullable = isNullable
        self.keyPosition = keyPosition
        self.numericScale = numericScale
    }
}
