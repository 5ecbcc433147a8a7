public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Field service assets: SCM Asset management's in-house assets, their
/// types, lifecycle models and states, manufacturers, models and
/// warranties, and the functional locations they are installed at, with
/// their own lifecycle models, states and types, from part G of
/// `shared/reference/dualwrite-transactional-maps.md` (`docs/MAPS.md`).
/// Every field is `=` or `><`, so all eleven maps sync both ways (G.0).
/// The reference gives the Dataverse tables and every field, not the F&O
/// entities' names: those are Tandem's choice, written down in MAPS.md.
/// Asset management keeps its tables per legal entity, so every key starts
/// with the company, and every lookup finds its parent in the row's company.
enum Assets: TandemPlugin {
    static let id = "tandem.std.assets"
    static let version = "1.0.0"
    static let name = "Field service assets"
    static let summary =
        "Asset management assets, asset types, lifecycle models and states, manufacturers, models, warranties and functional locations to Field Service, both ways, per company"

    /// Parents first (G.0's dependency order, read from the lookups).
    static var maps: MapsDocument? {
        MapsDocument(maps: [
            lifecycleStates, lifecycleModels, assetTypes, manufacturers, models, warranties, locationLifecycleModels,
            locationLifecycleStates, locationTypes, functionalLocations, assets,
        ])
    }

    // MARK: Lookups

    /// Each parent by its map's key column on each side; the company, the
    /// other key column every asset table has, is matched by its name.
    static let lifecycleState = Lookup(
        map: "asset-lifecycle-states", erp: "LIFECYCLESTATEID", crm: "msdyn_assetlifecyclestate_id")
    static let lifecycleModel = Lookup(
        map: "asset-lifecycle-models", erp: "LIFECYCLEMODELID", crm: "msdyn_assetlifecyclemodel_id")
    static let assetType = Lookup(
        map: "asset-types", erp: "MAINTENANCEASSETTYPEID", crm: "msdyn_maintenanceassettypeid")
    static let manufacturer = Lookup(map: "asset-manufacturers", erp: "PRODUCTID", crm: "msdyn_manufacturer_id")
    static let warranty = Lookup(map: "asset-warranties", erp: "WARRANTYID", crm: "msdyn_warranty_id")
    static let locationLifecycleModel = Lookup(
        map: "functional-location-lifecycle-models", erp: "LIFECYCLEMODELID",
        crm: "msdyn_functionallocationlifecyclemodel_id")
    static let locationLifecycleState = Lookup(
        map: "functional-location-lifecycle-states", erp: "LIFECYCLESTATEID",
        crm: "msdyn_functionallocationlifecyclestate_id")
    static let locationType = Lookup(
        map: "functional-location-types", erp: "FUNCTIONALLOCATIONTYPEID", crm: "msdyn_functionallocationtype_id")
    static let functionalLocation = Lookup(
        map: "functional-locations", erp: "FUNCTIONALLOCATIONID", crm: "msdyn_functionallocation_id")
    /// An asset's model, by the model's two-part key (G.4): its id, and its
    /// manufacturer in `MODELPRODUCTID` / `msdyn_modelmanufacturer`, not the
    /// asset's own manufacturer, which has a column of the model's key name.
    static let model = Lookup(
        map: "asset-models", erp: "MODELID", crm: "msdyn_model_id",
        match: LookupMatch(erp: ["MODELPRODUCTID": "PRODUCTID"], crm: ["msdyn_modelmanufacturer": "msdyn_manufacturer"])
    )
    /// The parent asset, in the row's own map.
    static let parentAsset = Lookup(map: "assets", erp: "MAINTENANCEASSETID", crm: "msdyn_maintenanceassetid")

    /// `=` with an optional lookup, positional so the field lists read like the reference's tables.
    static func both(_ erp: String, _ crm: String, _ lookup: Lookup? = nil) -> FieldMap {
        StandardFields.both(erp, crm, lookup: lookup)
    }

    /// `REPLACEMENTDATE` `><` `1/1/1900 : blank` (G.4): F&O's null date is an
    /// empty Dataverse date, and an empty one comes back as F&O's null date.
    static func nullDate(_ erp: String, _ crm: String) -> FieldMap {
        FieldMap(
            erp: .one(erp), crm: .one(crm), direction: .both,
            transform: TransformReference(name: "tandem.std.null-date", config: .object([:])))
    }

