package import TandemDocuments

/// The parents that maps of several standard plugins refer to, each named by
/// its map and the parent's key column on each side. Map ids are global in an
/// environment, so a lookup may name a map of another plugin.
extension Lookup {
    /// A legal entity (`OMLegalEntity` / `cdm_company`), the target of every company column.
    package static let company = Lookup(map: "companies", erp: "LEGALENTITYID", crm: "cdm_companycode")
    /// A currency by ISO code.
    package static let currency = Lookup(map: "currencies", erp: "CURRENCYCODE", crm: "isocurrencycode")
    /// Terms of payment by name.
    package static let paymentTerm = Lookup(map: "payment-terms", erp: "NAME", crm: "msdyn_name")
    /// A customer group.
    package static let customerGroup = Lookup(map: "customer-groups", erp: "CUSTOMERGROUPID", crm: "msdyn_groupid")
    /// A vendor group.
    package static let vendorGroup = Lookup(map: "vendor-groups", erp: "VENDORGROUPID", crm: "msdyn_vendorgroup")
    /// A unit of measure by symbol.
    package static let unit = Lookup(map: "units", erp: "UNITSYMBOL", crm: "msdyn_symbol")
    /// A party (person or organisation) by party number.
    package static let party = Lookup(map: "parties", erp: "PARTYNUMBER", crm: "msdyn_partynumber")
}
