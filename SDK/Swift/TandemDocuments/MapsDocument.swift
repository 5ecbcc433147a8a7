/// The maps a table-map plugin provides (`tandem.maps/1`).
///
/// See `SDK/docs/plugin-abi.md` for the format with an example.
public struct MapsDocument: JSONDocument, Hashable {
    /// `tandem.maps/1`.
    public static let formatName = "tandem.maps/1"

    /// The document format.
    public var format: String
    /// The maps.
    public var maps: [TableMap]

    /// Creates a document.
    public init(maps: [TableMap]) {
        self.format = Self.formatName
        self.maps = maps
    }

    /// Every member of a map, its tables, fields, transforms, lookups and filters.
    public static var members: StrictJSON.Members? {
        let table = memberNames(TableReference.CodingKeys.self)
        let field = memberNames(
            FieldMap.CodingKeys.self,
            [
                "transform": memberNames(TransformReference.CodingKeys.self),
                "lookup": memberNames(
                    Lookup.CodingKeys.self,
                    [
                        "match": memberNames(LookupMatch.CodingKeys.self),
                        "shared": memberNames(LookupMatch.CodingKeys.self),
                    ]),
            ])
        let map = memberNames(
            TableMap.CodingKeys.self,
            ["erp": table, "crm": table, "fields": .list(field), "filters": memberNames(Filters.CodingKeys.self)])
        return .object(["format": .any, "maps": .list(map)])
    }

    /// Checks ids, tables, keys and field maps.
    public func validate(document: String) throws(DocumentError) {
        var seen: Set<String> = []
        for (index, map) in maps.enumerated() {
            let place = "maps[\(index)]"
            guard !map.id.isEmpty else {
                throw DocumentError(document: document, path: "\(place).id", reason: "the map id is empty")
            }
            guard seen.insert(map.id).inserted else {
                throw DocumentError(document: document, path: "\(place).id", reason: "map id '\(map.id)' is used twice")
            }
            try map.validate(document: document, path: place)
        }
    }
}

