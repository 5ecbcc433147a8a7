public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// The reference data that customers, vendors and products point at: legal
/// entities, currencies, customer and vendor groups, terms of payment, units,
/// unit classes and unit conversions (`docs/MAPS.md`).
enum ReferenceData: TandemPlugin {
    static let id = "tandem.std.reference"
    static let version = "1.0.0"
    static let name = "Reference data"
    static let summary =
        "Companies, currencies, customer and vendor groups, terms of payment, units, unit classes and unit conversions"

    static var maps: MapsDocument? {
        MapsDocument(maps: [companies, currencies, paymentTerms, customerGroups, vendorGroups, unitClasses, units, unitConversions])
    }

    /// Legal entities → cdm_companies (#102): one way, as in the current map;
    /// the target of every company column.
    static let companies = TableMap(
        id: "companies", version: "1.0.0",
        description: "Legal entities (OMLegalEntity) to companies (cdm_company), one way ERP to CRM",
        erp: TableReference(table: "OMLegalEntity", key: ["LEGALENTITYID"]),
        crm: TableReference(table: "cdm_company", key: ["cdm_companycode"]),
        fields: [
            StandardFields.toCRM("LEGALENTITYID", "cdm_companycode"),
            StandardFields.toCRM("NAME", "cdm_name"),
        ])

    /// Currencies → transactioncurrencies (#218), with their decimal places.
    static let currencies = TableMap(
        id: "currencies", version: "1.0.0",
        description: "Currencies (CurrencyEntity) to transaction currencies, with their decimal places; currency 999 stays in F&O",
        erp: TableReference(table: "CurrencyEntity", key: ["CURRENCYCODE"]),
        crm: TableReference(table: "transactioncurrency", key: ["isocurrencycode"]),
        fields: [
            StandardFields.both("CURRENCYCODE", "isocurrencycode"),
            StandardFields.both("NAME", "currencyname"),
            StandardFields.both("SYMBOL", "currencysymbol"),
            // Both sides must keep the same number of decimals, or dual-write loses digits.
            StandardFields.both("DECIMALPLACES", "currencyprecision"),
            // F&O keeps rates in its own tables; a new Dataverse currency starts at par.
            StandardFields.constantToCRM("exchangerate", .string("1.0000000000")),
        ],
        filters: Filters(erpToCrm: "CURRENCYCODE <> '999'"))

    /// Terms of payment → msdyn_paymentterms (#161).
    static let paymentTerms = TableMap(
        id: "payment-terms", version: "1.0.0", description: "Terms of payment (PaymentTermEntity) per company",
        erp: TableReference(table: "PaymentTermEntity", key: ["DATAAREAID", "NAME"]),
        crm: TableReference(table: "msdyn_paymentterm", key: ["msdyn_company", "msdyn_name"]),
        fields: [
            StandardFields.company,
            StandardFields.both("NAME", "msdyn_name"),
            StandardFields.both("DESCRIPTION", "msdyn_description"),
            StandardFields.both("NUMBEROFDAYS", "msdyn_days"),
            StandardFields.both("NUMBEROFMONTHS", "msdyn_numberofmonth"),
            StandardFields.both("CUTOFFDAYOFMONTH", "msdyn_cutoffdayofmonth"),
            StandardFields.yesNo("ISCASHPAYMENT", "msdyn_iscashpayment"),
            StandardFields.yesNo("ISCERTIFIEDCOMPANYCHECK", "msdyn_iscertifiedcompanycheck"),
            StandardFields.yesNo("ISDEFAULTPAYMENTTERM", "msdyn_isdefaultpaymentterm"),
            StandardFields.options(
                "CREDITCARDPAYMENTTYPE", "msdyn_creditcardpaymenttype", OptionValues(["Na": 806_380_998, "CreditCard": 806_380_999])),
            StandardFields.options(
                "CREDITCARDCREDITCHECKTYPE", "msdyn_creditcardcreditchecktype", OptionValues(["Normal": 806_380_000, "ByPass": 806_380_001])),
            StandardFields.options(
                "PAYMENTMETHODTYPE", "msdyn_paymentmethodtype",
                OptionValues([
                    "Net": 806_380_991, "CurrentMth": 806_380_992, "CurrentQuart": 806_380_993, "CurrentYear": 806_380_994,
                    "CurrentWeek": 806_380_995, "Cod": 806_380_996, "CutOffDate": 806_380_997,
                ])),
            StandardFields.both("PAYMENTDAYNAME", "msdyn_paymentdayname"),
            StandardFields.both("PAYMENTSCHEDULENAME", "msdyn_paymentschedulename"),
        ],
        dependsOn: ["companies"])

