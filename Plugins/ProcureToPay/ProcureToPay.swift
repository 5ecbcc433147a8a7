public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Procure-to-pay: purchase orders with their lines (soft delete included)
/// and product receipts with their lines, and the workers and product
/// categories they look up, from part B of
/// `shared/reference/dualwrite-transactional-maps.md` (`docs/MAPS.md`).
/// Sites, warehouses, terms and modes of delivery are prospect-to-cash's
/// maps; vendors, products, units and terms of payment are master data's.
enum ProcureToPay: TandemPlugin {
    static let id = "tandem.std.procure-to-pay"
    static let version = "1.0.0"
    static let name = "Procure to pay"
    static let summary =
        "Purchase orders and lines (soft delete, SCM's statuses to Field Service's), product receipts one way ERP to CRM, workers and product categories"

    static var maps: MapsDocument? {
        MapsDocument(maps: [
            workers, categoryHierarchies, hierarchyRoles, productCategories, categoryAssignments, orderHeaders,
            orderLines, receiptHeaders, receiptLines,
        ])
    }

    // MARK: Value maps

    /// A worker's type (#113), one way: `both` is an employee in Dataverse, so the table is not one-to-one.
    static let workerType = OptionValues(["Employee": 754_400_000, "Contractor": 754_400_001, "Both": 754_400_000])

    /// A worker's status (#113), one way: pending and terminated are both inactive in Dataverse.
    static let workerStatus = OptionValues(["Employed": 754_400_000, "Pending": 754_400_001, "Terminated": 754_400_001])

    /// A worker's gender (#113), both ways.
    static let gender = OptionValues([
        "Male": 754_400_000, "Female": 754_400_001, "NonSpecific": 754_400_003, "None": 754_400_002,
    ])

    /// What a product category hierarchy is for (#169), F&O's `EcoResCategoryNamedHierarchyRole`.
    static let hierarchyRole = OptionValues([
        "Procurement": 192_350_000, "Sales": 192_350_001, "Retail": 192_350_002, "Commodity": 192_350_003,
        "Financials": 192_350_004, "RetailSpecialGroup": 192_350_005, "RetailVendorProductHierarchy": 192_350_006,
        "RetailChannelNavigation": 192_350_007, "PackingMaterials_W": 192_350_008, "CommonDataService": 192_350_009,
        "CostManagement": 192_350_010, "EngineeringProduct": 192_350_011,
    ])

    /// A purchase order's approval status under change management (#183), F&O's `VersioningDocumentState`.
    static let documentApprovalStatus = OptionValues([
        "Draft": 192_350_000, "InReview": 192_350_001, "Rejected": 192_350_002, "Approved": 192_350_003,
        "InExternalReview": 192_350_004, "Finalized": 192_350_005, "Confirmed": 192_350_006,
    ])

    /// A purchase order's or line's status (#183, #181), F&O's `PurchStatus` (`Canceled` as F&O spells it).
    static let purchaseStatus = OptionValues([
        "None": 192_350_000, "Backorder": 192_350_001, "Received": 192_350_002, "Invoiced": 192_350_003,
        "Canceled": 192_350_004,
    ])

    // MARK: Status rules (B.0)

    /// Field Service's option values for the statuses the B.0 rules set.
    enum FieldService {
        static let approved: Int64 = 690_970_000
        static let rejected: Int64 = 690_970_001
        static let draft: Int64 = 690_970_000
        static let submitted: Int64 = 690_970_001
        static let cancelled: Int64 = 690_970_002
        static let productsReceived: Int64 = 690_970_003
        static let billed: Int64 = 690_970_004
        static let pending: Int64 = 690_970_000
        static let received: Int64 = 690_970_001
        static let itemCancelled: Int64 = 690_970_002
    }