/// The link between one table on each side.
public struct TableMap: Codable, Hashable, Sendable {
    /// Unique id within the environment, e.g. `customers-accounts`.
    public var id: String
    /// Version of this map, e.g. `1.0.0.5`.
    public var version: String
    /// What the map does, for `plugins inspect` and the docs.
    public var description: String?
    /// The ERP side's table.
    public var erp: TableReference
    /// The CRM side's table.
    public var crm: TableReference
    /// Column pairs with their directions.
    public var fields: [FieldMap]
    /// Per-direction row predicates.
    public var filters: Filters?
    /// Maps that must run before this one.
    public var dependsOn: [String]?
    /// What to do when both sides changed the same key.
    public var conflictPolicy: ConflictPolicy?
    /// Whether the plugin maps batches itself (`create_mapper`).
    public var mapper: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, version, description, erp, crm, fields, filters, mapper
        case dependsOn = "depends_on"
        case conflictPolicy = "conflict_policy"
    }

    /// Creates a map.
    public init(
        id: String, version: String, description: String? = nil, erp: TableReference, crm: TableReference,
        fields: [FieldMap], filters: Filters? = nil, dependsOn: [String]? = nil, conflictPolicy: ConflictPolicy? = nil,
        mapper: Bool? = nil
    ) {
        self.id = id
        self.version = version
        self.description = description
        self.erp = erp
        self.crm = crm
        self.fields = fields
        self.filters = filters
        self.dependsOn = dependsOn
        self.conflictPolicy = conflictPolicy
        self.mapper = mapper
    }

    func validate(document: String, path: String) throws(DocumentError) {
        for (side, table) in [("erp", erp), ("crm", crm)] {
            guard !table.table.isEmpty else {
                throw DocumentError(document: document, path: "\(path).\(side).table", reason: "the table name is empty")
            }
            guard !table.key.isEmpty else {
                throw DocumentError(
                    document: document, path: "\(path).\(side).key",
                    reason: "map '\(id)' needs at least one key column on the \(side) side")
            }
        }
        var erpColumns: Set<String> = []
        var crmColumns: Set<String> = []
        for (index, field) in fields.enumerated() {
            let place = "\(path).fields[\(index)]"
            guard field.erp != nil || field.crm != nil else {
                throw DocumentError(document: document, path: place, reason: "a field map needs an 'erp' or a 'crm' column")
            }
            if field.erp == nil || field.crm == nil {
                guard field.defaultValue != nil || field.transform != nil else {
                    throw DocumentError(
                        document: document, path: place,
                        reason: "a field with a column on one side only needs a 'default' (or a 'transform') for the other side")
                }
            }
            if field.erp == nil, field.direction != .erpToCrm {
                throw DocumentError(
                    document: document, path: "\(place).direction",
                    reason: "a default written to the CRM side flows '->' (ERP to CRM), not '\(field.direction.rawValue)'")
            }
            if field.crm == nil, field.direction != .crmToErp {
                throw DocumentError(
                    document: document, path: "\(place).direction",
                    reason: "a default written to the ERP side flows '<-' (CRM to ERP), not '\(field.direction.rawValue)'")
            }
            if let transform = field.transform, transform.name.isEmpty {
                throw DocumentError(document: document, path: "\(place).transform.name", reason: "the transform name is empty")
            }
            erpColumns.formUnion(field.erp?.columns ?? [])
            crmColumns.formUnion(field.crm?.columns ?? [])
        }
        for column in erp.key where !erpColumns.contains(column) {
            throw DocumentError(
                document: document, path: "\(path).erp.key",
                reason: "key column '\(column)' of \(erp.table) is not mapped by any field")
        }
        for column in crm.key where !crmColumns.contains(column) {
            throw DocumentError(
                document: document, path: "\(path).crm.key",
                reason: "key column '\(column)' of \(crm.table) is not mapped by any field")
        }
        if let dependsOn, dependsOn.contains(id) {
            throw DocumentError(document: document, path: "\(path).depends_on", reason: "map '\(id)' depends on itself")
        }
    }
}

/// A table on one side and its key columns (company included for
/// company-specific tables).
public struct TableReference: Codable, Hashable, Sendable {
    /// Table name.
    public var table: String
    /// Key columns, in order.
    public var key: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case table, key
    }

    /// Creates a reference.
    public init(table: String, key: [String]) {
        self.table = table
        self.key = key
    }
}

/// One column (or several, for concat/split) on each side, with a direction.
public struct FieldMap: Codable, Hashable, Sendable {
    /// The ERP column(s); absent when only the CRM side has one.
    public var erp: ColumnReference?
    /// The CRM column(s); absent when only the ERP side has one.
    public var crm: ColumnReference?
    /// Which way values flow.
    public var direction: FieldDirection
    /// A conversion to apply on the way.
    public var transform: TransformReference?
    /// The constant written to the side that has a column, when the other has none.
    public var defaultValue: JSONValue?
    /// The related map this column refers to.
    public var lookup: Lookup?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case erp, crm, direction, transform, lookup
        case defaultValue = "default"
    }

    /// Creates a field map.
    public init(
        erp: ColumnReference?, crm: ColumnReference?, direction: FieldDirection, transform: TransformReference? = nil,
        defaultValue: JSONValue? = nil, lookup: Lookup? = nil
    ) {
        self.erp = erp
        self.crm = crm
        self.direction = direction
        self.transform = transform
        self.defaultValue = defaultValue
        self.lookup = lookup
    }
}

/// A column name, or several for transforms over more than one column.
public enum ColumnReference: Codable, Hashable, Sendable, ExpressibleByStringLiteral {
    /// One column.
    case one(String)
    /// Several columns, in order.
    case many([String])

