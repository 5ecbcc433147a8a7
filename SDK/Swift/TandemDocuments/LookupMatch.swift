/// Column pairs of a lookup, per side: each pairs a column of the
/// looking-up map (the key) with the related map's column that holds the
/// same value (the value): the columns a composite lookup matches on
/// (``Lookup/match``), or the ones the two rows share (``Lookup/shared``). A loyalty card whose company
/// is `msdyn_legalentity` and refers to an account keyed by `msdyn_company`
/// and `accountnumber` matches with `{"crm": {"msdyn_legalentity":
/// "msdyn_company"}}`, so that a `usmf` card never finds a `dat` account.
public struct LookupMatch: Codable, Hashable, Sendable {
    /// This map's ERP column to the related map's ERP column.
    public var erp: [String: String]?
    /// This map's CRM column to the related map's CRM column.
    public var crm: [String: String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case erp, crm
    }

    /// Creates the pairs.
    public init(erp: [String: String]? = nil, crm: [String: String]? = nil) {
        self.erp = erp
        self.crm = crm
    }
}