    /// An F&O status to the Field Service status a B.0 rule derives from it,
    /// one way (SCM statuses are never updated from FS); several F&O values
    /// may give one FS value. With `unmappedIsNull`, the F&O values the table
    /// leaves out give an empty FS status (the rules' "Null").
    static func rule(_ pairs: KeyValuePairs<String, Int64>, unmappedIsNull: Bool = false) -> TransformReference {
        var config: [String: JSONValue] = [
            "map": .object(
                Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, JSONValue.string(String($0.value))) })),
            "output": .string("l"),
        ]
        if unmappedIsNull { config["unmapped"] = .string("null") }
        return TransformReference(name: "tandem.std.value-map", config: .object(config))
    }

    /// FS approval status from SCM's: Draft and In review (a change in
    /// progress) empty; Approved, In external review, Confirmed and Finalized
    /// approved; Rejected rejected.
    static let approvalRule = rule(
        [
            "Approved": FieldService.approved, "InExternalReview": FieldService.approved,
            "Confirmed": FieldService.approved, "Finalized": FieldService.approved, "Rejected": FieldService.rejected,
        ], unmappedIsNull: true)

    /// FS system status from SCM's header status: Open order (Backorder)
    /// submitted, Canceled cancelled (the two documented rules); the other
    /// three as F&O's own statuses read (docs/MAPS.md: no PO is received or
    /// invoiced in F&O without its receipt or invoice, and F&O cannot cancel a
    /// PO with receipts, so the rules' conditions always hold).
    static let systemStatusRule = rule([
        "None": FieldService.draft, "Backorder": FieldService.submitted, "Received": FieldService.productsReceived,
        "Invoiced": FieldService.billed, "Canceled": FieldService.cancelled,
    ])

    /// FS item status from SCM's line status: Canceled cancelled, Backorder
    /// (an order line put back from Canceled included) pending, Received and
    /// Invoiced received, None (not yet confirmed) pending.
    static let itemStatusRule = rule([
        "None": FieldService.pending, "Backorder": FieldService.pending, "Received": FieldService.received,
        "Invoiced": FieldService.received, "Canceled": FieldService.itemCancelled,
    ])

    // MARK: Lookups

    /// Lookups by the parent map's key column on each side; the parent is looked for in the row's company.
    static let worker = Lookup(map: "workers", erp: "PERSONNELNUMBER", crm: "cdm_workernumber")
    static let hierarchy = Lookup(map: "product-category-hierarchies", erp: "HIERARCHYNAME", crm: "msdyn_name")
    /// FS orders name the vendor's account, SCM the vendor; Tandem's vendors map
    /// is that account's source, so the lookup names it (docs/MAPS.md).
    static let vendor = Lookup(map: "vendors", erp: "VENDORACCOUNTNUMBER", crm: "msdyn_vendoraccountnumber")
    static let site = Lookup(map: "sites", erp: "SITEID", crm: "msdyn_siteid")
    static let warehouse = Lookup(map: "warehouses", erp: "WAREHOUSEID", crm: "msdyn_warehouseidentifier")
    static let deliveryMode = Lookup(map: "modes-of-delivery", erp: "MODECODE", crm: "msdyn_name")
    static let deliveryTerms = Lookup(map: "terms-of-delivery", erp: "TERMSCODE", crm: "msdyn_termscode")
    static let product = Lookup(map: "products", erp: "PRODUCTNUMBER", crm: "msdyn_productnumber")
    static let orderHeader = Lookup(map: "purchase-order-headers", erp: "PURCHASEORDERNUMBER", crm: "msdyn_name")
    /// A procurement category, found by name within the hierarchy the row names beside it.
    static func category(erpHierarchy: String) -> Lookup {
        Lookup(
            map: "product-categories", erp: "CATEGORYNAME", crm: "msdyn_name",
            match: LookupMatch(
                erp: [erpHierarchy: "PRODUCTCATEGORYHIERARCHYNAME"],
                crm: ["msdyn_procurementproductcategoryhierarchy": "msdyn_hierarchy"]))
    }

    // MARK: Field groups

    /// `=` with an optional lookup, positional so the field lists read like the reference's tables.
    static func both(_ erp: String, _ crm: String, _ lookup: Lookup?) -> FieldMap {
        StandardFields.both(erp, crm, lookup: lookup)
    }

    /// `>` with an optional lookup.
    static func toCRM(_ erp: String, _ crm: String, _ lookup: Lookup?) -> FieldMap {
        StandardFields.toCRM(erp, crm, lookup: lookup)
    }

    /// `>` for each pair of ERP and CRM column names, in order.
    static func copiesToCRM(_ pairs: KeyValuePairs<String, String>) -> [FieldMap] {
        pairs.map { StandardFields.toCRM($0.key, $0.value) }
    }

    /// An amount at ten decimals (`tandem.std.currency-precision`).
    static func money(_ erp: String, _ crm: String, _ direction: FieldDirection = .both) -> FieldMap {
        StandardFields.money(erp, crm, direction)
    }

    // MARK: Workers and product categories (B.6)

    /// Worker → cdm_workers (#113): workers are F&O's across companies, so the key has no company.
    static let workers = TableMap(
        id: "workers", version: "1.0.0",
        description:
            "Workers (HcmWorkerEntity) and cdm_workers, shared by every company; the orderer and requester of purchase orders and receipts",
        erp: TableReference(table: "HcmWorkerEntity", key: ["PERSONNELNUMBER"]),
        crm: TableReference(table: "cdm_worker", key: ["cdm_workernumber"]),
        fields: [
            both("PERSONNELNUMBER", "cdm_workernumber", nil),
            StandardFields.options("WORKERTYPE", "cdm_type", workerType, .erpToCrm),
            StandardFields.options("WORKERSTATUS", "cdm_status", workerStatus, .erpToCrm),
            StandardFields.options("GENDER", "cdm_gender", gender),
            toCRM("NAME", "cdm_fullname", nil),
        ]
            + StandardFields.copies([
                "FIRSTNAME": "cdm_firstname", "MIDDLENAME": "cdm_middlename", "LASTNAME": "cdm_lastname",
                "PRIMARYCONTACTEMAIL": "cdm_primaryemailaddress", "PRIMARYCONTACTPHONE": "cdm_primarytelephone",
                "PRIMARYCONTACTFACEBOOK": "cdm_facebookidentity", "PRIMARYCONTACTTWITTER": "cdm_twitteridentity",
                "PRIMARYCONTACTLINKEDIN": "cdm_linkedinidentity", "PRIMARYCONTACTURL": "cdm_websiteurl",
                "BIRTHDATE": "cdm_birthdate",
            ]))

    /// Product category hierarchies → msdyn_productcategoryhierarchies (#168), shared by every company.
    static let categoryHierarchies = TableMap(
        id: "product-category-hierarchies", version: "1.0.0",
        description: "Product category hierarchies (EcoResProductCategoryHierarchyEntity), shared by every company",
        erp: TableReference(table: "EcoResProductCategoryHierarchyEntity", key: ["HIERARCHYNAME"]),
        crm: TableReference(table: "msdyn_productcategoryhierarchy", key: ["msdyn_name"]),
        fields: StandardFields.copies(["HIERARCHYNAME": "msdyn_name", "HIERARCHYDESCRIPTION": "msdyn_description"]))

    /// Product category hierarchy roles → msdyn_productcategoryhierarchyroles
    /// (#169): F&O gives each role one hierarchy, so the role is the key.
    static let hierarchyRoles = TableMap(
        id: "product-category-hierarchy-roles", version: "1.0.0",
        description:
            "Product category hierarchy roles (EcoResProductCategoryHierarchyRoleEntity): the hierarchy that serves each role (procurement, sales, …)",
        erp: TableReference(table: "EcoResProductCategoryHierarchyRoleEntity", key: ["HIERARCHYROLE"]),
        crm: TableReference(table: "msdyn_productcategoryhierarchyrole", key: ["msdyn_hierarchyrole"]),
        fields: [
            StandardFields.options("HIERARCHYROLE", "msdyn_hierarchyrole", hierarchyRole),
            both("PRODUCTCATEGORYHIERARCHYNAME", "msdyn_hierarchy", hierarchy),
        ],
        dependsOn: ["product-category-hierarchies"])

    /// Product categories → msdyn_productcategories (#166): a category's name
    /// is unique within its hierarchy, and its parent is in the same hierarchy.
    static let productCategories = TableMap(
        id: "product-categories", version: "1.0.0",
        description:
            "Product categories (EcoResProductCategoryEntity), keyed by hierarchy and name; the parent category a lookup in the same hierarchy",
        erp: TableReference(
            table: "EcoResProductCategoryEntity", key: ["PRODUCTCATEGORYHIERARCHYNAME", "CATEGORYNAME"]),
        crm: TableReference(table: "msdyn_productcategory", key: ["msdyn_hierarchy", "msdyn_name"]),
        fields: [
            both("PRODUCTCATEGORYHIERARCHYNAME", "msdyn_hierarchy", hierarchy),
            both("CATEGORYNAME", "msdyn_name", nil),
            // The parent is found in the row's own hierarchy (the key column both share).
            both(
                "PARENTPRODUCTCATEGORYNAME", "msdyn_parentproductcategory",
                Lookup(map: "product-categories", erp: "CATEGORYNAME", crm: "msdyn_name")),
            toCRM("PARENTPRODUCTCATEGORYHIERARCHYNAME", "msdyn_parentproductcategoryhierarchy", nil),
            toCRM("CATEGORYRECORDID", "msdyn_externalproductcategoryid", nil),
        ]
            + StandardFields.flags([
                "ISCATEGORYINHERITINGPARENTPRODUCTATTRIBUTES": "msdyn_isinheritingparentproductattributes",
                "ISTANGIBLEPRODUCT": "msdyn_istangibleproduct",
                "ISCATEGORYINHERITINGPARENTCATEGORYATTRIBUTES": "msdyn_isinheritingparentcategoryattributes",
            ])
            + StandardFields.copies([
                "PROJECTCATEGORYNAME": "msdyn_projectcategoryname", "CATEGORYCODE": "msdyn_code",
                "CATEGORYDESCRIPTION": "msdyn_description", "CATEGORYKEYWORDS": "msdyn_keywords",
                "FRIENDLYCATEGORYNAME": "msdyn_friendlycategoryname", "EXTERNALID": "msdyn_integrationid",
            ]),
        dependsOn: ["product-category-hierarchies"])

    /// Product category assignments → msdyn_productcategoryassignments (#167):
    /// a product in a category. F&O assigns products, not released products,
    /// so there is no company, and the product is found in any company.
    static let categoryAssignments = TableMap(
        id: "product-category-assignments", version: "1.0.0",
        description:
            "Product category assignments (EcoResProductCategoryAssignmentEntity): a product in a category of a hierarchy, shared by every company",
        erp: TableReference(
            table: "EcoResProductCategoryAssignmentEntity",
            key: ["PRODUCTNUMBER", "PRODUCTCATEGORYHIERARCHYNAME", "PRODUCTCATEGORYNAME"]),
        crm: TableReference(
            table: "msdyn_productcategoryassignment",
            key: ["msdyn_globalproduct", "msdyn_productcategoryhierarchy", "msdyn_productcategory"]),
        fields: [
            both("PRODUCTNUMBER", "msdyn_globalproduct", product),
            both("PRODUCTCATEGORYHIERARCHYNAME", "msdyn_productcategoryhierarchy", hierarchy),
            both(
                "PRODUCTCATEGORYNAME", "msdyn_productcategory",
                Lookup(
                    map: "product-categories", erp: "CATEGORYNAME", crm: "msdyn_name",
                    match: LookupMatch(crm: ["msdyn_productcategoryhierarchy": "msdyn_hierarchy"]))),
            toCRM("PRODUCTNUMBER", "msdyn_name", nil),
        ],
        dependsOn: ["products", "product-category-hierarchies", "product-categories"])

    // MARK: Purchase orders

    /// Purchase order headers V2 → msdyn_purchaseorders (#183): both sides
    /// create; SCM owns the `>` fields (addresses, statuses).
    static let orderHeaders = TableMap(
        id: "purchase-order-headers", version: "1.0.0",
        description:
            "Purchase order headers (PurchPurchaseOrderHeaderV2Entity) and msdyn_purchaseorders, per company; SCM's approval and order status derive Field Service's approval and system status one way",
        erp: TableReference(table: "PurchPurchaseOrderHeaderV2Entity", key: ["DATAAREAID", "PURCHASEORDERNUMBER"]),
        crm: TableReference(table: "msdyn_purchaseorder", key: ["msdyn_company", "msdyn_name"]),
        fields: [
            StandardFields.company,
            both("PURCHASEORDERNUMBER", "msdyn_name", nil),
            both("ORDERVENDORACCOUNTNUMBER", "msdyn_vendor", vendor),
            both("INVOICEVENDORACCOUNTNUMBER", "msdyn_invoicevendoraccount", vendor),
            both("CURRENCYCODE", "transactioncurrencyid", .currency),
            both("PAYMENTTERMSNAME", "msdyn_paymentterm", .paymentTerm),
            both("DEFAULTRECEIVINGSITEID", "msdyn_defaultreceivingsiteid", site),
            both("DEFAULTRECEIVINGWAREHOUSEID", "msdyn_receivetowarehouse", warehouse),
            both("DELIVERYTERMSID", "msdyn_deliveryterm", deliveryTerms),
            both("DELIVERYMODEID", "msdyn_shipvia", deliveryMode),
            both("ORDERERPERSONNELNUMBER", "msdyn_ordererpersonnelnumber", worker),
            // Contacts for party run after vendors and their company column has another name, so no lookup (as on quotes).
            both("CONTACTPERSONID", "msdyn_contactpersonid", nil),
            // No map carries vendor payment methods yet: a plain column.
            both("VENDORPAYMENTMETHODNAME", "msdyn_vendorpaymentmethod", nil),
            StandardFields.yesNo("AREPRICESINCLUDINGSALESTAX", "msdyn_arepriceincludingsalestax"),
            StandardFields.yesNo("ISCHANGEMANAGEMENTACTIVE", "msdyn_ischangemanagementactive", .erpToCrm),
            StandardFields.yesNo("ISDELIVEREDDIRECTLY", "msdyn_isdeliverydirectly", .erpToCrm),
            StandardFields.options("LANGUAGEID", "msdyn_language", .language),
            StandardFields.options(
                "DOCUMENTAPPROVALSTATUS", "msdyn_documentapprovalstatus", documentApprovalStatus, .erpToCrm),
            StandardFields.options("PURCHASEORDERSTATUS", "msdyn_purchaseorderstatus", purchaseStatus, .erpToCrm),
            // The B.0 status rules: Field Service's own statuses, derived from SCM's, one way.
            FieldMap(
                erp: .one("DOCUMENTAPPROVALSTATUS"), crm: .one("msdyn_approvalstatus"), direction: .erpToCrm,
                transform: approvalRule),
            FieldMap(
                erp: .one("PURCHASEORDERSTATUS"), crm: .one("msdyn_systemstatus"), direction: .erpToCrm,
                transform: systemStatusRule),
        ]
            + StandardFields.copies([
                "REQUESTEDDELIVERYDATE": "msdyn_dateexpected", "ACCOUNTINGDATE": "msdyn_accountingdate",
                "CASHDISCOUNTCODE": "msdyn_cashdiscountcode", "CASHDISCOUNTPERCENTAGE": "msdyn_cashdiscountpercentage",
                "EMAIL": "msdyn_email", "REASONCODE": "msdyn_reasoncode", "REASONCOMMENT": "msdyn_reasoncomment",
                "TOTALDISCOUNTPERCENTAGE": "msdyn_totaldiscountpercentage", "URL": "msdyn_url",
                "VENDORORDERREFERENCE": "msdyn_vendororderreference",
                "CONFIRMEDDELIVERYDATE": "msdyn_confirmeddeliverydate",
            ])
            // SCM controls addresses (B.0).
            + copiesToCRM([
                "DELIVERYADDRESSNAME": "msdyn_addressname", "ATTENTIONINFORMATION": "msdyn_attentioninformation",
                "VENDORPAYMENTMETHODSPECIFICATIONNAME": "msdyn_vendorpaymentmethodspecificationname",
                "DELIVERYADDRESSCITY": "msdyn_city", "DELIVERYADDRESSCOUNTRYREGIONISOCODE": "msdyn_country",
                "DELIVERYADDRESSSTATEID": "msdyn_stateorprovince", "DELIVERYADDRESSZIPCODE": "msdyn_postalcode",
                "DELIVERYADDRESSSTREET": "msdyn_address1", "DELIVERYADDRESSSTREETNUMBER": "msdyn_address2",
                "INVOICEADDRESSSTREETNUMBER": "msdyn_invoiceaddressstreetnumber",
                "DELIVERYADDRESSLONGITUDE": "msdyn_longitude", "DELIVERYADDRESSLATITUDE": "msdyn_latitude",
                "DELIVERYADDRESSCOUNTRYREGIONID": "msdyn_deliveryaddresscountryregionid",
                "DELIVERYADDRESSCOUNTYID": "msdyn_deliveryaddresscountyid",
                "DELIVERYADDRESSDESCRIPTION": "msdyn_deliveryaddressdescription",
                "DELIVERYADDRESSDISTRICTNAME": "msdyn_deliveryaddressdistrictname",
                "DELIVERYADDRESSDUNSNUMBER": "msdyn_deliveryaddressdunsnumber",
                "DELIVERYADDRESSLOCATIONID": "msdyn_deliveryaddresslocationid",
                "DELIVERYADDRESSPOSTBOX": "msdyn_deliveryaddresspostbox",
                "DELIVERYADDRESSTIMEZONE": "msdyn_deliveryaddresstimezone",
                "DELIVERYBUILDINGCOMPLIMENT": "msdyn_deliverybuildingcompliment",
                "FORMATTEDDELIVERYADDRESS": "msdyn_formatteddeliveryaddress",
                "FORMATTEDINVOICEADDRESS": "msdyn_formattedinvoiceaddress",
                "INVOICEADDRESSCITY": "msdyn_invoiceaddresscity",
                "INVOICEADDRESSCOUNTRYREGIONID": "msdyn_invoiceaddresscountryregionid",
                "INVOICEADDRESSCOUNTY": "msdyn_invoiceaddresscounty",
                "INVOICEADDRESSSTATE": "msdyn_invoiceaddressstate",
                "INVOICEADDRESSSTREET": "msdyn_invoiceaddressstreet",
                "INVOICEADDRESSZIPCODE": "msdyn_invoiceaddresszipcode",
            ]),
        dependsOn: [
            "companies", "currencies", "payment-terms", "vendors", "sites", "warehouses", "terms-of-delivery",
            "modes-of-delivery", "workers",
        ],
        conflictPolicy: .erpWins)

    /// CDS purchase order lines → msdyn_purchaseorderproducts (#181), after
    /// their header, with the soft-delete flag of #182 (the same F&O rows and
    /// the same Dataverse table, so one map: docs/MAPS.md).
    static let orderLines = TableMap(
        id: "purchase-order-lines", version: "1.0.0",
        description:
            "Purchase order lines (PurchPurchaseOrderLineCDSEntity) and msdyn_purchaseorderproducts, keyed by company, order and line number; price and amounts one way ERP to CRM; F&O's soft delete (ISDELETED) one way",
        erp: TableReference(
            table: "PurchPurchaseOrderLineCDSEntity", key: ["DATAAREAID", "PURCHASEORDERNUMBER", "LINENUMBER"]),
        crm: TableReference(
            table: "msdyn_purchaseorderproduct", key: ["msdyn_company", "msdyn_purchaseorder", "msdyn_lineorder"]),
        fields: [
            StandardFields.company,
            both("PURCHASEORDERNUMBER", "msdyn_purchaseorder", orderHeader),
            both("LINENUMBER", "msdyn_lineorder", nil),
            both("PRODUCTNUMBER", "msdyn_product", product),
            both("PURCHASEUNITSYMBOL", "msdyn_unit", .unit),
            both("CATCHWEIGHTUNITSYMBOL", "msdyn_catchweightunitsymbol", .unit),
            both("RECEIVINGSITEID", "msdyn_receivingsiteid", site),
            both("RECEIVINGWAREHOUSEID", "msdyn_associatetowarehouse", warehouse),
            both("REQUESTERPERSONNELNUMBER", "msdyn_requesterpersonnelnumber", worker),
            StandardFields.yesNo("ISPARTIALDELIVERYPREVENTED", "msdyn_ispartialdeliveryprevented"),
            // Prices and amounts come from SCM's trade agreements (B.0).
            money("PURCHASEPRICE", "msdyn_unitcost", .erpToCrm),
            money("LINEAMOUNT", "msdyn_lineamount", .erpToCrm),
            money("LINEDISCOUNTAMOUNT", "msdyn_linediscountamount", .erpToCrm),
            toCRM("LINEDISCOUNTPERCENTAGE", "msdyn_linediscountpercentage", nil),
            toCRM("CURRENCYCODE", "transactioncurrencyid", .currency),
            toCRM(
                "PROCUREMENTPRODUCTCATEGORYNAME", "msdyn_procurementproductcategory",
                category(erpHierarchy: "PROCUREMENTPRODUCTCATEGORYHIERACHYNAME")),
            toCRM("PROCUREMENTPRODUCTCATEGORYHIERACHYNAME", "msdyn_procurementproductcategoryhierarchy", nil),
            StandardFields.options(
                "PURCHASEORDERLINESTATUS", "msdyn_purchaseorderlinestatus", purchaseStatus, .erpToCrm),
            FieldMap(
                erp: .one("PURCHASEORDERLINESTATUS"), crm: .one("msdyn_itemstatus"), direction: .erpToCrm,
                transform: itemStatusRule),
            // #182: F&O soft-deletes a line of a confirmed order; a line made in FS is not deleted.
            StandardFields.yesNo("ISDELETED", "msdyn_issoftdeletedinscm", .erpToCrm),
            StandardFields.constantToERP("ISDELETED", .string("No")),
        ]
            + StandardFields.copies([
                "REQUESTEDDELIVERYDATE": "msdyn_dateexpected", "LINEDESCRIPTION": "msdyn_description",
                "ORDEREDPURCHASEQUANTITY": "msdyn_quantity", "BARCODE": "msdyn_barcode",
                "CONFIRMEDSHIPPINGDATE": "msdyn_confirmedshippingdate", "CUSTOMERREFERENCE": "msdyn_customerreference",
                "CUSTOMERREQUISITIONNUMBER": "msdyn_customerrequisitionnumber",
                "EXTERNALITEMNUMBER": "msdyn_externalitemnumber",
                "ORDEREDCATCHWEIGHTQUANTITY": "msdyn_orderedcatchweightquantity",
                "PURCHASEPRICEQUANTITY": "msdyn_purchasepricequantity",
                "REQUESTEDSHIPPINGDATE": "msdyn_requestedshippingdate",
                "CONFIRMEDDELIVERYDATE": "msdyn_confirmeddeliverydate",
            ])
            + copiesToCRM([
                "DELIVERYADDRESSCITY": "msdyn_deliveryaddresscity",
                "DELIVERYADDRESSCOUNTRYREGIONID": "msdyn_deliveryaddresscountryregionid",
                "DELIVERYADDRESSSTATEID": "msdyn_deliveryaddressstate",
                "DELIVERYADDRESSSTREET": "msdyn_deliveryaddressstreet",
                "DELIVERYADDRESSSTREETNUMBER": "msdyn_deliveryaddressstreetnumber",
                "DELIVERYADDRESSZIPCODE": "msdyn_deliveryaddresszipcode",
                "FORMATTEDDELVERYADDRESS": "msdyn_formatteddeliveryaddress",
                "DELIVERYADDRESSDESCRIPTION": "msdyn_deliveryaddressdescription",
                "DELIVERYADDRESSNAME": "msdyn_deliveryaddressname",
            ]),
        // A line Field Service deleted after F&O soft-deleted it stays in F&O, soft-deleted.
        filters: Filters(crmToErp: "msdyn_issoftdeletedinscm IS NULL OR msdyn_issoftdeletedinscm = 0"),
        dependsOn: [
            "companies", "currencies", "units", "products", "sites", "warehouses", "workers", "product-categories",
            "purchase-order-headers",
        ],
        conflictPolicy: .erpWins)

    // MARK: Product receipts

    /// Product receipt header → msdyn_purchaseorderreceipts (#185): posted in
    /// SCM only, so every field is `>` and the map is one way.
    static let receiptHeaders = TableMap(
        id: "product-receipt-headers", version: "1.0.0",
        description:
            "Product receipt headers (VendProductReceiptHeaderEntity) to msdyn_purchaseorderreceipts, one way ERP to CRM, keyed by company and record id",
        erp: TableReference(table: "VendProductReceiptHeaderEntity", key: ["DATAAREAID", "RECORDID"]),
        crm: TableReference(table: "msdyn_purchaseorderreceipt", key: ["msdyn_company", "msdyn_recordid"]),
        fields: [
            toCRM("DATAAREAID", "msdyn_company", .company),
            toCRM("RECORDID", "msdyn_recordid", nil),
            toCRM("PURCHASEORDERNUMBER", "msdyn_purchaseorder", orderHeader),
            toCRM("DELIVERYMODEID", "msdyn_shipvia", deliveryMode),
            toCRM("DELIVERYTERMSID", "msdyn_deliveryterm", deliveryTerms),
            // The receipt names the vendor itself (msdyn_vendor), unlike the order's account.
            toCRM("ORDERVENDORACCOUNTNUMBER", "msdyn_ordervendor", vendor),
            toCRM("REQUESTERPERSONNELNUMBER", "msdyn_requesterpersonnel", worker),
            StandardFields.yesNo("ISDELIVERYADDRESSPRIVATE", "msdyn_isdeliveryaddressprivate", .erpToCrm),
        ]
            + copiesToCRM([
                "PRODUCTRECEIPTNUMBER": "msdyn_name", "PRODUCTRECEIPTDATE": "msdyn_datereceived",
                "ATTENTIONINFORMATION": "msdyn_note",
                "DELIVERYADDRESSLATITUDE": "msdyn_deliveryaddresslatitude",
                "DELIVERYADDRESSLONGITUDE": "msdyn_deliveryaddresslongitude",
                "DELIVERYADDRESSCOUNTRYREGIONID": "msdyn_deliveryaddresscountryregionid",
                "DELIVERYADDRESSCOUNTYID": "msdyn_deliveryaddresscountyid",
                "DELIVERYADDRESSSTATEID": "msdyn_deliveryaddressstateid",
                "DELIVERYADDRESSZIPCODE": "msdyn_deliveryaddresszipcode",
                "DELIVERYADDRESSNAME": "msdyn_deliveryaddressname",
                "DELIVERYADDRESSTIMEZONE": "msdyn_deliveryaddresstimezone",
                "DELIVERYADDRESSPOSTBOX": "msdyn_deliveryaddresspostbox",
                "DELIVERYADDRESSSTREETNUMBER": "msdyn_deliveryaddressstreetnumber",
                "DELIVERYADDRESSSTREET": "msdyn_deliveryaddressstreet",
                "DELIVERYCITYINKANA": "msdyn_deliverycityinkana", "DELIVERYSTREETINKANA": "msdyn_deliverystreetinkana",
                "FORMATTEDDELIVERYADDRESS": "msdyn_formatteddeliveryaddress",
                "DELIVERYADDRESSLOCATIONID": "msdyn_deliveryaddresslocationid",
                "DELIVERYADDRESSCITY": "msdyn_deliveryaddresscity",
                "DELIVERYADDRESSDESCRIPTION": "msdyn_deliveryaddressdescription",
                "DELIVERYADDRESSDISTRICTNAME": "msdyn_deliveryaddressdistrictname",
                "DELIVERYBUILDINGCOMPLIMENT": "msdyn_deliverybuildingcompliment",
                "DELIVERYADDRESSDUNSNUMBER": "msdyn_deliveryaddressdunsnumber",
            ]),
        dependsOn: [
            "companies", "vendors", "modes-of-delivery", "terms-of-delivery", "workers", "purchase-order-headers",
        ])

    /// Product receipt line → msdyn_purchaseorderreceiptproducts (#184), one
    /// way, after its receipt and its order line; both quantities as SCM
    /// computed them (purchase unit and inventory unit).
    static let receiptLines = TableMap(
        id: "product-receipt-lines", version: "1.0.0",
        description:
            "Product receipt lines (VendProductReceiptLineEntity) to msdyn_purchaseorderreceiptproducts, one way ERP to CRM, keyed by company and record id; quantities in the purchase and the inventory unit as F&O computed them",
        erp: TableReference(table: "VendProductReceiptLineEntity", key: ["DATAAREAID", "RECORDID"]),
        crm: TableReference(table: "msdyn_purchaseorderreceiptproduct", key: ["msdyn_company", "msdyn_recordid"]),
        fields: [
            toCRM("DATAAREAID", "msdyn_company", .company),
            toCRM("RECORDID", "msdyn_recordid", nil),
            toCRM(
                "PRODUCTRECEIPTHEADERRECORDID", "msdyn_purchaseorderreceipt",
                Lookup(map: "product-receipt-headers", erp: "RECORDID", crm: "msdyn_recordid")),
            toCRM("PURCHASEORDERNUMBER", "msdyn_purchaseorder", orderHeader),
            // The order line by its number within the order the row names (the line's key column of the same name).
            toCRM(
                "PURCHASEORDERLINENUMBER", "msdyn_purchaseorderproduct",
                Lookup(map: "purchase-order-lines", erp: "LINENUMBER", crm: "msdyn_lineorder")),
            toCRM("PRODUCTNUMBER", "msdyn_product", product),
            toCRM("PURCHASEUNITSYMBOL", "msdyn_purchaseunitsymbol", .unit),
            toCRM("RECEIVINGSITEID", "msdyn_receivingsiteid", site),
            toCRM("RECEIVINGWAREHOUSEID", "msdyn_associatetowarehouse", warehouse),
            toCRM(
                "PROCUREMENTPRODUCTCATEGORYNAME", "msdyn_procurementproductcategory",
                category(erpHierarchy: "PROCUREMENTPRODUCTCATEGORYHIERARCHYNAME")),
            toCRM("PROCUREMENTPRODUCTCATEGORYHIERARCHYNAME", "msdyn_procurementproductcategoryhierarchy", nil),
        ]
            + copiesToCRM([
                "ORDEREDPURCHASEQUANTITY": "msdyn_orderedpurchasequantity",
                "RECEIVEDPURCHASEQUANTITY": "msdyn_quantity",
                "REMAININGPURCHASEQUANTITY": "msdyn_remainingpurchasequantity",
                "RECEIVEDINVENTORYQUANTITY": "msdyn_receivedinventoryquantity",
                "REMAININGINVENTORYQUANTITY": "msdyn_remaininginventoryquantity",
                "RECEIVEDINVENTORYSTATUSID": "msdyn_receivedinventorystatusid",
                // Warehouse locations (#144) are not mapped yet: a plain column.
                "RECEIVINGWAREHOUSELOCATIONID": "msdyn_receivingwarehouselocation",
                "DELIVERYADDRESSCOUNTRYREGIONID": "msdyn_deliveryaddresscountryregionid",
                "DELIVERYADDRESSCOUNTYID": "msdyn_deliveryaddresscountyid",
                "DELIVERYADDRESSSTATEID": "msdyn_deliveryaddressstateid",
                "EXPECTEDDELIVERYDATE": "msdyn_expecteddeliverydate", "EXTERNALITEMNUMBER": "msdyn_externalitemnumber",
                "ITEMBATCHNUMBER": "msdyn_itembatchnumber", "ITEMSERIALNUMBER": "msdyn_itemserialnumber",
                "LINEDESCRIPTION": "msdyn_linedescription", "PRODUCTRECEIPTDATE": "msdyn_productreceiptdate",
                "PRODUCTRECEIPTNUMBER": "msdyn_productreceiptnumber",
            ]),
        dependsOn: [
            "companies", "units", "products", "sites", "warehouses", "product-categories", "product-receipt-headers",
            "purchase-order-lines",
        ])

    // MARK: DDL

    /// Whole-number columns: line numbers and record ids (F&O's `LineNum`
    /// is a real number, but its values are whole and the key needs them
    /// exact, so INTEGER, as the sales lines' sequence numbers). Every other
    /// column not holding a Dataverse option set or boolean is TEXT.
    static let integerColumns: Set<String> = [
        "LINENUMBER", "msdyn_lineorder", "RECORDID", "msdyn_recordid", "PRODUCTRECEIPTHEADERRECORDID",
        "msdyn_purchaseorderreceipt", "PURCHASEORDERLINENUMBER", "msdyn_purchaseorderproduct", "CATEGORYRECORDID",
        "msdyn_externalproductcategoryid",
    ]

    /// One side's `CREATE TABLE` for `map`, derived from its fields, so the
    /// DDL cannot disagree with the map: key columns first, then every other
    /// column once, in field order. A CRM column written through a value map
    /// to an integer is INTEGER.
    static func create(_ map: TableMap, _ side: SQLiteTable.Side) -> String {
        let table = side == .erp ? map.erp : map.crm
        var columns = table.key
        var integers = integerColumns
        for field in map.fields {
            let names = (side == .erp ? field.erp : field.crm)?.columns ?? []
            if side == .crm, names.count == 1, field.transform?.name == "tandem.std.value-map",
                field.transform?.config?["output"] != nil
            {
                integers.insert(names[0])
            }
            for name in names where !columns.contains(name) { columns.append(name) }
        }
        return SQLiteTable.create(
            table.table, key: table.key, columns.map { "\($0) \(integers.contains($0) ? "INTEGER" : "TEXT")" })
    }

    static var ddl: DDLDocument? {
        let all = maps?.maps ?? []
        return DDLDocument(erp: all.map { create($0, .erp) }, crm: all.map { create($0, .crm) })
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: ProcureToPay.self, hostMajor: major, hostMinor: minor)
}