    // MARK: Asset lifecycles (G.1, G.2)

    /// Asset management asset lifecycle states → msdyn_assetlifecyclestates (#120).
    static let lifecycleStates = TableMap(
        id: "asset-lifecycle-states", version: "1.0.0",
        description:
            "Asset lifecycle states (EntAssetLifecycleStateEntity) and msdyn_assetlifecyclestate, per company, both ways",
        erp: TableReference(table: "EntAssetLifecycleStateEntity", key: ["DATAAREAID", "LIFECYCLESTATEID"]),
        crm: TableReference(
            table: "msdyn_assetlifecyclestate", key: ["msdyn_company", "msdyn_assetlifecyclestate_id"]),
        fields: [
            StandardFields.company,
            both("LIFECYCLESTATEID", "msdyn_assetlifecyclestate_id"),
            both("NAME", "msdyn_name"),
            both("LINE", "msdyn_line"),
        ]
            + StandardFields.flags([
                "DELETEOPENCALENDARLINES": "msdyn_deleteopencalendarlines",
                "MAINTENANCEASSETACTIVE": "msdyn_maintenanceassetactive",
            ]),
        dependsOn: ["companies"])

    /// Asset management asset lifecycle models → msdyn_assetlifecyclemodels
    /// (#119): the state an asset takes when it is active, inbound, in
    /// storage, on loan, outbound or received, each a lookup.
    static let lifecycleModels = TableMap(
        id: "asset-lifecycle-models", version: "1.0.0",
        description:
            "Asset lifecycle models (EntAssetLifecycleModelEntity) and msdyn_assetlifecyclemodel, per company, both ways; six lifecycle states as lookups",
        erp: TableReference(table: "EntAssetLifecycleModelEntity", key: ["DATAAREAID", "LIFECYCLEMODELID"]),
        crm: TableReference(
            table: "msdyn_assetlifecyclemodel", key: ["msdyn_company", "msdyn_assetlifecyclemodel_id"]),
        fields: [
            StandardFields.company,
            both("LIFECYCLEMODELID", "msdyn_assetlifecyclemodel_id"),
            both("NAME", "msdyn_name"),
            both("ACTIVELIFECYCLESTATEID", "msdyn_activelifecyclestate", lifecycleState),
            both("INBOUNDLIFECYCLESTATEID", "msdyn_inboundlifecyclestate", lifecycleState),
            both("INSTORAGELIFECYCLESTATEID", "msdyn_instoragelifecyclestate", lifecycleState),
            both("ONLOANLIFECYCLESTATEID", "msdyn_onloanlifecyclestate", lifecycleState),
            both("OUTBOUNDLIFECYCLESTATEID", "msdyn_outboundlifecyclestate", lifecycleState),
            both("RECEIVEDLIFECYCLESTATEID", "msdyn_receivedlifecyclestate", lifecycleState),
        ],
        dependsOn: ["companies", "asset-lifecycle-states"])

    // MARK: Asset types, manufacturers, models, warranties (G.3, G.9, G.10, G.11)

    /// Asset management asset types → msdyn_customerassetcategories (#124):
    /// Field Service's customer asset categories.
    static let assetTypes = TableMap(
        id: "asset-types", version: "1.0.0",
        description:
            "Asset types (EntAssetObjectTypeEntity) and msdyn_customerassetcategory, per company, both ways; the lifecycle model a lookup",
        erp: TableReference(table: "EntAssetObjectTypeEntity", key: ["DATAAREAID", "MAINTENANCEASSETTYPEID"]),
        crm: TableReference(
            table: "msdyn_customerassetcategory", key: ["msdyn_company", "msdyn_maintenanceassettypeid"]),
        fields: [
            StandardFields.company,
            both("MAINTENANCEASSETTYPEID", "msdyn_maintenanceassettypeid"),
            both("NAME", "msdyn_name"),
            both("LIFECYCLEMODELID", "msdyn_lifecyclemodel", lifecycleModel),
            StandardFields.yesNo("CALCULATEKPITOTAL", "msdyn_calculatekpitotal"),
        ],
        dependsOn: ["companies", "asset-lifecycle-models"])

