/// One record per field service asset map, as each side must hold it (see
/// ``RoundTrip``): booleans are `No`/`Yes` on the ERP side and 0/1 on the CRM
/// side; lookups name the parents of ``StandardEnvironment/assetSeed``, in
/// company `usmf`; money is exact text, at ten decimals on the CRM side.
extension RoundTrip {
    static let assets: [RoundTrip] = [
        assetLifecycleStates, assetLifecycleModels, assetTypes, assetManufacturers, assetModels, assetWarranties,
        locationLifecycleModels, locationLifecycleStates, locationTypes, functionalLocations, maintenanceAssets,
    ]

    /// A state that keeps its calendar lines and takes the asset out of service.
    static let assetLifecycleStates = RoundTrip(
        map: "asset-lifecycle-states",
        erp: Record(
            table: "EntAssetLifecycleStateEntity", key: ["DATAAREAID", "LIFECYCLESTATEID"],
            row: [
                "DATAAREAID": "'usmf'", "LIFECYCLESTATEID": "'Repair'", "NAME": "'Under repair'", "LINE": "4",
                "DELETEOPENCALENDARLINES": "'Yes'", "MAINTENANCEASSETACTIVE": "'No'",
            ]),
        crm: Record(
            table: "msdyn_assetlifecyclestate", key: ["msdyn_company", "msdyn_assetlifecyclestate_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_assetlifecyclestate_id": "'Repair'", "msdyn_name": "'Under repair'",
                "msdyn_line": "4", "msdyn_deleteopencalendarlines": "1", "msdyn_maintenanceassetactive": "0",
            ]),
        update: (
            ["DELETEOPENCALENDARLINES": "'No'", "MAINTENANCEASSETACTIVE": "'Yes'", "LINE": "5"],
            ["msdyn_deleteopencalendarlines": "0", "msdyn_maintenanceassetactive": "1", "msdyn_line": "5"]
        ),
        second: (["LIFECYCLESTATEID": "'Scrapped'"], ["msdyn_assetlifecyclestate_id": "'Scrapped'"]))

    /// A rental model: each of its six states a lookup of the seed's states.
    static let assetLifecycleModels = RoundTrip(
        map: "asset-lifecycle-models",
        erp: Record(
            table: "EntAssetLifecycleModelEntity", key: ["DATAAREAID", "LIFECYCLEMODELID"],
            row: [
                "DATAAREAID": "'usmf'", "LIFECYCLEMODELID": "'Rental'", "NAME": "'Rental lifecycle'",
                "ACTIVELIFECYCLESTATEID": "'Active'", "INBOUNDLIFECYCLESTATEID": "'Created'",
                "INSTORAGELIFECYCLESTATEID": "'Stored'", "ONLOANLIFECYCLESTATEID": "'Active'",
                "OUTBOUNDLIFECYCLESTATEID": "'Stored'", "RECEIVEDLIFECYCLESTATEID": "'Created'",
            ]),
        crm: Record(
            table: "msdyn_assetlifecyclemodel", key: ["msdyn_company", "msdyn_assetlifecyclemodel_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_assetlifecyclemodel_id": "'Rental'",
                "msdyn_name": "'Rental lifecycle'",
                "msdyn_activelifecyclestate": "'Active'", "msdyn_inboundlifecyclestate": "'Created'",
                "msdyn_instoragelifecyclestate": "'Stored'", "msdyn_onloanlifecyclestate": "'Active'",
                "msdyn_outboundlifecyclestate": "'Stored'", "msdyn_receivedlifecyclestate": "'Created'",
            ]),
        update: (
            ["ONLOANLIFECYCLESTATEID": "'Stored'", "NAME": "'Rental and lease'"],
            ["msdyn_onloanlifecyclestate": "'Stored'", "msdyn_name": "'Rental and lease'"]
        ),
        second: (["LIFECYCLEMODELID": "'Lease'"], ["msdyn_assetlifecyclemodel_id": "'Lease'"]))

