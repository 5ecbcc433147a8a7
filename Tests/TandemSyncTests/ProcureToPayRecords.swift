/// One record per procure-to-pay map, as each side must hold it (see
/// ``RoundTrip``). Parents come from ``StandardEnvironment/seed`` and
/// ``StandardEnvironment/procureToPaySeed``. Money is exact text with ten decimals on the
/// CRM side; quantities are exact text as written, a receipt line's in both
/// the purchase unit and the inventory unit as F&O computed them (box → ea,
/// 12 each to the box).
extension RoundTrip {
    static let procureToPay: [RoundTrip] = [
        p2pWorkers, p2pCategoryHierarchies, p2pHierarchyRoles, p2pProductCategories, p2pOrderHeaders,
        p2pOrderLines,
        p2pReceiptHeaders, p2pReceiptLines,
    ]

    /// `Both` is an employee in Dataverse (the one-way table is not one-to-one).
    static let p2pWorkers = RoundTrip(
        map: "workers",
        erp: Record(
            table: "HcmWorkerEntity", key: ["PERSONNELNUMBER"],
            row: [
                "PERSONNELNUMBER": "'000200'", "FIRSTNAME": "'Ada'", "MIDDLENAME": "'King'",
                "LASTNAME": "'Lovelace'", "NAME": "'Ada King Lovelace'", "WORKERTYPE": "'Both'",
                "WORKERSTATUS": "'Terminated'", "GENDER": "'NonSpecific'", "BIRTHDATE": "'1815-12-10'",
                "PRIMARYCONTACTEMAIL": "'ada@example.com'", "PRIMARYCONTACTLINKEDIN": "'ada'",
            ]),
        crm: Record(
            table: "cdm_worker", key: ["cdm_workernumber"],
            row: [
                "cdm_workernumber": "'000200'", "cdm_firstname": "'Ada'", "cdm_middlename": "'King'",
                "cdm_lastname": "'Lovelace'", "cdm_fullname": "'Ada King Lovelace'", "cdm_type": "754400000",
                "cdm_status": "754400001", "cdm_gender": "754400003", "cdm_birthdate": "'1815-12-10'",
                "cdm_primaryemailaddress": "'ada@example.com'", "cdm_linkedinidentity": "'ada'",
            ]),
        update: (
            ["GENDER": "'Female'", "LASTNAME": "'Byron'"], ["cdm_gender": "754400001", "cdm_lastname": "'Byron'"]
        ),
        second: (["PERSONNELNUMBER": "'000201'"], ["cdm_workernumber": "'000201'"]),
        erpOnly: ["NAME", "WORKERTYPE", "WORKERSTATUS"])

    static let p2pCategoryHierarchies = RoundTrip(
        map: "product-category-hierarchies",
        erp: Record(
            table: "EcoResProductCategoryHierarchyEntity", key: ["HIERARCHYNAME"],
            row: ["HIERARCHYNAME": "'Sales'", "HIERARCHYDESCRIPTION": "'Sales categories'"]),
        crm: Record(
            table: "msdyn_productcategoryhierarchy", key: ["msdyn_name"],
            row: ["msdyn_name": "'Sales'", "msdyn_description": "'Sales categories'"]),
        update: (["HIERARCHYDESCRIPTION": "'Sales'"], ["msdyn_description": "'Sales'"]),
        second: (["HIERARCHYNAME": "'Retail'"], ["msdyn_name": "'Retail'"]))

    /// The sales role, served by the seed's hierarchy, then by another.
    static let p2pHierarchyRoles = RoundTrip(
        map: "product-category-hierarchy-roles",
        erp: Record(
            table: "EcoResProductCategoryHierarchyRoleEntity", key: ["HIERARCHYROLE"],
            row: ["HIERARCHYROLE": "'Sales'", "PRODUCTCATEGORYHIERARCHYNAME": "'Procurement'"]),
        crm: Record(
            table: "msdyn_productcategoryhierarchyrole", key: ["msdyn_hierarchyrole"],
            row: ["msdyn_hierarchyrole": "192350001", "msdyn_hierarchy": "'Procurement'"]),
        update: (["PRODUCTCATEGORYHIERARCHYNAME": "'Spare'"], ["msdyn_hierarchy": "'Spare'"]),
        second: (["HIERARCHYROLE": "'PackingMaterials_W'"], ["msdyn_hierarchyrole": "192350008"]))