    /// Asset management manufacturers → msdyn_manufacturers (#153).
    static let manufacturers = TableMap(
        id: "asset-manufacturers", version: "1.0.0",
        description: "Asset manufacturers (EntAssetManufacturerEntity) and msdyn_manufacturer, per company, both ways",
        erp: TableReference(table: "EntAssetManufacturerEntity", key: ["DATAAREAID", "PRODUCTID"]),
        crm: TableReference(table: "msdyn_manufacturer", key: ["msdyn_company", "msdyn_manufacturer_id"]),
        fields: [
            StandardFields.company,
            both("PRODUCTID", "msdyn_manufacturer_id"),
            both("DESCRIPTION", "msdyn_description"),
        ],
        dependsOn: ["companies"])

    /// Asset management models → msdyn_models (#154): a model is its
    /// manufacturer's, so the key is the manufacturer and the model id.
    static let models = TableMap(
        id: "asset-models", version: "1.0.0",
        description:
            "Asset models (EntAssetManufacturerModelEntity) and msdyn_model, per company and manufacturer, both ways; the asset type a lookup",
        erp: TableReference(table: "EntAssetManufacturerModelEntity", key: ["DATAAREAID", "PRODUCTID", "MODELID"]),
        crm: TableReference(table: "msdyn_model", key: ["msdyn_company", "msdyn_manufacturer", "msdyn_model_id"]),
        fields: [
            StandardFields.company,
            both("PRODUCTID", "msdyn_manufacturer", manufacturer),
            both("MODELID", "msdyn_model_id"),
            both("DESCRIPTION", "msdyn_description"),
            both("MAINTENANCEASSETTYPEID", "msdyn_maintenanceassettype", assetType),
        ],
        dependsOn: ["companies", "asset-manufacturers", "asset-types"])

    /// Asset management warranty → msdyn_warranties (#209).
    static let warranties = TableMap(
        id: "asset-warranties", version: "1.0.0",
        description: "Asset warranties (EntAssetWarrantyEntity) and msdyn_warranty, per company, both ways",
        erp: TableReference(table: "EntAssetWarrantyEntity", key: ["DATAAREAID", "WARRANTYID"]),
        crm: TableReference(table: "msdyn_warranty", key: ["msdyn_company", "msdyn_warranty_id"]),
        fields: [
            StandardFields.company,
            both("WARRANTYID", "msdyn_warranty_id"),
            both("NAME", "msdyn_name"),
        ],
        dependsOn: ["companies"])

    // MARK: Functional locations (G.5–G.8)

    /// Asset management functional location lifecycle models → msdyn_functionallocationlifecyclemodels (#134).
    static let locationLifecycleModels = TableMap(
        id: "functional-location-lifecycle-models", version: "1.0.0",
        description:
            "Functional location lifecycle models (EntAssetFunctionalLocationLifecycleModelEntity) and msdyn_functionallocationlifecyclemodel, per company, both ways",
        erp: TableReference(
            table: "EntAssetFunctionalLocationLifecycleModelEntity", key: ["DATAAREAID", "LIFECYCLEMODELID"]),
        crm: TableReference(
            table: "msdyn_functionallocationlifecyclemodel",
            key: ["msdyn_company", "msdyn_functionallocationlifecyclemodel_id"]),
        fields: [
            StandardFields.company,
            both("LIFECYCLEMODELID", "msdyn_functionallocationlifecyclemodel_id"),
            both("NAME", "msdyn_name"),
        ],
        dependsOn: ["companies"])