    /// The column names.
    public var columns: [String] {
        switch self {
        case .one(let name): [name]
        case .many(let names): names
        }
    }

    /// One column.
    public init(stringLiteral value: String) { self = .one(value) }

    /// Decodes a string or a list of strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let name = try? container.decode(String.self) {
            self = .one(name)
        } else {
            self = .many(try container.decode([String].self))
        }
    }

    /// Encodes a string or a list of strings.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .one(let name): try container.encode(name)
        case .many(let names): try container.encode(names)
        }
    }
}

/// Which way a field's values flow, seen from the ERP side.
public enum FieldDirection: String, Codable, Hashable, Sendable, CaseIterable {
    /// Both ways.
    case both = "<->"
    /// ERP to CRM only.
    case erpToCrm = "->"
    /// CRM to ERP only.
    case crmToErp = "<-"

    /// Decodes a direction; anything else names the three.
    public init(from decoder: any Decoder) throws { self = try decodeChoice(decoder) }
}

/// A transform by name, with its configuration.
public struct TransformReference: Codable, Hashable, Sendable {
    /// The transform's globally unique name.
    public var name: String
    /// Its configuration.
    public var config: JSONValue?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, config
    }

    /// Creates a reference.
    public init(name: String, config: JSONValue? = nil) {
        self.name = name
        self.config = config
    }
}

/// A column that refers to a row of another map.
///
/// The related row is found by the field's value in the related map's
/// column `erp` or `crm`, and by each of the related map's other key
/// columns (the company of a company-specific table) that this map has a
/// column of the same name for. ``match`` names the pairs whose names
/// differ: a composite lookup, as dual-write's keys are.
public struct Lookup: Codable, Hashable, Sendable {
    /// The related map.
    public var map: String
    /// The related row's natural key column on the ERP side.
    public var erp: String?
    /// The related row's key column on the CRM side.
    public var crm: String?
    /// More columns the related row must match, per side.
    public var match: LookupMatch?
    /// Columns this row shares with the related row, per side: one datum
    /// kept in two tables (F&O's customer name is its party's name). When
    /// Tandem writes one of them on that side, it writes the other too, as a
    /// change of that side's own, so the related map carries it on.
    public var shared: LookupMatch?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case map, erp, crm, match, shared
    }

    /// Creates a lookup.
    public init(map: String, erp: String? = nil, crm: String? = nil) {
        self.init(map: map, erp: erp, crm: crm, match: nil)
    }

    /// Creates a composite lookup. (A separate initialiser, not a defaulted
    /// argument: code compiled against the three-argument one links as it was.)
    public init(map: String, erp: String?, crm: String?, match: LookupMatch?, shared: LookupMatch? = nil) {
        self.map = map
        self.erp = erp
        self.crm = crm
        self.match = match
        self.shared = shared
    }
}

/// Row predicates per direction.
public struct Filters: Codable, Hashable, Sendable {
    /// Rows of the ERP side that flow to the CRM side.
    public var erpToCrm: String?
    /// Rows of the CRM side that flow to the ERP side.
    public var crmToErp: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case erpToCrm = "erp_to_crm"
        case crmToErp = "crm_to_erp"
    }

    /// Creates filters.
    public init(erpToCrm: String? = nil, crmToErp: String? = nil) {
        self.erpToCrm = erpToCrm
        self.crmToErp = crmToErp
    }
}

/// What to do when both sides changed the same key since they were last in step.
public enum ConflictPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// The ERP side's version is kept.
    case erpWins = "erp-wins"
    /// The CRM side's version is kept.
    case crmWins = "crm-wins"
    /// The version committed last is kept.
    case newestWins = "newest-wins"
    /// Disjoint column changes are merged; overlapping ones wait for an operator.
    case merge
    /// Every conflict waits for an operator.
    case manual

    /// Decodes a policy; anything else names the five.
    public init(from decoder: any Decoder) throws { self = try decodeChoice(decoder) }
}