    /// Customer groups → msdyn_customergroups (#126).
    static let customerGroups = TableMap(
        id: "customer-groups", version: "1.0.0", description: "Customer groups (CustCustomerGroupEntity) per company",
        erp: TableReference(table: "CustCustomerGroupEntity", key: ["DATAAREAID", "CUSTOMERGROUPID"]),
        crm: TableReference(table: "msdyn_customergroup", key: ["msdyn_company", "msdyn_groupid"]),
        fields: [
            StandardFields.company,
            StandardFields.both("CUSTOMERGROUPID", "msdyn_groupid"),
            StandardFields.both("DESCRIPTION", "msdyn_description"),
            StandardFields.yesNo("ISSALESTAXINCLUDEDINPRICE", "msdyn_issalestaxincludedinprice"),
            StandardFields.both("PAYMENTTERMID", "msdyn_paymenttermid", lookup: .paymentTerm),
            StandardFields.both("CLEARINGPERIODPAYMENTTERMNAME", "msdyn_clearingperiodpaymenttermname", lookup: .paymentTerm),
        ],
        dependsOn: ["companies", "payment-terms"])

    /// Vendor groups → msdyn_vendorgroups (#200).
    static let vendorGroups = TableMap(
        id: "vendor-groups", version: "1.0.0", description: "Vendor groups (VendVendorGroupEntity) per company",
        erp: TableReference(table: "VendVendorGroupEntity", key: ["DATAAREAID", "VENDORGROUPID"]),
        crm: TableReference(table: "msdyn_vendorgroup", key: ["msdyn_company", "msdyn_vendorgroup"]),
        fields: [
            StandardFields.company,
            StandardFields.both("VENDORGROUPID", "msdyn_vendorgroup"),
            StandardFields.both("DESCRIPTION", "msdyn_description"),
            StandardFields.both("DEFAULTPAYMENTTERMNAME", "msdyn_paymentterms", lookup: .paymentTerm),
            // "perm" is the Dataverse column's own spelling.
            StandardFields.both("CLEARINGPERIODPAYMENTTERMNAME", "msdyn_clearingperiodpaymentpermname", lookup: .paymentTerm),
        ],
        dependsOn: ["companies", "payment-terms"])

    /// Unit classes → unit groups: each F&O unit class is a Dataverse unit
    /// group maintained by F&O (the reference describes the groups; it
    /// names no map for them).
    static let unitClasses = TableMap(
        id: "unit-classes", version: "1.0.0",
        description: "Unit classes (UnitOfMeasureClassEntity) to unit groups (uomschedule), one way ERP to CRM, flagged as maintained by F&O",
        erp: TableReference(table: "UnitOfMeasureClassEntity", key: ["UNITCLASS"]),
        crm: TableReference(table: "uomschedule", key: ["name"]),
        fields: [
            StandardFields.toCRM("UNITCLASS", "name"),
            StandardFields.toCRM("DESCRIPTION", "description"),
            StandardFields.toCRM("BASEUNITSYMBOL", "baseuomname"),
            StandardFields.constantToCRM("msdyn_externallymaintained", .bool(true)),
        ])

