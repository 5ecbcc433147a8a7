public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// F&O customers (`CustCustomerV3Entity`) to Dataverse accounts
/// (organisations) and contacts (persons): two maps on one ERP table, told
/// apart by party type (`docs/MAPS.md`).
enum Customers: TandemPlugin {
    static let id = "tandem.std.customers"
    static let version = "1.0.0"
    static let name = "Customers"
    static let summary = "Customers V3 to accounts (organisations) and contacts (persons)"

    static var maps: MapsDocument? { MapsDocument(maps: [accounts, contacts]) }

    static let erpTable = "CustCustomerV3Entity"
    static let erpKey = ["DATAAREAID", "CUSTOMERACCOUNT"]
    /// Parents of both maps: the reference's customer and contact maps depend
    /// on customer groups and currencies, and their lookups name the others.
    static let parents = ["companies", "currencies", "customer-groups", "payment-terms", "parties"]

    /// Columns both maps carry, with the same Dataverse names on account and
    /// contact; terms of payment are the exception (plural on contact).
    ///
    /// `partyNames`: the customer's name columns, which in F&O are its
    /// party's (the entity reads and writes `DirPartyTable`): a name the CRM
    /// changes on the account or contact is written to the party as well, and
    /// a party renamed through Tandem renames its customers, so the party map
    /// carries the name to `msdyn_party` and the two never disagree.
    static func shared(paymentTerms: String, partyNames: [String]) -> [FieldMap] {
        let party = Lookup(
            map: "parties", erp: "PARTYNUMBER", crm: "msdyn_partynumber", match: nil,
            shared: LookupMatch(erp: Dictionary(uniqueKeysWithValues: partyNames.map { ($0, $0) })))
        return [
            StandardFields.company,
            StandardFields.both("PARTYNUMBER", "msdyn_partyid", lookup: party),
            StandardFields.both("CUSTOMERGROUPID", "msdyn_customergroupid", lookup: .customerGroup),
            StandardFields.both("SALESCURRENCYCODE", "transactioncurrencyid", lookup: .currency),
            StandardFields.both("PAYMENTTERMS", paymentTerms, lookup: .paymentTerm),
            StandardFields.both("PAYMENTDAY", "msdyn_paymentday"),
            StandardFields.both("PAYMENTSCHEDULE", "msdyn_paymentschedule"),
            StandardFields.both("PAYMENTMETHOD", "msdyn_customerpaymentmethod"),
            StandardFields.both("SALESTAXGROUP", "msdyn_salestaxgroup"),
            // A contact person (Contacts V2) runs after customers in the reference's order, so no lookup here.
            StandardFields.both("CONTACTPERSONID", "msdyn_primarycontact"),
            StandardFields.both("IDENTIFICATIONNUMBER", "msdyn_identificationnumber"),
            StandardFields.both("PARTYCOUNTRY", "msdyn_partycountry"),
            StandardFields.both("PARTYSTATE", "msdyn_partystateprovince"),
            StandardFields.both("SALESMEMO", "description"),
        ]
    }

    /// Customers V3 → accounts (#101): organisations only.
    static let accounts = TableMap(
        id: "customers-accounts", version: "1.0.0",
        description:
            "Customers (CustCustomerV3Entity) that are organisations to accounts, company in the key; the billing account refers to another customer",
        erp: TableReference(table: erpTable, key: erpKey),
        crm: TableReference(table: "account", key: ["msdyn_company", "accountnumber"]),
        fields: [StandardFields.both("CUSTOMERACCOUNT", "accountnumber")] + shared(paymentTerms: "msdyn_paymentterm", partyNames: ["ORGANIZATIONNAME"])
            + [
                StandardFields.constantToERP("PARTYTYPE", .string("Organization")),
                StandardFields.constantToCRM("customertypecode", .integer(3)),
                // Legacy (pre-GAB) field: the name, so that an account is recognisable without its party.
                StandardFields.both("ORGANIZATIONNAME", "name"),
                StandardFields.money("CREDITLIMIT", "creditlimit"),
                StandardFields.yesNo("CREDITLIMITISMANDATORY", "msdyn_creditlimitismandatory"),
                StandardFields.both("CREDITRATING", "msdyn_creditrating"),
                StandardFields.both(
                    "INVOICEACCOUNT", "msdyn_billingaccount",
                    lookup: Lookup(map: "customers-accounts", erp: "CUSTOMERACCOUNT", crm: "accountnumber")),
                StandardFields.yesNo("ISONETIMECUSTOMER", "msdyn_onetimecustomer"),
                StandardFields.options("ONHOLDSTATUS", "msdyn_onholdstatus", .onHold),
                StandardFields.both("PAYMENTTERMSBASEDAYS", "msdyn_paymenttermsbasedays"),
                StandardFields.both("TAXEXEMPTNUMBER", "msdyn_taxexemptnumber"),
                // Vendors V2 runs after customers in the reference's order, so no lookup here.
                StandardFields.both("VENDORACCOUNT", "msdyn_vendor"),
            ],
        filters: Filters(erpToCrm: "PARTYTYPE = 'Organization'", crmToErp: "customertypecode = 3"),
        dependsOn: parents)