    /// A child of the seed's `Office` category, in the same hierarchy.
    static let p2pProductCategories = RoundTrip(
        map: "product-categories",
        erp: Record(
            table: "EcoResProductCategoryEntity", key: ["PRODUCTCATEGORYHIERARCHYNAME", "CATEGORYNAME"],
            row: [
                "PRODUCTCATEGORYHIERARCHYNAME": "'Procurement'", "CATEGORYNAME": "'Paper'",
                "PARENTPRODUCTCATEGORYNAME": "'Office'", "PARENTPRODUCTCATEGORYHIERARCHYNAME": "'Procurement'",
                "CATEGORYRECORDID": "5637144577", "CATEGORYCODE": "'PAP'", "CATEGORYDESCRIPTION": "'Paper, A4'",
                "ISTANGIBLEPRODUCT": "'Yes'", "ISCATEGORYINHERITINGPARENTPRODUCTATTRIBUTES": "'No'",
                "EXTERNALID": "'ext-1'",
            ]),
        crm: Record(
            table: "msdyn_productcategory", key: ["msdyn_hierarchy", "msdyn_name"],
            row: [
                "msdyn_hierarchy": "'Procurement'", "msdyn_name": "'Paper'", "msdyn_parentproductcategory": "'Office'",
                "msdyn_parentproductcategoryhierarchy": "'Procurement'", "msdyn_externalproductcategoryid": "5637144577",
                "msdyn_code": "'PAP'", "msdyn_description": "'Paper, A4'", "msdyn_istangibleproduct": "1",
                "msdyn_isinheritingparentproductattributes": "0", "msdyn_integrationid": "'ext-1'",
            ]),
        update: (["ISTANGIBLEPRODUCT": "'No'"], ["msdyn_istangibleproduct": "0"]),
        second: (["CATEGORYNAME": "'Toner'"], ["msdyn_name": "'Toner'"]),
        erpOnly: ["PARENTPRODUCTCATEGORYHIERARCHYNAME", "CATEGORYRECORDID"])

    /// A draft order in review: the FS approval status empty, the system status Draft (B.0).
    static let p2pOrderHeaders = RoundTrip(
        map: "purchase-order-headers",
        erp: Record(
            table: "PurchPurchaseOrderHeaderV2Entity", key: ["DATAAREAID", "PURCHASEORDERNUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "PURCHASEORDERNUMBER": "'PO-1'", "ORDERVENDORACCOUNTNUMBER": "'V-000'",
                "INVOICEVENDORACCOUNTNUMBER": "'V-000'", "CURRENCYCODE": "'USD'", "PAYMENTTERMSNAME": "'Net30'",
                "DEFAULTRECEIVINGSITEID": "'1'", "DEFAULTRECEIVINGWAREHOUSEID": "'11'", "DELIVERYTERMSID": "'FOB'",
                "DELIVERYMODEID": "'Truck'", "ORDERERPERSONNELNUMBER": "'000100'", "LANGUAGEID": "'en-us'",
                "AREPRICESINCLUDINGSALESTAX": "'No'", "ISCHANGEMANAGEMENTACTIVE": "'Yes'",
                "ISDELIVEREDDIRECTLY": "'No'", "DOCUMENTAPPROVALSTATUS": "'InReview'", "PURCHASEORDERSTATUS": "'None'",
                "REQUESTEDDELIVERYDATE": "'2026-12-24'", "CASHDISCOUNTPERCENTAGE": "'2.5'",
                "VENDORORDERREFERENCE": "'SO 815'", "DELIVERYADDRESSSTREET": "'1 Microsoft Way'",
                "DELIVERYADDRESSCITY": "'Redmond'", "FORMATTEDDELIVERYADDRESS": "'1 Microsoft Way, Redmond'",
            ]),
        crm: Record(
            table: "msdyn_purchaseorder", key: ["msdyn_company", "msdyn_name"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_name": "'PO-1'", "msdyn_vendor": "'V-000'",
                "msdyn_invoicevendoraccount": "'V-000'", "transactioncurrencyid": "'USD'",
                "msdyn_paymentterm": "'Net30'", "msdyn_defaultreceivingsiteid": "'1'",
                "msdyn_receivetowarehouse": "'11'", "msdyn_deliveryterm": "'FOB'", "msdyn_shipvia": "'Truck'",
                "msdyn_ordererpersonnelnumber": "'000100'", "msdyn_language": "192350015",
                "msdyn_arepriceincludingsalestax": "0", "msdyn_ischangemanagementactive": "1",
                "msdyn_isdeliverydirectly": "0", "msdyn_documentapprovalstatus": "192350001",
                "msdyn_purchaseorderstatus": "192350000", "msdyn_systemstatus": "690970000",
                "msdyn_dateexpected": "'2026-12-24'", "msdyn_cashdiscountpercentage": "'2.5'",
                "msdyn_vendororderreference": "'SO 815'", "msdyn_address1": "'1 Microsoft Way'",
                "msdyn_city": "'Redmond'", "msdyn_formatteddeliveryaddress": "'1 Microsoft Way, Redmond'",
            ]),
        update: (
            ["VENDORORDERREFERENCE": "'SO 816'", "LANGUAGEID": "'de'"],
            ["msdyn_vendororderreference": "'SO 816'", "msdyn_language": "192350004"]
        ),
        second: (["PURCHASEORDERNUMBER": "'C-PO-2'"], ["msdyn_name": "'C-PO-2'"]),
        erpOnly: [
            "ISCHANGEMANAGEMENTACTIVE", "ISDELIVEREDDIRECTLY", "DOCUMENTAPPROVALSTATUS", "PURCHASEORDERSTATUS",
            "DELIVERYADDRESSSTREET", "DELIVERYADDRESSCITY", "FORMATTEDDELIVERYADDRESS",
        ])