    /// Motors, on the seed's standard lifecycle model, without KPI totals.
    static let assetTypes = RoundTrip(
        map: "asset-types",
        erp: Record(
            table: "EntAssetObjectTypeEntity", key: ["DATAAREAID", "MAINTENANCEASSETTYPEID"],
            row: [
                "DATAAREAID": "'usmf'", "MAINTENANCEASSETTYPEID": "'Motor'", "NAME": "'Motors'",
                "LIFECYCLEMODELID": "'Standard'", "CALCULATEKPITOTAL": "'No'",
            ]),
        crm: Record(
            table: "msdyn_customerassetcategory", key: ["msdyn_company", "msdyn_maintenanceassettypeid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_maintenanceassettypeid": "'Motor'", "msdyn_name": "'Motors'",
                "msdyn_lifecyclemodel": "'Standard'", "msdyn_calculatekpitotal": "0",
            ]),
        update: (["CALCULATEKPITOTAL": "'Yes'"], ["msdyn_calculatekpitotal": "1"]),
        second: (["MAINTENANCEASSETTYPEID": "'Valve'"], ["msdyn_maintenanceassettypeid": "'Valve'"]))

    static let assetManufacturers = RoundTrip(
        map: "asset-manufacturers",
        erp: Record(
            table: "EntAssetManufacturerEntity", key: ["DATAAREAID", "PRODUCTID"],
            row: ["DATAAREAID": "'usmf'", "PRODUCTID": "'ABB'", "DESCRIPTION": "'ABB Ltd'"]),
        crm: Record(
            table: "msdyn_manufacturer", key: ["msdyn_company", "msdyn_manufacturer_id"],
            row: ["msdyn_company": "'usmf'", "msdyn_manufacturer_id": "'ABB'", "msdyn_description": "'ABB Ltd'"]),
        update: (["DESCRIPTION": "'ABB Ltd, Zürich'"], ["msdyn_description": "'ABB Ltd, Zürich'"]),
        second: (["PRODUCTID": "'Bosch'"], ["msdyn_manufacturer_id": "'Bosch'"]))

    /// A Grundfos model; the second, made in Field Service, has the same
    /// model id under another manufacturer: a row of its own (the key is both).
    static let assetModels = RoundTrip(
        map: "asset-models",
        erp: Record(
            table: "EntAssetManufacturerModelEntity", key: ["DATAAREAID", "PRODUCTID", "MODELID"],
            row: [
                "DATAAREAID": "'usmf'", "PRODUCTID": "'Grundfos'", "MODELID": "'CR-20'",
                "DESCRIPTION": "'CR 20 vertical pump'", "MAINTENANCEASSETTYPEID": "'Pump'",
            ]),
        crm: Record(
            table: "msdyn_model", key: ["msdyn_company", "msdyn_manufacturer", "msdyn_model_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_manufacturer": "'Grundfos'", "msdyn_model_id": "'CR-20'",
                "msdyn_description": "'CR 20 vertical pump'", "msdyn_maintenanceassettype": "'Pump'",
            ]),
        update: (["DESCRIPTION": "'CR 20, 2024 series'"], ["msdyn_description": "'CR 20, 2024 series'"]),
        second: (["PRODUCTID": "'Siemens'"], ["msdyn_manufacturer": "'Siemens'"]))

    static let assetWarranties = RoundTrip(
        map: "asset-warranties",
        erp: Record(
            table: "EntAssetWarrantyEntity", key: ["DATAAREAID", "WARRANTYID"],
            row: ["DATAAREAID": "'usmf'", "WARRANTYID": "'W-5Y'", "NAME": "'Five years, parts only'"]),
        crm: Record(
            table: "msdyn_warranty", key: ["msdyn_company", "msdyn_warranty_id"],
            row: ["msdyn_company": "'usmf'", "msdyn_warranty_id": "'W-5Y'", "msdyn_name": "'Five years, parts only'"]),
        update: (["NAME": "'Five years'"], ["msdyn_name": "'Five years'"]),
        second: (["WARRANTYID": "'W-1Y'"], ["msdyn_warranty_id": "'W-1Y'"]))

    static let locationLifecycleModels = RoundTrip(
        map: "functional-location-lifecycle-models",
        erp: Record(
            table: "EntAssetFunctionalLocationLifecycleModelEntity", key: ["DATAAREAID", "LIFECYCLEMODELID"],
            row: ["DATAAREAID": "'usmf'", "LIFECYCLEMODELID": "'Plant'", "NAME": "'Plant lifecycle'"]),
        crm: Record(
            table: "msdyn_functionallocationlifecyclemodel",
            key: ["msdyn_company", "msdyn_functionallocationlifecyclemodel_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_functionallocationlifecyclemodel_id": "'Plant'",
                "msdyn_name": "'Plant lifecycle'",
            ]),
        update: (["NAME": "'Plant'"], ["msdyn_name": "'Plant'"]),
        second: (["LIFECYCLEMODELID": "'Line'"], ["msdyn_functionallocationlifecyclemodel_id": "'Line'"]))