    /// Customers V3 → contacts (#116): persons only; a contact is a customer
    /// when it is sellable and has a contact person id.
    static let contacts = TableMap(
        id: "customers-contacts", version: "1.0.0",
        description: "Customers (CustCustomerV3Entity) that are persons to contacts, company in the key",
        erp: TableReference(table: erpTable, key: erpKey),
        crm: TableReference(table: "contact", key: ["msdyn_company", "msdyn_contactpersonid"]),
        fields: [StandardFields.both("CUSTOMERACCOUNT", "msdyn_contactpersonid")]
            + shared(paymentTerms: "msdyn_paymentterms", partyNames: ["PERSONFIRSTNAME", "PERSONLASTNAME"]) + [
                StandardFields.constantToERP("PARTYTYPE", .string("Person")),
                StandardFields.constantToCRM("msdyn_sellable", .bool(true)),
                // Legacy (pre-GAB) fields: the person's name.
                StandardFields.both("PERSONFIRSTNAME", "firstname"),
                StandardFields.both("PERSONLASTNAME", "lastname"),
            ],
        filters: Filters(
            erpToCrm: "PARTYTYPE = 'Person'", crmToErp: "msdyn_sellable = 1 AND msdyn_contactpersonid IS NOT NULL"),
        dependsOn: parents)

    static var ddl: DDLDocument? {
        let shared = (
            erp: [
                "DATAAREAID TEXT", "CUSTOMERACCOUNT TEXT", "PARTYTYPE TEXT", "PARTYNUMBER TEXT", "CUSTOMERGROUPID TEXT",
                "SALESCURRENCYCODE TEXT", "PAYMENTTERMS TEXT", "PAYMENTDAY TEXT", "PAYMENTSCHEDULE TEXT",
                "PAYMENTMETHOD TEXT",
                "SALESTAXGROUP TEXT", "CONTACTPERSONID TEXT", "IDENTIFICATIONNUMBER TEXT", "PARTYCOUNTRY TEXT",
                "PARTYSTATE TEXT",
                "SALESMEMO TEXT",
            ],
            crm: [
                "msdyn_partyid TEXT", "msdyn_customergroupid TEXT", "transactioncurrencyid TEXT",
                "msdyn_paymentday TEXT", "msdyn_paymentschedule TEXT", "msdyn_customerpaymentmethod TEXT",
                "msdyn_salestaxgroup TEXT", "msdyn_primarycontact TEXT", "msdyn_identificationnumber TEXT",
                "msdyn_partycountry TEXT", "msdyn_partystateprovince TEXT", "description TEXT",
            ]
        )
        return DDLDocument(
            erp: [
                SQLiteTable.create(
                    erpTable, key: erpKey,
                    shared.erp + [
                        "ORGANIZATIONNAME TEXT", "PERSONFIRSTNAME TEXT", "PERSONLASTNAME TEXT", "CREDITLIMIT TEXT",
                        "CREDITLIMITISMANDATORY TEXT", "CREDITRATING TEXT", "INVOICEACCOUNT TEXT",
                        "ISONETIMECUSTOMER TEXT",
                        "ONHOLDSTATUS TEXT", "PAYMENTTERMSBASEDAYS INTEGER", "TAXEXEMPTNUMBER TEXT",
                        "VENDORACCOUNT TEXT",
                    ])
            ],
            crm: [
                SQLiteTable.create(
                    "account", key: ["msdyn_company", "accountnumber"],
                    ["msdyn_company TEXT", "accountnumber TEXT"] + shared.crm + [
                        "msdyn_paymentterm TEXT", "customertypecode INTEGER", "name TEXT", "creditlimit TEXT",
                        "msdyn_creditlimitismandatory INTEGER", "msdyn_creditrating TEXT", "msdyn_billingaccount TEXT",
                        "msdyn_onetimecustomer INTEGER", "msdyn_onholdstatus INTEGER",
                        "msdyn_paymenttermsbasedays INTEGER",
                        "msdyn_taxexemptnumber TEXT", "msdyn_vendor TEXT",
                    ]),
                SQLiteTable.create(
                    "contact", key: ["msdyn_company", "msdyn_contactpersonid"],
                    ["msdyn_company TEXT", "msdyn_contactpersonid TEXT"] + shared.crm + [
                        "msdyn_paymentterms TEXT", "msdyn_sellable INTEGER", "firstname TEXT", "lastname TEXT",
                    ]),
            ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: Customers.self, hostMajor: major, hostMinor: minor)
}