    /// Asset management functional location lifecycle states →
    /// msdyn_functionallocationlifecyclestates (#135): what a location in the
    /// state allows, and the lifecycle state its installed assets take.
    static let locationLifecycleStates = TableMap(
        id: "functional-location-lifecycle-states", version: "1.0.0",
        description:
            "Functional location lifecycle states (EntAssetFunctionalLocationLifecycleStateEntity) and msdyn_functionallocationlifecyclestate, per company, both ways; six flags, the assets' lifecycle state a lookup",
        erp: TableReference(
            table: "EntAssetFunctionalLocationLifecycleStateEntity", key: ["DATAAREAID", "LIFECYCLESTATEID"]),
        crm: TableReference(
            table: "msdyn_functionallocationlifecyclestate",
            key: ["msdyn_company", "msdyn_functionallocationlifecyclestate_id"]),
        fields: [
            StandardFields.company,
            both("LIFECYCLESTATEID", "msdyn_functionallocationlifecyclestate_id"),
            both("NAME", "msdyn_name"),
            both("MAINTENANCEASSETLIFECYCLESTATEID", "msdyn_assetlifecyclestate", lifecycleState),
        ]
            + StandardFields.flags([
                "ALLOWDELETELOCATION": "msdyn_allowdeletelocation",
                "ALLOWNEWSUBLOCATIONS": "msdyn_allownewsublocations",
                "ALLOWRENAMELOCATION": "msdyn_allowrenamelocation",
                "FUNCTIONALLOCATIONACTIVE": "msdyn_functionallocationactive",
                "ALLOWINSTALLMAINTENANCEASSETS": "msdyn_allowinstallmaintenanceassets",
                "CREATELOCATIONMAINTENANCEASSET": "msdyn_createlocationmaintenanceasset",
            ]),
        dependsOn: ["companies", "asset-lifecycle-states"])

    /// Asset management functional location types → msdyn_functionallocationtypes (#137).
    static let locationTypes = TableMap(
        id: "functional-location-types", version: "1.0.0",
        description:
            "Functional location types (EntAssetFunctionalLocationTypeEntity) and msdyn_functionallocationtype, per company, both ways; the lifecycle model and the asset type lookups",
        erp: TableReference(
            table: "EntAssetFunctionalLocationTypeEntity", key: ["DATAAREAID", "FUNCTIONALLOCATIONTYPEID"]),
        crm: TableReference(
            table: "msdyn_functionallocationtype", key: ["msdyn_company", "msdyn_functionallocationtype_id"]),
        fields: [
            StandardFields.company,
            both("FUNCTIONALLOCATIONTYPEID", "msdyn_functionallocationtype_id"),
            both("NAME", "msdyn_name"),
            StandardFields.yesNo("ALLOWMULTIPLEINSTALLEDASSETS", "msdyn_allowmultipleinstalledassets"),
            StandardFields.yesNo("UPDATEASSETDIMENSION", "msdyn_updateassetdimension"),
            both("LIFECYCLEMODELID", "msdyn_lifecyclemodelid", locationLifecycleModel),
            both("MAINTENANCEASSETTYPEID", "msdyn_maintenanceassettype", assetType),
        ],
        dependsOn: ["companies", "functional-location-lifecycle-models", "asset-types"])

    /// Asset management functional locations → msdyn_functionallocations
    /// (#136): a tree, each location under its parent location.
    static let functionalLocations = TableMap(
        id: "functional-locations", version: "1.0.0",
        description:
            "Functional locations (EntAssetFunctionalLocationEntity) and msdyn_functionallocation, per company, both ways; the parent location, lifecycle state and type lookups",
        erp: TableReference(
            table: "EntAssetFunctionalLocationEntity", key: ["DATAAREAID", "FUNCTIONALLOCATIONID"]),
        crm: TableReference(
            table: "msdyn_functionallocation", key: ["msdyn_company", "msdyn_functionallocation_id"]),
        fields: [
            StandardFields.company,
            both("FUNCTIONALLOCATIONID", "msdyn_functionallocation_id"),
            both("NAME", "msdyn_name"),
            both("PARENTFUNCTIONALLOCATIONID", "msdyn_parentfunctionallocation", functionalLocation),
            both(
                "FUNCTIONALLOCATIONLIFECYCLESTATEID", "msdyn_functionallocationlifecyclestate", locationLifecycleState),
            both("FUNCTIONALLOCATIONTYPEID", "msdyn_functionallocationtype", locationType),
            both("INVENTORYLOCATIONID", "msdyn_inventorylocationid"),
            both("INVENTORYSITEID", "msdyn_inventorysiteid"),
            both("NOTES", "msdyn_notes"),
        ],
        dependsOn: ["companies", "functional-location-lifecycle-states", "functional-location-types"])

