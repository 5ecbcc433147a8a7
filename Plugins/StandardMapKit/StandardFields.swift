package import TandemDocuments

/// The shapes of field map that the standard maps use over and over, named
/// after the reference's symbols, so that each plugin reads like the
/// reference table it implements (`=`, `>`, `><`, `>>`, `<<`).
package enum StandardFields {
    /// `=`: the same value on both sides, both ways.
    package static func both(_ erp: String, _ crm: String, lookup: Lookup? = nil) -> FieldMap {
        FieldMap(erp: .one(erp), crm: .one(crm), direction: .both, lookup: lookup)
    }

    /// `>`: ERP to CRM only.
    package static func toCRM(_ erp: String, _ crm: String, lookup: Lookup? = nil) -> FieldMap {
        FieldMap(erp: .one(erp), crm: .one(crm), direction: .erpToCrm, lookup: lookup)
    }

    /// `><` (or `>>` one way): an F&O enum and a Dataverse option set or
    /// boolean, through a value map.
    package static func options(
        _ erp: String, _ crm: String, _ values: OptionValues, _ direction: FieldDirection = .both
    ) -> FieldMap {
        FieldMap(erp: .one(erp), crm: .one(crm), direction: direction, transform: values.transform)
    }

    /// `=` for each pair of ERP and CRM column names, in order.
    package static func copies(_ pairs: KeyValuePairs<String, String>) -> [FieldMap] {
        pairs.map { both($0.key, $0.value) }
    }

    /// `><` `no:False, yes:True` for each pair of ERP and CRM column names, in order.
    package static func flags(_ pairs: KeyValuePairs<String, String>) -> [FieldMap] {
        pairs.map { yesNo($0.key, $0.value) }
    }

    /// An F&O `NoYes` enum and a Dataverse boolean (`no:False, yes:True`).
    package static func yesNo(_ erp: String, _ crm: String, _ direction: FieldDirection = .both) -> FieldMap {
        options(erp, crm, .yesNo, direction)
    }

    /// An amount, carried exactly at ten decimals, the most a Dataverse
    /// currency column keeps: a value with more digits is an error on its row,
    /// never a rounding (dual-write loses the digits silently).
    package static func money(_ erp: String, _ crm: String, _ direction: FieldDirection = .both) -> FieldMap {
        FieldMap(
            erp: .one(erp), crm: .one(crm), direction: direction,
            transform: TransformReference(name: "tandem.std.currency-precision", config: .object(["scale": .integer(10)])))
    }

    /// `FIELD << none X`: a constant written to the ERP side for a column the CRM side lacks.
    package static func constantToERP(_ erp: String, _ value: JSONValue) -> FieldMap {
        FieldMap(erp: .one(erp), crm: nil, direction: .crmToErp, defaultValue: value)
    }

    /// `none >> col X`: a constant written to the CRM side for a column the ERP side lacks.
    package static func constantToCRM(_ crm: String, _ value: JSONValue) -> FieldMap {
        FieldMap(erp: nil, crm: .one(crm), direction: .erpToCrm, defaultValue: value)
    }

    /// The company of a company-specific table: part of the key on both
    /// sides, and a lookup to the legal entity. Dual-write keeps it implicit
    /// (`msdyn_company.cdm_companycode` in the integration key); Tandem maps it
    /// as a column so that a row names its company on both sides.
    package static let company = both("DATAAREAID", "msdyn_company", lookup: .company)

    /// The columns of a unit conversion, shared by the general
    /// (`UnitOfMeasureConversionEntity`) and the product-specific
    /// (`EcoResProductSpecificUnitConversionEntity`) maps, which the reference
    /// gives the same rows.
    package static let unitConversion: [FieldMap] = [
        both("FROMUNITSYMBOL", "msdyn_fromunit", lookup: .unit),
        both("TOUNITSYMBOL", "msdyn_tounit", lookup: .unit),
        both("FACTOR", "msdyn_factor"),
        both("NUMERATOR", "msdyn_numerator"),
        both("DENOMINATOR", "msdyn_denominator"),
        both("INNEROFFSET", "msdyn_inneroffset"),
        both("OUTEROFFSET", "msdyn_outeroffset"),
        options("ROUNDING", "msdyn_rounding", .rounding),
    ]

    /// The unit conversion's value columns as SQLite declares them on each
    /// side: factors and offsets are exact decimals (text), numerator and
    /// denominator whole numbers.
    package static let unitConversionColumns = (
        erp: [
            "FROMUNITSYMBOL TEXT", "TOUNITSYMBOL TEXT", "FACTOR TEXT", "NUMERATOR INTEGER", "DENOMINATOR INTEGER",
            "INNEROFFSET TEXT", "OUTEROFFSET TEXT", "ROUNDING TEXT",
        ],
        crm: [
            "msdyn_fromunit TEXT", "msdyn_tounit TEXT", "msdyn_factor TEXT", "msdyn_numerator INTEGER",
            "msdyn_denominator INTEGER", "msdyn_inneroffset TEXT", "msdyn_outeroffset TEXT", "msdyn_rounding INTEGER",
        ]
    )
}
