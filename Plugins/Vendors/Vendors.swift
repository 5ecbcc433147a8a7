public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// F&O vendors (`VendVendorV2Entity`) to Dataverse vendors (`msdyn_vendor`),
/// the reference's map #202 (`docs/MAPS.md`).
enum Vendors: TandemPlugin {
    static let id = "tandem.std.vendors"
    static let version = "1.0.0"
    static let name = "Vendors"
    static let summary = "Vendors V2 to msdyn_vendor, organisations and persons"

    static var maps: MapsDocument? { MapsDocument(maps: [vendors]) }

    /// The `NoYes` columns, ERP name to Dataverse name, in the reference's order.
    static let flags: KeyValuePairs = [
        "ISFOREIGNENTITY": "msdyn_isforeignentity", "ISONETIMEVENDOR": "msdyn_isonetimevendor",
        "HASONLYTAKENBIDS": "msdyn_hasonlytakenbids", "ISMINORITYOWNED": "msdyn_isminorityowned",
        "ISVENDORLOCALLYOWNED": "msdyn_isvendorlocallyowned", "ISSERVICEVETERANOWNED": "msdyn_isserviceveteranowned",
        "ISOWNERDISABLED": "msdyn_ownerisdisabled", "ISWOMANOWNER": "msdyn_womanowner",
        "ISVENDORLOCATEDINHUBZONE": "msdyn_isvendorlocatedinhubzone",
    ]

    /// Columns copied as they are, ERP name to Dataverse name, in the reference's order.
    static let copied: KeyValuePairs = [
        "DEFAULTPAYMENTDAYNAME": "msdyn_defaultpaymentdayname", "DEFAULTPAYMENTSCHEDULENAME": "msdyn_paymentschedule",
        "DEFAULTVENDORPAYMENTMETHODNAME": "msdyn_vendorpaymentmethod", "SALESTAXGROUPCODE": "msdyn_taxgroup",
        "VENDORHOLDRELEASEDATE": "msdyn_vendoronholdreleasedate", "PRIMARYCONTACTPERSONID": "msdyn_primarycontact",
        "CREDITRATING": "msdyn_creditrating", "DUNSNUMBER": "msdyn_dunsnumber", "ETHNICORIGINID": "msdyn_ethnicorigin",
        "OURACCOUNTNUMBER": "msdyn_ourvendoraccountnumber", "PAYMENTID": "msdyn_paymentid",
        "PRIMARYURL": "msdyn_primarycontacturl",
        // Legacy (pre-GAB) field: the name, so that a vendor is recognisable without its party.
        "VENDORORGANIZATIONNAME": "msdyn_name",
    ]

    /// Vendors V2 → msdyn_vendors (#202).
    static let vendors = TableMap(
        id: "vendors", version: "1.0.0",
        description: "Vendors (VendVendorV2Entity), organisations and persons, to msdyn_vendor, company in the key; the invoice account refers to another vendor",
        erp: TableReference(table: "VendVendorV2Entity", key: ["DATAAREAID", "VENDORACCOUNTNUMBER"]),
        crm: TableReference(table: "msdyn_vendor", key: ["msdyn_company", "msdyn_vendoraccountnumber"]),
        fields: [
            StandardFields.company,
            StandardFields.both("VENDORACCOUNTNUMBER", "msdyn_vendoraccountnumber"),
            StandardFields.both("VENDORPARTYNUMBER", "msdyn_partyid", lookup: .party),
            StandardFields.options("VENDORPARTYTYPE", "msdyn_isperson", OptionValues(["Person": 1, "Organization": 0])),
            StandardFields.both("VENDORGROUPID", "msdyn_vendorgroupid", lookup: .vendorGroup),
            StandardFields.money("CREDITLIMIT", "msdyn_vendorcreditlimit"),
            StandardFields.both("CURRENCYCODE", "msdyn_currencycode", lookup: .currency),
            StandardFields.both("DEFAULTPAYMENTTERMSNAME", "msdyn_paymentterms", lookup: .paymentTerm),
            StandardFields.both(
                "INVOICEVENDORACCOUNTNUMBER", "msdyn_invoicevendoraccountnumber",
                lookup: Lookup(map: "vendors", erp: "VENDORACCOUNTNUMBER", crm: "msdyn_vendoraccountnumber")),
            StandardFields.yesNo("AREPRICESINCLUDINGSALESTAX", "msdyn_priceincludessalestax"),
            StandardFields.options("ONHOLDSTATUS", "msdyn_onholdstatus", .onHold),
            StandardFields.both("ORGANIZATIONEMPLOYEEAMOUNT", "msdyn_numberofemployees"),
        ] + StandardFields.copies(copied) + StandardFields.flags(flags),
        filters: Filters(erpToCrm: "VENDORPARTYTYPE IN ('Organization', 'Person')"),
        dependsOn: ["companies", "currencies", "vendor-groups", "payment-terms", "parties"])

    static var ddl: DDLDocument? {
        DDLDocument(
            erp: [
                SQLiteTable.create(
                    "VendVendorV2Entity", key: ["DATAAREAID", "VENDORACCOUNTNUMBER"],
                    [
                        "DATAAREAID TEXT", "VENDORACCOUNTNUMBER TEXT", "VENDORPARTYNUMBER TEXT", "VENDORPARTYTYPE TEXT",
                        "VENDORGROUPID TEXT", "CREDITLIMIT TEXT", "CURRENCYCODE TEXT", "DEFAULTPAYMENTTERMSNAME TEXT",
                        "INVOICEVENDORACCOUNTNUMBER TEXT", "AREPRICESINCLUDINGSALESTAX TEXT", "ONHOLDSTATUS TEXT",
                        "ORGANIZATIONEMPLOYEEAMOUNT INTEGER",
                    ] + copied.map { "\($0.key) TEXT" } + flags.map { "\($0.key) TEXT" })
            ],
            crm: [
                SQLiteTable.create(
                    "msdyn_vendor", key: ["msdyn_company", "msdyn_vendoraccountnumber"],
                    [
                        "msdyn_company TEXT", "msdyn_vendoraccountnumber TEXT", "msdyn_partyid TEXT", "msdyn_isperson INTEGER",
                        "msdyn_vendorgroupid TEXT", "msdyn_vendorcreditlimit TEXT", "msdyn_currencycode TEXT",
                        "msdyn_paymentterms TEXT", "msdyn_invoicevendoraccountnumber TEXT", "msdyn_priceincludessalestax INTEGER",
                        "msdyn_onholdstatus INTEGER", "msdyn_numberofemployees INTEGER",
                    ] + copied.map { "\($0.value) TEXT" } + flags.map { "\($0.value) INTEGER" })
            ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: Vendors.self, hostMajor: major, hostMinor: minor)
}
