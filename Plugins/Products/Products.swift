public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Released products to Dataverse products, one way as in dual-write, and
/// the product-specific unit conversions (`docs/MAPS.md`).
enum Products: TandemPlugin {
    static let id = "tandem.std.products"
    static let version = "1.0.0"
    static let name = "Products"
    static let summary = "Released distinct products to products (one way ERP to CRM) and product-specific unit conversions"

    static var maps: MapsDocument? { MapsDocument(maps: [products, productUnitConversions]) }

    /// The columns the unit-conversion transform reads from a conversion table on the source side.
    static let conversionColumns: [String: JSONValue] = ([
        "from": "FROMUNITSYMBOL", "to": "TOUNITSYMBOL", "factor": "FACTOR", "numerator": "NUMERATOR",
        "denominator": "DENOMINATOR", "inneroffset": "INNEROFFSET", "outeroffset": "OUTEROFFSET", "rounding": "ROUNDING",
    ] as [String: String]).mapValues(JSONValue.string)

    /// CDS released distinct products → products (#213). Every field is
    /// `->`: F&O owns products, and a CRM edit is overwritten by the next
    /// F&O change.
    static let products = TableMap(
        id: "products", version: "1.0.0",
        description: "Released products (EcoResReleasedDistinctProductCDSEntity) to products, one way ERP to CRM, per company; the standard order quantity converted to the sales unit",
        erp: TableReference(table: "EcoResReleasedDistinctProductCDSEntity", key: ["DATAAREAID", "PRODUCTNUMBER"]),
        crm: TableReference(table: "product", key: ["msdyn_company", "msdyn_productnumber"]),
        fields: [
            StandardFields.toCRM("DATAAREAID", "msdyn_company", lookup: .company),
            StandardFields.toCRM("PRODUCTNUMBER", "msdyn_productnumber"),
            // Dual-write keys products on this concatenation (a product number alone repeats across companies);
            // Tandem keys on its two parts and keeps the concatenation, unique, for whoever looks products up by it.
            FieldMap(
                erp: .many(["DATAAREAID", "PRODUCTNUMBER"]), crm: "productnumber", direction: .erpToCrm,
                transform: TransformReference(
                    name: "tandem.std.concat", config: .object(["separator": .string("-"), "name": .string("productnumber")]))),
            StandardFields.toCRM("ITEMNUMBER", "msdyn_itemnumber"),
            StandardFields.toCRM("PRODUCTNAME", "name"),
            StandardFields.toCRM("PRODUCTDESCRIPTION", "description"),
            StandardFields.toCRM("CURRENCYCODE", "transactioncurrencyid", lookup: .currency),
            StandardFields.toCRM("SALESUNITSYMBOL", "defaultuomid", lookup: .unit),
            StandardFields.money("SALESPRICE", "price", .erpToCrm),
            StandardFields.money("UNITCOST", "currentcost", .erpToCrm),
            StandardFields.options("PRODUCTTYPE", "producttypecode", OptionValues(["Item": 1, "Service": 3]), .erpToCrm),
            StandardFields.toCRM("SALESUNITDECIMALPRECISION", "quantitydecimal"),
            StandardFields.yesNo("ISCATCHWEIGHTPRODUCT", "msdyn_iscatchweight", .erpToCrm),
            StandardFields.yesNo("ISSTOCKEDPRODUCT", "msdyn_isstockedproduct", .erpToCrm),
            StandardFields.options(
                "FIELDSERVICEPRODUCTTYPE", "msdyn_fieldserviceproducttype",
                OptionValues(["Inventory": 690_970_000, "NonInventory": 690_970_001, "Service": 690_970_002]), .erpToCrm),
            StandardFields.toCRM("PRODUCTCOLORID", "msdyn_productcolor"),
            StandardFields.toCRM("PRODUCTSIZEID", "msdyn_productsize"),
            StandardFields.toCRM("PRODUCTSTYLEID", "msdyn_productstyle"),
            StandardFields.toCRM("PRODUCTCONFIGURATIONID", "msdyn_productconfiguration"),
            // F&O keeps the quantity in the inventory unit; Sales quotes in the sales unit (defaultuomid), so the
            // quantity is converted through the product's own conversion, else the general one (exactly).
            FieldMap(
                erp: .many(["STANDARDORDERQUANTITY", "INVENTORYUNITSYMBOL", "SALESUNITSYMBOL", "PRODUCTNUMBER"]),
                crm: "msdyn_standardorderquantity", direction: .erpToCrm,
                transform: TransformReference(
                    name: "tandem.std.unit-conversion",
                    config: .object([
                        "scale": .integer(10),
                        "name": .string("msdyn_standardorderquantity"),
                        "conversions": .object([
                            "$rows": .object([
                                "table": .string("UnitOfMeasureConversionEntity"), "columns": .object(conversionColumns),
                            ])
                        ]),
                        "product_conversions": .object([
                            "$rows": .object([
                                "table": .string("EcoResProductSpecificUnitConversionEntity"),
                                "columns": .object(conversionColumns.merging(["product": .string("PRODUCTNUMBER")]) { $1 }),
                            ])
                        ]),
                    ]))),
        ],
        dependsOn: ["companies", "currencies", "units", "unit-conversions"],
        conflictPolicy: .erpWins)