    /// Units → uoms (#219): one way; the symbol is unique in Dataverse.
    static let units = TableMap(
        id: "units", version: "1.0.0", description: "Units of measure (UnitOfMeasureEntity) to uom, one way ERP to CRM",
        erp: TableReference(table: "UnitOfMeasureEntity", key: ["UNITSYMBOL"]),
        crm: TableReference(table: "uom", key: ["msdyn_symbol"]),
        fields: [
            StandardFields.toCRM("UNITSYMBOL", "msdyn_symbol"),
            StandardFields.toCRM("UNITSYMBOL", "name"),
            StandardFields.toCRM(
                "UNITCLASS", "msdyn_externalunitclassname", lookup: Lookup(map: "unit-classes", erp: "UNITCLASS", crm: "name")),
            StandardFields.toCRM("UNITDESCRIPTION", "msdyn_description"),
            StandardFields.toCRM("DECIMALPRECISION", "msdyn_decimalprecision"),
            StandardFields.yesNo("ISBASEUNIT", "msdyn_isbaseunit", .erpToCrm),
            StandardFields.yesNo("ISSYSTEMUNIT", "msdyn_issystemunit", .erpToCrm),
            StandardFields.options(
                "SYSTEMOFUNITS", "msdyn_systemofunits", OptionValues(["None": 192_350_000, "Metric": 192_350_001, "Us": 192_350_002]),
                .erpToCrm),
        ],
        dependsOn: ["unit-classes"])

    /// Unit conversions → msdyn_unitofmeasureconversions (#199): both ways,
    /// unlike the units themselves.
    static let unitConversions = TableMap(
        id: "unit-conversions", version: "1.0.0",
        description: "Unit conversions (UnitOfMeasureConversionEntity): factor, numerator, denominator, offsets and rounding",
        erp: TableReference(table: "UnitOfMeasureConversionEntity", key: ["FROMUNITSYMBOL", "TOUNITSYMBOL"]),
        crm: TableReference(table: "msdyn_unitofmeasureconversion", key: ["msdyn_fromunit", "msdyn_tounit"]),
        fields: StandardFields.unitConversion,
        dependsOn: ["units"])