    /// A line of the seed's order: exact price and amounts at ten decimals on the CRM side, SCM's to the CRM only.
    static let p2pOrderLines = RoundTrip(
        map: "purchase-order-lines",
        erp: Record(
            table: "PurchPurchaseOrderLineCDSEntity", key: ["DATAAREAID", "PURCHASEORDERNUMBER", "LINENUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "PURCHASEORDERNUMBER": "'PO-000'", "LINENUMBER": "2",
                "PRODUCTNUMBER": "'D0000'", "PURCHASEUNITSYMBOL": "'box'", "ORDEREDPURCHASEQUANTITY": "'2.5'",
                "PURCHASEPRICE": "'12.3456789012'", "PURCHASEPRICEQUANTITY": "'1'", "LINEAMOUNT": "'30.864197253'",
                "LINEDISCOUNTAMOUNT": "'0.01'", "LINEDISCOUNTPERCENTAGE": "'0.5'", "CURRENCYCODE": "'USD'",
                "RECEIVINGSITEID": "'1'", "RECEIVINGWAREHOUSEID": "'11'", "REQUESTERPERSONNELNUMBER": "'000100'",
                "PROCUREMENTPRODUCTCATEGORYNAME": "'Office'", "PROCUREMENTPRODUCTCATEGORYHIERACHYNAME": "'Procurement'",
                "PURCHASEORDERLINESTATUS": "'Backorder'", "ISPARTIALDELIVERYPREVENTED": "'Yes'", "ISDELETED": "'No'",
                "LINEDESCRIPTION": "'Seed product, boxed'", "CATCHWEIGHTUNITSYMBOL": "'kg'",
                "ORDEREDCATCHWEIGHTQUANTITY": "'1.125'", "DELIVERYADDRESSCITY": "'Redmond'",
            ]),
        crm: Record(
            table: "msdyn_purchaseorderproduct", key: ["msdyn_company", "msdyn_purchaseorder", "msdyn_lineorder"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_purchaseorder": "'PO-000'", "msdyn_lineorder": "2",
                "msdyn_product": "'D0000'", "msdyn_unit": "'box'", "msdyn_quantity": "'2.5'",
                "msdyn_unitcost": "'12.3456789012'", "msdyn_purchasepricequantity": "'1'",
                "msdyn_lineamount": "'30.8641972530'", "msdyn_linediscountamount": "'0.0100000000'",
                "msdyn_linediscountpercentage": "'0.5'", "transactioncurrencyid": "'USD'",
                "msdyn_receivingsiteid": "'1'", "msdyn_associatetowarehouse": "'11'",
                "msdyn_requesterpersonnelnumber": "'000100'", "msdyn_procurementproductcategory": "'Office'",
                "msdyn_procurementproductcategoryhierarchy": "'Procurement'",
                "msdyn_purchaseorderlinestatus": "192350001", "msdyn_itemstatus": "690970000",
                "msdyn_ispartialdeliveryprevented": "1", "msdyn_issoftdeletedinscm": "0",
                "msdyn_description": "'Seed product, boxed'", "msdyn_catchweightunitsymbol": "'kg'",
                "msdyn_orderedcatchweightquantity": "'1.125'", "msdyn_deliveryaddresscity": "'Redmond'",
            ]),
        update: (
            ["ORDEREDPURCHASEQUANTITY": "'3'", "ISPARTIALDELIVERYPREVENTED": "'No'"],
            ["msdyn_quantity": "'3'", "msdyn_ispartialdeliveryprevented": "0"]
        ),
        second: (["LINENUMBER": "3"], ["msdyn_lineorder": "3"]),
        erpOnly: [
            "PURCHASEPRICE", "LINEAMOUNT", "LINEDISCOUNTAMOUNT", "LINEDISCOUNTPERCENTAGE", "CURRENCYCODE",
            "PROCUREMENTPRODUCTCATEGORYNAME", "PROCUREMENTPRODUCTCATEGORYHIERACHYNAME", "PURCHASEORDERLINESTATUS",
            "DELIVERYADDRESSCITY",
        ])

