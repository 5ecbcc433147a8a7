public import CTandemPlugin
import TandemDocuments
import TandemPluginKit

/// Small maps for trying the engine out and for its tests and benchmarks:
/// customer groups, customers (with a lookup to their group, a value map and
/// exact decimals), contact persons (a lookup and a default, no transform),
/// narrow notes, and a one-way item map whose quantity is converted through a
/// unit-conversion table. The standard dual-write maps come as their
/// own plugins; these stay deliberately small.
enum SampleMaps: TandemPlugin {
    static let id = "tandem.samples"
    static let version = "1.0.0"
    static let name = "Sample maps"
    static let summary = "Customer groups, customers and notes: small maps to try the sync engine with"

    static var maps: MapsDocument? {
        MapsDocument(maps: [
            TableMap(
                id: "sample.groups", version: "1.0.0", description: "Customer groups per company",
                erp: TableReference(table: "CustGroup", key: ["DATAAREAID", "CUSTGROUPID"]),
                crm: TableReference(table: "msdyn_customergroup", key: ["msdyn_company", "msdyn_groupid"]),
                fields: [
                    FieldMap(erp: "DATAAREAID", crm: "msdyn_company", direction: .both),
                    FieldMap(erp: "CUSTGROUPID", crm: "msdyn_groupid", direction: .both),
                    FieldMap(erp: "NAME", crm: "msdyn_description", direction: .both),
                ]),
            TableMap(
                id: "sample.customers", version: "1.0.0",
                description: "Customers to accounts, with their group (a lookup), on-hold status (a value map), credit limit (an exact decimal), notes and logo",
                erp: TableReference(table: "CustTable", key: ["DATAAREAID", "ACCOUNTNUM"]),
                crm: TableReference(table: "account", key: ["msdyn_company", "accountnumber"]),
                fields: [
                    FieldMap(erp: "DATAAREAID", crm: "msdyn_company", direction: .both),
                    FieldMap(erp: "ACCOUNTNUM", crm: "accountnumber", direction: .both),
                    FieldMap(erp: "NAME", crm: "name", direction: .both),
                    FieldMap(
                        erp: "CUSTGROUP", crm: "msdyn_customergroupid", direction: .both,
                        lookup: Lookup(map: "sample.groups", erp: "CUSTGROUPID", crm: "msdyn_groupid")),
                    FieldMap(erp: "CREDITLIMIT", crm: "creditlimit", direction: .both),
                    FieldMap(
                        erp: "ONHOLD", crm: "msdyn_onholdstatus", direction: .both,
                        transform: TransformReference(
                            name: "tandem.std.value-map",
                            config: .object([
                                "map": .object(["No": .string("806380000"), "Invoice": .string("806380001"), "All": .string("806380002")]),
                                "output": .string("l"),
                            ]))),
                    FieldMap(erp: "NOTES", crm: "description", direction: .both),
                    FieldMap(erp: "LOGO", crm: "entityimage", direction: .both),
                    FieldMap(erp: nil, crm: "msdyn_source", direction: .erpToCrm, defaultValue: .string("ERP")),
                ],
                dependsOn: ["sample.groups"],
                conflictPolicy: .erpWins),
            TableMap(
                id: "sample.contacts", version: "1.0.0",
                description: "Contact persons to contacts, with their customer (a lookup) and a source default: plain columns only",
                erp: TableReference(table: "ContactPerson", key: ["DATAAREAID", "CONTACTPERSONID"]),
                crm: TableReference(table: "contact", key: ["msdyn_company", "msdyn_contactpersonid"]),
                fields: [
                    FieldMap(erp: "DATAAREAID", crm: "msdyn_company", direction: .both),
                    FieldMap(erp: "CONTACTPERSONID", crm: "msdyn_contactpersonid", direction: .both),
                    FieldMap(erp: "NAME", crm: "fullname", direction: .both),
                    FieldMap(
                        erp: "CUSTACCOUNT", crm: "msdyn_accountnumber", direction: .both,
                        lookup: Lookup(map: "sample.customers", erp: "ACCOUNTNUM", crm: "accountnumber")),
                    FieldMap(erp: nil, crm: "msdyn_source", direction: .erpToCrm, defaultValue: .string("ERP")),
                ],
                dependsOn: ["sample.customers"],
                conflictPolicy: .erpWins),
            TableMap(
                id: "sample.notes", version: "1.0.0", description: "Narrow rows (an id and a text) for benchmarks",
                erp: TableReference(table: "Notes", key: ["NOTEID"]),
                crm: TableReference(table: "annotation", key: ["annotationid"]),
                fields: [
                    FieldMap(erp: "NOTEID", crm: "annotationid", direction: .both),
                    FieldMap(erp: "TEXT", crm: "notetext", direction: .both),
                ]),
            TableMap(
                id: "sample.unit-conversions", version: "1.0.0", description: "Unit conversions (from, to, factor), both ways",
                erp: TableReference(table: "UnitConversion", key: ["FROMUNIT", "TOUNIT"]),
                crm: TableReference(table: "msdyn_unitconversion", key: ["msdyn_fromunit", "msdyn_tounit"]),
                fields: [
                    FieldMap(erp: "FROMUNIT", crm: "msdyn_fromunit", direction: .both),
                    FieldMap(erp: "TOUNIT", crm: "msdyn_tounit", direction: .both),
                    FieldMap(erp: "FACTOR", crm: "msdyn_factor", direction: .both),
                    FieldMap(erp: "ROUNDING", crm: "msdyn_rounding", direction: .both),
                ]),
            TableMap(
                id: "sample.items", version: "1.0.0",
                description: "Items, one way ERP to CRM: the stock quantity arrives in the sales unit, converted through sample.unit-conversions",
                erp: TableReference(table: "Item", key: ["DATAAREAID", "ITEMID"]),
                crm: TableReference(table: "msdyn_item", key: ["msdyn_company", "msdyn_itemid"]),
                fields: [
                    FieldMap(erp: "DATAAREAID", crm: "msdyn_company", direction: .erpToCrm),
                    FieldMap(erp: "ITEMID", crm: "msdyn_itemid", direction: .erpToCrm),
                    FieldMap(erp: "NAME", crm: "msdyn_name", direction: .erpToCrm),
                    FieldMap(erp: "SALESUNIT", crm: "msdyn_salesunit", direction: .erpToCrm),
                    FieldMap(
                        erp: .many(["ONHAND", "UNIT", "SALESUNIT", "ITEMID"]), crm: "msdyn_onhandinsalesunit", direction: .erpToCrm,
                        transform: TransformReference(
                            name: "tandem.std.unit-conversion",
                            config: .object([
                                "conversions": .object([
                                    "$rows": .object([
                                        "table": .string("UnitConversion"),
                                        "columns": .object([
                                            "from": .string("FROMUNIT"), "to": .string("TOUNIT"), "factor": .string("FACTOR"),
                                            "rounding": .string("ROUNDING"),
                                        ]),
                                    ])
                                ]),
                                "scale": .integer(4),
                            ]))),
                ],
                dependsOn: ["sample.unit-conversions"]),
        ])
    }