    static var ddl: DDLDocument? {
        DDLDocument(
            erp: [
                SQLiteTable.create("OMLegalEntity", key: ["LEGALENTITYID"], ["LEGALENTITYID TEXT", "NAME TEXT"]),
                SQLiteTable.create(
                    "CurrencyEntity", key: ["CURRENCYCODE"], ["CURRENCYCODE TEXT", "NAME TEXT", "SYMBOL TEXT", "DECIMALPLACES INTEGER"]),
                SQLiteTable.create(
                    "PaymentTermEntity", key: ["DATAAREAID", "NAME"],
                    [
                        "DATAAREAID TEXT", "NAME TEXT", "DESCRIPTION TEXT", "NUMBEROFDAYS INTEGER", "NUMBEROFMONTHS INTEGER",
                        "CUTOFFDAYOFMONTH INTEGER", "ISCASHPAYMENT TEXT", "ISCERTIFIEDCOMPANYCHECK TEXT", "ISDEFAULTPAYMENTTERM TEXT",
                        "CREDITCARDPAYMENTTYPE TEXT", "CREDITCARDCREDITCHECKTYPE TEXT", "PAYMENTMETHODTYPE TEXT", "PAYMENTDAYNAME TEXT",
                        "PAYMENTSCHEDULENAME TEXT",
                    ]),
                SQLiteTable.create(
                    "CustCustomerGroupEntity", key: ["DATAAREAID", "CUSTOMERGROUPID"],
                    [
                        "DATAAREAID TEXT", "CUSTOMERGROUPID TEXT", "DESCRIPTION TEXT", "ISSALESTAXINCLUDEDINPRICE TEXT",
                        "PAYMENTTERMID TEXT", "CLEARINGPERIODPAYMENTTERMNAME TEXT",
                    ]),
                SQLiteTable.create(
                    "VendVendorGroupEntity", key: ["DATAAREAID", "VENDORGROUPID"],
                    [
                        "DATAAREAID TEXT", "VENDORGROUPID TEXT", "DESCRIPTION TEXT", "DEFAULTPAYMENTTERMNAME TEXT",
                        "CLEARINGPERIODPAYMENTTERMNAME TEXT",
                    ]),
                SQLiteTable.create(
                    "UnitOfMeasureClassEntity", key: ["UNITCLASS"], ["UNITCLASS TEXT", "DESCRIPTION TEXT", "BASEUNITSYMBOL TEXT"]),
                SQLiteTable.create(
                    "UnitOfMeasureEntity", key: ["UNITSYMBOL"],
                    [
                        "UNITSYMBOL TEXT", "UNITCLASS TEXT", "UNITDESCRIPTION TEXT", "DECIMALPRECISION INTEGER", "ISBASEUNIT TEXT",
                        "ISSYSTEMUNIT TEXT", "SYSTEMOFUNITS TEXT",
                    ]),
                SQLiteTable.create(
                    "UnitOfMeasureConversionEntity", key: ["FROMUNITSYMBOL", "TOUNITSYMBOL"], StandardFields.unitConversionColumns.erp),
            ],
            crm: [
                SQLiteTable.create("cdm_company", key: ["cdm_companycode"], ["cdm_companycode TEXT", "cdm_name TEXT"]),
                SQLiteTable.create(
                    "transactioncurrency", key: ["isocurrencycode"],
                    [
                        "isocurrencycode TEXT", "currencyname TEXT", "currencysymbol TEXT", "currencyprecision INTEGER",
                        "exchangerate TEXT",
                    ]),
                SQLiteTable.create(
                    "msdyn_paymentterm", key: ["msdyn_company", "msdyn_name"],
                    [
                        "msdyn_company TEXT", "msdyn_name TEXT", "msdyn_description TEXT", "msdyn_days INTEGER",
                        "msdyn_numberofmonth INTEGER", "msdyn_cutoffdayofmonth INTEGER", "msdyn_iscashpayment INTEGER",
                        "msdyn_iscertifiedcompanycheck INTEGER", "msdyn_isdefaultpaymentterm INTEGER",
                        "msdyn_creditcardpaymenttype INTEGER", "msdyn_creditcardcreditchecktype INTEGER",
                        "msdyn_paymentmethodtype INTEGER", "msdyn_paymentdayname TEXT", "msdyn_paymentschedulename TEXT",
                    ]),
                SQLiteTable.create(
                    "msdyn_customergroup", key: ["msdyn_company", "msdyn_groupid"],
                    [
                        "msdyn_company TEXT", "msdyn_groupid TEXT", "msdyn_description TEXT",
                        "msdyn_issalestaxincludedinprice INTEGER", "msdyn_paymenttermid TEXT",
                        "msdyn_clearingperiodpaymenttermname TEXT",
                    ]),
                SQLiteTable.create(
                    "msdyn_vendorgroup", key: ["msdyn_company", "msdyn_vendorgroup"],
                    [
                        "msdyn_company TEXT", "msdyn_vendorgroup TEXT", "msdyn_description TEXT", "msdyn_paymentterms TEXT",
                        "msdyn_clearingperiodpaymentpermname TEXT",
                    ]),
                SQLiteTable.create(
                    "uomschedule", key: ["name"],
                    ["name TEXT", "description TEXT", "baseuomname TEXT", "msdyn_externallymaintained INTEGER"]),
                SQLiteTable.create(
                    "uom", key: ["msdyn_symbol"],
                    [
                        "msdyn_symbol TEXT", "name TEXT", "msdyn_externalunitclassname TEXT", "msdyn_description TEXT",
                        "msdyn_decimalprecision INTEGER", "msdyn_isbaseunit INTEGER", "msdyn_issystemunit INTEGER",
                        "msdyn_systemofunits INTEGER",
                    ]),
                SQLiteTable.create(
                    "msdyn_unitofmeasureconversion", key: ["msdyn_fromunit", "msdyn_tounit"],
                    StandardFields.unitConversionColumns.crm),
            ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: ReferenceData.self, hostMajor: major, hostMinor: minor)
}
