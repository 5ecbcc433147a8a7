/// The statements that create a table-map plugin's tables (`tandem.ddl/1`).
public struct DDLDocument: JSONDocument, Hashable {
    /// `tandem.ddl/1`.
    public static let formatName = "tandem.ddl/1"

    /// The document format.
    public var format: String
    /// SQL dialect of the statements, e.g. `sqlite`.
    public var dialect: String
    /// Statements for the ERP side.
    public var erp: [String]
    /// Statements for the CRM side.
    public var crm: [String]

    /// Creates a document.
    public init(dialect: String = "sqlite", erp: [String], crm: [String]) {
        self.format = Self.formatName
        self.dialect = dialect
        self.erp = erp
        self.crm = crm
    }

    /// The DDL document's members.
    public static var members: StrictJSON.Members? { .object(["format": .any, "dialect": .any, "erp": .any, "crm": .any]) }

    /// Checks the dialect and that no statement is empty.
    public func validate(document: String) throws(DocumentError) {
        guard !dialect.isEmpty else {
            throw DocumentError(document: document, path: "dialect", reason: "the dialect is empty (sqlite)")
        }
        for (side, statements) in [("erp", erp), ("crm", crm)] {
            if let index = statements.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
                throw DocumentError(document: document, path: "\(side)[\(index)]", reason: "the statement is empty")
            }
        }
    }
}