    /// A decommissioned location: six flags, each its own value, and the
    /// lifecycle state its assets take, a lookup.
    static let locationLifecycleStates = RoundTrip(
        map: "functional-location-lifecycle-states",
        erp: Record(
            table: "EntAssetFunctionalLocationLifecycleStateEntity", key: ["DATAAREAID", "LIFECYCLESTATEID"],
            row: [
                "DATAAREAID": "'usmf'", "LIFECYCLESTATEID": "'Decommissioned'", "NAME": "'Decommissioned'",
                "MAINTENANCEASSETLIFECYCLESTATEID": "'Stored'", "ALLOWDELETELOCATION": "'Yes'",
                "ALLOWNEWSUBLOCATIONS": "'No'", "ALLOWRENAMELOCATION": "'No'", "FUNCTIONALLOCATIONACTIVE": "'No'",
                "ALLOWINSTALLMAINTENANCEASSETS": "'No'", "CREATELOCATIONMAINTENANCEASSET": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_functionallocationlifecyclestate",
            key: ["msdyn_company", "msdyn_functionallocationlifecyclestate_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_functionallocationlifecyclestate_id": "'Decommissioned'",
                "msdyn_name": "'Decommissioned'", "msdyn_assetlifecyclestate": "'Stored'",
                "msdyn_allowdeletelocation": "1", "msdyn_allownewsublocations": "0", "msdyn_allowrenamelocation": "0",
                "msdyn_functionallocationactive": "0", "msdyn_allowinstallmaintenanceassets": "0",
                "msdyn_createlocationmaintenanceasset": "1",
            ]),
        update: (
            ["ALLOWRENAMELOCATION": "'Yes'", "MAINTENANCEASSETLIFECYCLESTATEID": "'Created'"],
            ["msdyn_allowrenamelocation": "1", "msdyn_assetlifecyclestate": "'Created'"]
        ),
        second: (["LIFECYCLESTATEID": "'Planned'"], ["msdyn_functionallocationlifecyclestate_id": "'Planned'"]))

    static let locationTypes = RoundTrip(
        map: "functional-location-types",
        erp: Record(
            table: "EntAssetFunctionalLocationTypeEntity", key: ["DATAAREAID", "FUNCTIONALLOCATIONTYPEID"],
            row: [
                "DATAAREAID": "'usmf'", "FUNCTIONALLOCATIONTYPEID": "'Floor'", "NAME": "'Floor'",
                "LIFECYCLEMODELID": "'Location'", "MAINTENANCEASSETTYPEID": "'Pump'",
                "ALLOWMULTIPLEINSTALLEDASSETS": "'No'", "UPDATEASSETDIMENSION": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_functionallocationtype", key: ["msdyn_company", "msdyn_functionallocationtype_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_functionallocationtype_id": "'Floor'", "msdyn_name": "'Floor'",
                "msdyn_lifecyclemodelid": "'Location'", "msdyn_maintenanceassettype": "'Pump'",
                "msdyn_allowmultipleinstalledassets": "0", "msdyn_updateassetdimension": "1",
            ]),
        update: (
            ["ALLOWMULTIPLEINSTALLEDASSETS": "'Yes'", "UPDATEASSETDIMENSION": "'No'"],
            ["msdyn_allowmultipleinstalledassets": "1", "msdyn_updateassetdimension": "0"]
        ),
        second: (["FUNCTIONALLOCATIONTYPEID": "'Room'"], ["msdyn_functionallocationtype_id": "'Room'"]))

    /// A boiler house under the seed's site.
    static let functionalLocations = RoundTrip(
        map: "functional-locations",
        erp: Record(
            table: "EntAssetFunctionalLocationEntity", key: ["DATAAREAID", "FUNCTIONALLOCATIONID"],
            row: [
                "DATAAREAID": "'usmf'", "FUNCTIONALLOCATIONID": "'SITE-1-B1'", "NAME": "'Boiler house'",
                "PARENTFUNCTIONALLOCATIONID": "'SITE-1'", "FUNCTIONALLOCATIONLIFECYCLESTATEID": "'Operational'",
                "FUNCTIONALLOCATIONTYPEID": "'Building'", "INVENTORYSITEID": "'1'", "INVENTORYLOCATIONID": "'11'",
                "NOTES": "'Key at the gate'",
            ]),
        crm: Record(
            table: "msdyn_functionallocation", key: ["msdyn_company", "msdyn_functionallocation_id"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_functionallocation_id": "'SITE-1-B1'", "msdyn_name": "'Boiler house'",
                "msdyn_parentfunctionallocation": "'SITE-1'", "msdyn_functionallocationlifecyclestate": "'Operational'",
                "msdyn_functionallocationtype": "'Building'", "msdyn_inventorysiteid": "'1'",
                "msdyn_inventorylocationid": "'11'", "msdyn_notes": "'Key at the gate'",
            ]),
        update: (["NOTES": "'Key at reception'"], ["msdyn_notes": "'Key at reception'"]),
        second: (["FUNCTIONALLOCATIONID": "'SITE-1-B2'"], ["msdyn_functionallocation_id": "'SITE-1-B2'"]))

    /// A pump under the seed's pump station, every lookup set. F&O's null
    /// replacement date is empty in Field Service, and an empty one comes
    /// back as 1900-01-01; the amounts come back from Dataverse at ten
    /// decimals, as it keeps them.
    static let maintenanceAssets = RoundTrip(
        map: "assets",
        erp: Record(
            table: "EntAssetObjectEntity", key: ["DATAAREAID", "MAINTENANCEASSETID"],
            row: [
                "DATAAREAID": "'usmf'", "MAINTENANCEASSETID": "'A-0001'", "NAME": "'Feed pump 1'",
                "PARENTMAINTENANCEASSETID": "'A-0000'", "FUNCTIONALLOCATIONID": "'SITE-1'",
                "MAINTENANCEASSETTYPEID": "'Pump'", "MAINTENANCEASSETLIFECYCLESTATEID": "'Active'",
                "PRODUCTID": "'Grundfos'", "MODELPRODUCTID": "'Grundfos'", "MODELID": "'CR-10'", "MODELYEAR": "2023",
                "WARRANTYID": "'W-2Y'", "WARRANTYDATEFROMVEND": "'2026-03-15'", "SERIALID": "'GF-0042-17'",
                "ACQUISITIONCOST": "'12500.25'", "ACQUISITIONDATE": "'2024-03-15'", "ACTIVEFROM": "'2024-04-01'",
                "ACTIVETO": "'2034-03-31'", "REPLACEMENTVALUE": "'9000'", "REPLACEMENTDATE": "'1900-01-01'",
                "PURCHASEORDERID": "'PO-000'", "VENDACCOUNT": "'V-000'", "FIXEDASSETID": "'FA-000117'",
                "WRKCTRID": "'Maint'", "NOTES": "'Inspect seals yearly'",
            ]),
        crm: Record(
            table: "msdyn_customerasset", key: ["msdyn_company", "msdyn_maintenanceassetid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_maintenanceassetid": "'A-0001'", "msdyn_name": "'Feed pump 1'",
                "msdyn_parentasset": "'A-0000'", "msdyn_functionallocation": "'SITE-1'",
                "msdyn_customerassetcategory": "'Pump'", "msdyn_assetlifecyclestate": "'Active'",
                "msdyn_manufacturer": "'Grundfos'", "msdyn_modelmanufacturer": "'Grundfos'", "msdyn_model": "'CR-10'",
                "msdyn_modelyear": "2023", "msdyn_warranty": "'W-2Y'", "msdyn_warrantydatefromvend": "'2026-03-15'",
                "msdyn_serialid": "'GF-0042-17'", "msdyn_acquisitioncost": "'12500.2500000000'",
                "msdyn_acquisitiondate": "'2024-03-15'", "msdyn_activefrom": "'2024-04-01'",
                "msdyn_activeto": "'2034-03-31'", "msdyn_replacementvalue": "'9000.0000000000'",
                "msdyn_purchaseorderid": "'PO-000'", "msdyn_vendaccount": "'V-000'",
                "msdyn_fixedassetid": "'FA-000117'", "msdyn_wrkctrid": "'Maint'",
                "msdyn_notes": "'Inspect seals yearly'",
            ]),
        update: (
            ["REPLACEMENTDATE": "'2035-06-30'", "MODELID": "'SIMOTICS'", "MODELPRODUCTID": "'Siemens'"],
            [
                "msdyn_replacementdate": "'2035-06-30'", "msdyn_model": "'SIMOTICS'",
                "msdyn_modelmanufacturer": "'Siemens'",
            ]
        ),
        second: (
            [
                "MAINTENANCEASSETID": "'A-0002'", "ACQUISITIONCOST": "'12500.2500000000'",
                "REPLACEMENTVALUE": "'9000.0000000000'",
            ],
            ["msdyn_maintenanceassetid": "'A-0002'"]
        ))
}

extension StandardEnvironment {
    /// The asset maps' parents, written by the ERP application in company
    /// `usmf`: three asset lifecycle states and a model using them, the pump
    /// type, two manufacturers with a model each (`CR-10` is Grundfos's only),
    /// a warranty, a functional location lifecycle model, state and type, the
    /// site `SITE-1` and the pump station `A-0000` at it.
    static let assetSeed = """
        INSERT INTO EntAssetLifecycleStateEntity (DATAAREAID, LIFECYCLESTATEID, NAME, LINE, DELETEOPENCALENDARLINES, MAINTENANCEASSETACTIVE)
            VALUES ('usmf', 'Created', 'Created', 1, 'No', 'No'), ('usmf', 'Active', 'Active', 2, 'No', 'Yes'),
                   ('usmf', 'Stored', 'In storage', 3, 'Yes', 'No');
        INSERT INTO EntAssetLifecycleModelEntity (DATAAREAID, LIFECYCLEMODELID, NAME, ACTIVELIFECYCLESTATEID, INBOUNDLIFECYCLESTATEID,
            INSTORAGELIFECYCLESTATEID, ONLOANLIFECYCLESTATEID, OUTBOUNDLIFECYCLESTATEID, RECEIVEDLIFECYCLESTATEID)
            VALUES ('usmf', 'Standard', 'Standard lifecycle', 'Active', 'Created', 'Stored', 'Active', 'Stored', 'Created');
        INSERT INTO EntAssetObjectTypeEntity (DATAAREAID, MAINTENANCEASSETTYPEID, NAME, LIFECYCLEMODELID, CALCULATEKPITOTAL)
            VALUES ('usmf', 'Pump', 'Pumps', 'Standard', 'Yes');
        INSERT INTO EntAssetManufacturerEntity (DATAAREAID, PRODUCTID, DESCRIPTION) VALUES ('usmf', 'Grundfos', 'Grundfos A/S'), ('usmf', 'Siemens', 'Siemens AG');
        INSERT INTO EntAssetManufacturerModelEntity (DATAAREAID, PRODUCTID, MODELID, DESCRIPTION, MAINTENANCEASSETTYPEID)
            VALUES ('usmf', 'Grundfos', 'CR-10', 'CR 10 vertical pump', 'Pump'), ('usmf', 'Siemens', 'SIMOTICS', 'SIMOTICS motor', 'Pump');
        INSERT INTO EntAssetWarrantyEntity (DATAAREAID, WARRANTYID, NAME) VALUES ('usmf', 'W-2Y', 'Two years, parts and labour');
        INSERT INTO EntAssetFunctionalLocationLifecycleModelEntity (DATAAREAID, LIFECYCLEMODELID, NAME) VALUES ('usmf', 'Location', 'Location lifecycle');
        INSERT INTO EntAssetFunctionalLocationLifecycleStateEntity (DATAAREAID, LIFECYCLESTATEID, NAME, MAINTENANCEASSETLIFECYCLESTATEID,
            ALLOWDELETELOCATION, ALLOWNEWSUBLOCATIONS, ALLOWRENAMELOCATION, FUNCTIONALLOCATIONACTIVE, ALLOWINSTALLMAINTENANCEASSETS,
            CREATELOCATIONMAINTENANCEASSET) VALUES ('usmf', 'Operational', 'Operational', 'Active', 'No', 'Yes', 'Yes', 'Yes', 'Yes', 'No');
        INSERT INTO EntAssetFunctionalLocationTypeEntity (DATAAREAID, FUNCTIONALLOCATIONTYPEID, NAME, LIFECYCLEMODELID, MAINTENANCEASSETTYPEID,
            ALLOWMULTIPLEINSTALLEDASSETS, UPDATEASSETDIMENSION) VALUES ('usmf', 'Building', 'Building', 'Location', 'Pump', 'Yes', 'No');
        INSERT INTO EntAssetFunctionalLocationEntity (DATAAREAID, FUNCTIONALLOCATIONID, NAME, FUNCTIONALLOCATIONLIFECYCLESTATEID, FUNCTIONALLOCATIONTYPEID)
            VALUES ('usmf', 'SITE-1', 'Main site', 'Operational', 'Building');
        INSERT INTO EntAssetObjectEntity (DATAAREAID, MAINTENANCEASSETID, NAME, FUNCTIONALLOCATIONID, MAINTENANCEASSETTYPEID, MAINTENANCEASSETLIFECYCLESTATEID)
            VALUES ('usmf', 'A-0000', 'Pump station', 'SITE-1', 'Pump', 'Active');
        """
}