    /// Product specific unit conversions → msdyn_productspecificunitofmeasureconversions (#176): both ways.
    static let productUnitConversions = TableMap(
        id: "product-unit-conversions", version: "1.0.0",
        description: "Unit conversions specific to one product (EcoResProductSpecificUnitConversionEntity)",
        erp: TableReference(
            table: "EcoResProductSpecificUnitConversionEntity", key: ["PRODUCTNUMBER", "FROMUNITSYMBOL", "TOUNITSYMBOL"]),
        crm: TableReference(
            table: "msdyn_productspecificunitofmeasureconversion", key: ["msdyn_globalproduct", "msdyn_fromunit", "msdyn_tounit"]),
        fields: [
            StandardFields.both(
                "PRODUCTNUMBER", "msdyn_globalproduct", lookup: Lookup(map: "products", erp: "PRODUCTNUMBER", crm: "msdyn_productnumber"))
        ] + StandardFields.unitConversion,
        dependsOn: ["products", "units"])

    static var ddl: DDLDocument? {
        DDLDocument(
            erp: [
                SQLiteTable.create(
                    "EcoResReleasedDistinctProductCDSEntity", key: ["DATAAREAID", "PRODUCTNUMBER"],
                    [
                        "DATAAREAID TEXT", "PRODUCTNUMBER TEXT", "ITEMNUMBER TEXT", "PRODUCTNAME TEXT", "PRODUCTDESCRIPTION TEXT",
                        "CURRENCYCODE TEXT", "SALESUNITSYMBOL TEXT", "INVENTORYUNITSYMBOL TEXT", "SALESPRICE TEXT", "UNITCOST TEXT",
                        "PRODUCTTYPE TEXT", "SALESUNITDECIMALPRECISION INTEGER", "ISCATCHWEIGHTPRODUCT TEXT",
                        "ISSTOCKEDPRODUCT TEXT", "FIELDSERVICEPRODUCTTYPE TEXT", "PRODUCTCOLORID TEXT", "PRODUCTSIZEID TEXT",
                        "PRODUCTSTYLEID TEXT", "PRODUCTCONFIGURATIONID TEXT", "STANDARDORDERQUANTITY TEXT",
                    ]),
                SQLiteTable.create(
                    "EcoResProductSpecificUnitConversionEntity", key: ["PRODUCTNUMBER", "FROMUNITSYMBOL", "TOUNITSYMBOL"],
                    ["PRODUCTNUMBER TEXT"] + StandardFields.unitConversionColumns.erp),
            ],
            crm: [
                SQLiteTable.create(
                    "product", key: ["msdyn_company", "msdyn_productnumber"],
                    [
                        "msdyn_company TEXT", "msdyn_productnumber TEXT", "productnumber TEXT", "msdyn_itemnumber TEXT",
                        "name TEXT", "description TEXT", "transactioncurrencyid TEXT", "defaultuomid TEXT", "price TEXT",
                        "currentcost TEXT", "producttypecode INTEGER", "quantitydecimal INTEGER", "msdyn_iscatchweight INTEGER",
                        "msdyn_isstockedproduct INTEGER", "msdyn_fieldserviceproducttype INTEGER", "msdyn_productcolor TEXT",
                        "msdyn_productsize TEXT", "msdyn_productstyle TEXT", "msdyn_productconfiguration TEXT",
                        "msdyn_standardorderquantity TEXT",
                    ],
                    unique: [["productnumber"]]),
                SQLiteTable.create(
                    "msdyn_productspecificunitofmeasureconversion", key: ["msdyn_globalproduct", "msdyn_fromunit", "msdyn_tounit"],
                    ["msdyn_globalproduct TEXT"] + StandardFields.unitConversionColumns.crm),
            ])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: Products.self, hostMajor: major, hostMinor: minor)
}