    static var ddl: DDLDocument? {
        DDLDocument(
            erp: [
                "CREATE TABLE IF NOT EXISTS CustGroup (DATAAREAID TEXT NOT NULL, CUSTGROUPID TEXT NOT NULL, NAME TEXT, PRIMARY KEY (DATAAREAID, CUSTGROUPID))",
                """
                CREATE TABLE IF NOT EXISTS CustTable (DATAAREAID TEXT NOT NULL, ACCOUNTNUM TEXT NOT NULL, NAME TEXT, CUSTGROUP TEXT, \
                CREDITLIMIT TEXT, ONHOLD TEXT, NOTES TEXT, LOGO BLOB, PRIMARY KEY (DATAAREAID, ACCOUNTNUM))
                """,
                """
                CREATE TABLE IF NOT EXISTS ContactPerson (DATAAREAID TEXT NOT NULL, CONTACTPERSONID TEXT NOT NULL, NAME TEXT, \
                CUSTACCOUNT TEXT, PRIMARY KEY (DATAAREAID, CONTACTPERSONID))
                """,
                "CREATE TABLE IF NOT EXISTS Notes (NOTEID INTEGER PRIMARY KEY, TEXT TEXT)",
                "CREATE TABLE IF NOT EXISTS UnitConversion (FROMUNIT TEXT NOT NULL, TOUNIT TEXT NOT NULL, FACTOR TEXT NOT NULL, ROUNDING TEXT, PRIMARY KEY (FROMUNIT, TOUNIT))",
                "CREATE TABLE IF NOT EXISTS Item (DATAAREAID TEXT NOT NULL, ITEMID TEXT NOT NULL, NAME TEXT, ONHAND TEXT, UNIT TEXT, SALESUNIT TEXT, PRIMARY KEY (DATAAREAID, ITEMID))",
            ],
            crm: [
                "CREATE TABLE IF NOT EXISTS msdyn_customergroup (msdyn_company TEXT NOT NULL, msdyn_groupid TEXT NOT NULL, msdyn_description TEXT, PRIMARY KEY (msdyn_company, msdyn_groupid))",
                """
                CREATE TABLE IF NOT EXISTS account (msdyn_company TEXT NOT NULL, accountnumber TEXT NOT NULL, name TEXT, \
                msdyn_customergroupid TEXT, creditlimit TEXT, msdyn_onholdstatus INTEGER, description TEXT, entityimage BLOB, \
                msdyn_source TEXT, PRIMARY KEY (msdyn_company, accountnumber))
                """,
                """
                CREATE TABLE IF NOT EXISTS contact (msdyn_company TEXT NOT NULL, msdyn_contactpersonid TEXT NOT NULL, fullname TEXT, \
                msdyn_accountnumber TEXT, msdyn_source TEXT, PRIMARY KEY (msdyn_company, msdyn_contactpersonid))
                """,
                "CREATE TABLE IF NOT EXISTS annotation (annotationid INTEGER PRIMARY KEY, notetext TEXT)",
                "CREATE TABLE IF NOT EXISTS msdyn_unitconversion (msdyn_fromunit TEXT NOT NULL, msdyn_tounit TEXT NOT NULL, msdyn_factor TEXT NOT NULL, msdyn_rounding TEXT, PRIMARY KEY (msdyn_fromunit, msdyn_tounit))",
                "CREATE TABLE IF NOT EXISTS msdyn_item (msdyn_company TEXT NOT NULL, msdyn_itemid TEXT NOT NULL, msdyn_name TEXT, msdyn_salesunit TEXT, msdyn_onhandinsalesunit TEXT, PRIMARY KEY (msdyn_company, msdyn_itemid))",
            ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: SampleMaps.self, hostMajor: major, hostMinor: minor)
}