    /// A receipt of the seed's order, one way.
    static let p2pReceiptHeaders = RoundTrip(
        map: "product-receipt-headers",
        erp: Record(
            table: "VendProductReceiptHeaderEntity", key: ["DATAAREAID", "RECORDID"],
            row: [
                "DATAAREAID": "'usmf'", "RECORDID": "5637144580", "PRODUCTRECEIPTNUMBER": "'PR-1'",
                "PRODUCTRECEIPTDATE": "'2026-12-07'", "PURCHASEORDERNUMBER": "'PO-000'", "DELIVERYMODEID": "'Truck'",
                "DELIVERYTERMSID": "'FOB'", "ORDERVENDORACCOUNTNUMBER": "'V-000'",
                "REQUESTERPERSONNELNUMBER": "'000100'", "ISDELIVERYADDRESSPRIVATE": "'Yes'",
                "ATTENTIONINFORMATION": "'Dock 4'", "DELIVERYADDRESSLATITUDE": "'47.6396'",
            ]),
        crm: Record(
            table: "msdyn_purchaseorderreceipt", key: ["msdyn_company", "msdyn_recordid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_recordid": "5637144580", "msdyn_name": "'PR-1'",
                "msdyn_datereceived": "'2026-12-07'", "msdyn_purchaseorder": "'PO-000'", "msdyn_shipvia": "'Truck'",
                "msdyn_deliveryterm": "'FOB'", "msdyn_ordervendor": "'V-000'",
                "msdyn_requesterpersonnel": "'000100'", "msdyn_isdeliveryaddressprivate": "1",
                "msdyn_note": "'Dock 4'", "msdyn_deliveryaddresslatitude": "'47.6396'",
            ]),
        update: (["ATTENTIONINFORMATION": "'Dock 5'"], ["msdyn_note": "'Dock 5'"]))

    /// A receipt line of the seed's receipt and order line: 2 boxes received are 24 each, 3 boxes remain (36 each).
    static let p2pReceiptLines = RoundTrip(
        map: "product-receipt-lines",
        erp: Record(
            table: "VendProductReceiptLineEntity", key: ["DATAAREAID", "RECORDID"],
            row: [
                "DATAAREAID": "'usmf'", "RECORDID": "5637144590", "PRODUCTRECEIPTHEADERRECORDID": "5637144576",
                "PRODUCTRECEIPTNUMBER": "'PR-000'", "PURCHASEORDERNUMBER": "'PO-000'",
                "PURCHASEORDERLINENUMBER": "1", "PRODUCTNUMBER": "'D0000'", "PURCHASEUNITSYMBOL": "'box'",
                "ORDEREDPURCHASEQUANTITY": "'5'", "RECEIVEDPURCHASEQUANTITY": "'2'",
                "REMAININGPURCHASEQUANTITY": "'3'", "RECEIVEDINVENTORYQUANTITY": "'24'",
                "REMAININGINVENTORYQUANTITY": "'36'", "RECEIVINGSITEID": "'1'", "RECEIVINGWAREHOUSEID": "'11'",
                "RECEIVINGWAREHOUSELOCATIONID": "'BULK-001'", "PROCUREMENTPRODUCTCATEGORYNAME": "'Office'",
                "PROCUREMENTPRODUCTCATEGORYHIERARCHYNAME": "'Procurement'", "ITEMBATCHNUMBER": "'B-17'",
                "PRODUCTRECEIPTDATE": "'2026-12-07'",
            ]),
        crm: Record(
            table: "msdyn_purchaseorderreceiptproduct", key: ["msdyn_company", "msdyn_recordid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_recordid": "5637144590", "msdyn_purchaseorderreceipt": "5637144576",
                "msdyn_productreceiptnumber": "'PR-000'", "msdyn_purchaseorder": "'PO-000'",
                "msdyn_purchaseorderproduct": "1", "msdyn_product": "'D0000'", "msdyn_purchaseunitsymbol": "'box'",
                "msdyn_orderedpurchasequantity": "'5'", "msdyn_quantity": "'2'",
                "msdyn_remainingpurchasequantity": "'3'", "msdyn_receivedinventoryquantity": "'24'",
                "msdyn_remaininginventoryquantity": "'36'", "msdyn_receivingsiteid": "'1'",
                "msdyn_associatetowarehouse": "'11'", "msdyn_receivingwarehouselocation": "'BULK-001'",
                "msdyn_procurementproductcategory": "'Office'",
                "msdyn_procurementproductcategoryhierarchy": "'Procurement'", "msdyn_itembatchnumber": "'B-17'",
                "msdyn_productreceiptdate": "'2026-12-07'",
            ]),
        update: (
            ["RECEIVEDPURCHASEQUANTITY": "'2.5'", "RECEIVEDINVENTORYQUANTITY": "'30'"],
            ["msdyn_quantity": "'2.5'", "msdyn_receivedinventoryquantity": "'30'"]
        ))
}