    // MARK: Assets (G.4)

    /// Asset management assets → msdyn_customerassets (#125): Field Service's
    /// customer assets, a tree each under its parent asset, installed at a
    /// functional location. Money at ten decimals; F&O's null replacement date
    /// (1900-01-01) is an empty Dataverse date.
    static let assets = TableMap(
        id: "assets", version: "1.0.0",
        description:
            "Assets (EntAssetObjectEntity) and msdyn_customerasset, per company, both ways; the parent asset, functional location, lifecycle state, type, manufacturer, model and warranty lookups",
        erp: TableReference(table: "EntAssetObjectEntity", key: ["DATAAREAID", "MAINTENANCEASSETID"]),
        crm: TableReference(table: "msdyn_customerasset", key: ["msdyn_company", "msdyn_maintenanceassetid"]),
        fields: [
            StandardFields.company,
            both("MAINTENANCEASSETID", "msdyn_maintenanceassetid"),
            both("NAME", "msdyn_name"),
            both("PARENTMAINTENANCEASSETID", "msdyn_parentasset", parentAsset),
            both("FUNCTIONALLOCATIONID", "msdyn_functionallocation", functionalLocation),
            both("MAINTENANCEASSETTYPEID", "msdyn_customerassetcategory", assetType),
            both("MAINTENANCEASSETLIFECYCLESTATEID", "msdyn_assetlifecyclestate", lifecycleState),
            both("PRODUCTID", "msdyn_manufacturer", manufacturer),
            both("MODELPRODUCTID", "msdyn_modelmanufacturer", manufacturer),
            both("MODELID", "msdyn_model", model),
            both("MODELYEAR", "msdyn_modelyear"),
            both("WARRANTYID", "msdyn_warranty", warranty),
            both("WARRANTYDATEFROMVEND", "msdyn_warrantydatefromvend"),
            both("SERIALID", "msdyn_serialid"),
            StandardFields.money("ACQUISITIONCOST", "msdyn_acquisitioncost"),
            both("ACQUISITIONDATE", "msdyn_acquisitiondate"),
            both("ACTIVEFROM", "msdyn_activefrom"),
            both("ACTIVETO", "msdyn_activeto"),
            StandardFields.money("REPLACEMENTVALUE", "msdyn_replacementvalue"),
            nullDate("REPLACEMENTDATE", "msdyn_replacementdate"),
            both("PURCHASEORDERID", "msdyn_purchaseorderid"),
            both("VENDACCOUNT", "msdyn_vendaccount"),
            both("FIXEDASSETID", "msdyn_fixedassetid"),
            both("WRKCTRID", "msdyn_wrkctrid"),
            both("NOTES", "msdyn_notes"),
        ],
        dependsOn: [
            "companies", "functional-locations", "asset-lifecycle-states", "asset-types", "asset-manufacturers",
            "asset-models", "asset-warranties",
        ])

    // MARK: DDL

    /// Column types other than TEXT: Dataverse booleans, line numbers and
    /// model years are integers; money and dates are TEXT (exact decimals,
    /// ISO 8601), as every standard table has them.
    static let types: [String: String] = {
        var types = ["LINE": "INTEGER", "msdyn_line": "INTEGER", "MODELYEAR": "INTEGER", "msdyn_modelyear": "INTEGER"]
        for map in maps?.maps ?? [] {
            for field in map.fields where field.transform?.name == "tandem.std.value-map" {
                for column in field.crm?.columns ?? [] { types[column] = "INTEGER" }
            }
        }
        return types
    }()

    /// Each map's tables, with the map's own columns (company and key first), so the DDL cannot disagree with the maps.
    static var ddl: DDLDocument? {
        let all = maps?.maps ?? []
        return DDLDocument(
            erp: all.map {
                SQLiteTable.create($0.erp.table, key: $0.erp.key, SQLiteTable.columns(of: [$0], .erp, types: types))
            },
            crm: all.map {
                SQLiteTable.create($0.crm.table, key: $0.crm.key, SQLiteTable.columns(of: [$0], .crm, types: types))
            })
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: Assets.self, hostMajor: major, hostMinor: minor)
}