/// The parents the round trips of the suite look up (its shared environment's seed).
extension StandardEnvironment {
    /// The P2P parents the round trips look up, written by the ERP
    /// application: a site, warehouse, delivery terms and mode in `usmf`, a
    /// worker, a procurement hierarchy with two categories and a spare hierarchy, and one purchase
    /// order with a line and a product receipt that the round trips add to.
    static let procureToPaySeed = """
        INSERT INTO InventOperationalSiteEntity (DATAAREAID, SITEID, SITENAME) VALUES ('usmf', '1', 'Main site');
        INSERT INTO InventWarehouseEntity (DATAAREAID, WAREHOUSEID, WAREHOUSENAME, OPERATIONALSITEID) VALUES ('usmf', '11', 'Main warehouse', '1');
        INSERT INTO DlvTermEntity (DATAAREAID, TERMSCODE, TERMSDESCRIPTION) VALUES ('usmf', 'FOB', 'Free on board');
        INSERT INTO DlvModeEntity (DATAAREAID, MODECODE, MODEDESCRIPTION) VALUES ('usmf', 'Truck', 'By truck');
        INSERT INTO HcmWorkerEntity (PERSONNELNUMBER, FIRSTNAME, LASTNAME, NAME) VALUES ('000100', 'Grace', 'Hopper', 'Grace Hopper');
        INSERT INTO EcoResProductCategoryHierarchyEntity (HIERARCHYNAME, HIERARCHYDESCRIPTION)
            VALUES ('Procurement', 'Procurement categories'), ('Spare', 'Spare hierarchy');
        INSERT INTO EcoResProductCategoryEntity (PRODUCTCATEGORYHIERARCHYNAME, CATEGORYNAME, CATEGORYCODE)
            VALUES ('Procurement', 'Office', 'OFF'), ('Procurement', 'Furniture', 'FUR');
        INSERT INTO PurchPurchaseOrderHeaderV2Entity (DATAAREAID, PURCHASEORDERNUMBER, ORDERVENDORACCOUNTNUMBER, CURRENCYCODE, PURCHASEORDERSTATUS, DOCUMENTAPPROVALSTATUS)
            VALUES ('usmf', 'PO-000', 'V-000', 'USD', 'Backorder', 'Approved');
        INSERT INTO PurchPurchaseOrderLineCDSEntity (DATAAREAID, PURCHASEORDERNUMBER, LINENUMBER, PRODUCTNUMBER, PURCHASEUNITSYMBOL, ORDEREDPURCHASEQUANTITY, ISDELETED)
            VALUES ('usmf', 'PO-000', 1, 'D0000', 'box', '5', 'No');
        INSERT INTO VendProductReceiptHeaderEntity (DATAAREAID, RECORDID, PRODUCTRECEIPTNUMBER, PURCHASEORDERNUMBER) VALUES ('usmf', 5637144576, 'PR-000', 'PO-000');
        """
}
