public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Prospect-to-cash (quote-to-cash): sales quotations, sales orders and
/// sales invoices with their lines, and the reference data they look up
/// (sites, warehouses, terms and modes of delivery, price customer groups,
/// order origins, default order settings), from part A of
/// `shared/reference/dualwrite-transactional-maps.md` (`docs/MAPS.md`).
enum ProspectToCash: TandemPlugin {
    static let id = "tandem.std.prospect-to-cash"
    static let version = "1.0.0"
    static let name = "Prospect to cash"
    static let summary =
        "Sales quotations, orders and invoices (headers before lines; invoices one way ERP to CRM) and their reference data"

    static var maps: MapsDocument? {
        MapsDocument(maps: [
            sites, warehouses, termsOfDelivery, modesOfDelivery, priceCustomerGroups, orderOrigins,
            defaultOrderSettings, quotationHeaders, quotationLines, orderHeaders, orderLines, invoiceHeaders,
            invoiceLines, prospects,
        ])
    }

    // MARK: Value maps

    /// VM-PROMISE: how an order's delivery date is promised.
    static let promising = OptionValues([
        "None": 192_350_000, "SalesLeadTime": 192_350_001, "Atp": 192_350_002, "AtpPlusIssueMargin": 192_350_003,
        "Ctp": 192_350_004,
    ])

    /// VM-QSTATUS: a sales quotation's status.
    static let quotationStatus = OptionValues([
        "Created": 192_350_000, "Sent": 192_350_001, "Confirmed": 192_350_002, "Lost": 192_350_003,
        "Cancelled": 192_350_004, "Reset": 192_350_005, "Modified": 192_350_006, "Submitted": 192_350_007,
        "Approved": 192_350_008, "Revised": 192_350_009,
    ])

    /// A sales order's processing status (#217), the combination of F&O's
    /// status and document status that `DW/sales-status-map.md` tabulates.
    static let processingStatus = OptionValues([
        "Active": 192_350_000, "Confirmed": 192_350_001, "Picked": 192_350_002, "PartiallyDelivered": 192_350_003,
        "Delivered": 192_350_004, "Invoiced": 192_350_005, "PartiallyInvoiced": 192_350_006, "Canceled": 192_350_007,
    ])

    /// A sales order line's status (#216), one way: F&O's delivery and invoicing set it.
    static let lineStatus = OptionValues([
        "None": 192_350_000, "Backorder": 192_350_001, "Delivered": 192_350_002, "Invoiced": 192_350_003,
        "Canceled": 192_350_004,
    ])

    /// VM-COUNTRY: the delivery country, F&O's ISO code (upper case, as F&O
    /// stores it) to Dataverse's free-text country as the reference spells it
    /// (`columbia` included). Text on both sides, so not an ``OptionValues``.
    static let country: TransformReference = {
        let pairs: KeyValuePairs<String, String> = [
            "US": "united states", "DE": "germany", "FR": "france", "GB": "united kingdom", "JP": "japan",
            "IN": "india", "ES": "spain", "NZ": "new zealand", "AU": "australia", "CO": "columbia",
            "ZA": "south africa", "BE": "belgium", "CA": "canada", "AT": "austria", "TR": "türkiye", "CN": "china",
            "DK": "denmark", "SE": "sweden", "NO": "norway", "FI": "finland", "EG": "egypt",
        ]
        return TransformReference(
            name: "tandem.std.value-map",
            config: .object([
                "map": .object(Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, JSONValue.string($0.value)) }))
            ]))
    }()

    /// The location role a delivery term takes its sales tax from (#198): F&O's `LogisticsLocationRoleType`.
    static let salesTaxLocationRole = OptionValues([
        "None": 192_350_000, "Invoice": 192_350_001, "Delivery": 192_350_002, "Swift": 192_350_003,
        "Payment": 192_350_004, "Service": 192_350_005, "Home": 192_350_006, "Other": 192_350_007,
        "Business": 192_350_008, "RemitTo": 192_350_009, "Statement": 192_350_010, "FixedAsset": 192_350_011,
        "OneTime": 192_350_012, "Recruit": 192_350_013, "SMS": 192_350_014, "Lading_W": 192_350_015,
        "Unlading_W": 192_350_016, "HeadCompany_IT": 192_350_017, "StableOrganization_IT": 192_350_018,
    ])

    /// Who pays the freight under a delivery term (#198).
    static let freightChargeTerms = OptionValues([
        "Prepaid": 192_350_000, "Collect": 192_350_001, "ThirdParty": 192_350_002, "Nofreight": 192_350_003,
    ])

    /// A warehouse's type (#204); the `_RU` and `ITM` values are F&O's country and landed-cost types.
    static let warehouseType = OptionValues([
        "GoodsInRoute_RU": 192_350_000, "Transit": 192_350_001, "Quarantine": 192_350_002, "Standard": 192_350_003,
        "ITMGIT": 192_350_004, "ITMUnder": 192_350_005,
    ])

    /// How much of an order must be reserved before it is released to the warehouse (#204).
    static let releaseReservationRequirement = OptionValues([
        "NotApplicable": 192_350_000, "AllowPartialReservation": 192_350_001, "RequireFullReservation": 192_350_002,
    ])

    /// Which reservations an inventory status change removes (#204).
    static let statusChangeReservationRemoval = OptionValues([
        "None": 192_350_000, "Reservation": 192_350_001, "MarkingReservation": 192_350_002,
    ])

    // MARK: Lookups

    /// Lookups by the parent map's key column on each side; the parent is looked for in the row's company.
    static let site = Lookup(map: "sites", erp: "SITEID", crm: "msdyn_siteid")
    static let warehouse = Lookup(map: "warehouses", erp: "WAREHOUSEID", crm: "msdyn_warehouseidentifier")
    static let product = Lookup(map: "products", erp: "PRODUCTNUMBER", crm: "msdyn_productnumber")
    /// `customerid` is polymorphic in Dataverse (account or contact); a Tandem
    /// lookup names one map, so orders, quotes and invoices name accounts
    /// (organisation customers) — see docs/MAPS.md.
    static let customer = Lookup(map: "customers-accounts", erp: "CUSTOMERACCOUNT", crm: "accountnumber")
    static let priceGroup = Lookup(map: "price-customer-groups", erp: "GROUPCODE", crm: "msdyn_groupcode")
    static let deliveryMode = Lookup(map: "modes-of-delivery", erp: "MODECODE", crm: "msdyn_name")
    static let deliveryTerms = Lookup(map: "terms-of-delivery", erp: "TERMSCODE", crm: "msdyn_termscode")
    static let origin = Lookup(map: "sales-order-origins", erp: "ORIGINCODE", crm: "msdyn_origincode")

    // MARK: Field groups

    /// `=` with an optional lookup, positional so the field lists read like the reference's tables.
    static func both(_ erp: String, _ crm: String, _ lookup: Lookup?) -> FieldMap {
        StandardFields.both(erp, crm, lookup: lookup)
    }

    /// `>` with an optional lookup.
    static func toCRM(_ erp: String, _ crm: String, _ lookup: Lookup?) -> FieldMap {
        StandardFields.toCRM(erp, crm, lookup: lookup)
    }

    /// An amount at ten decimals (`tandem.std.currency-precision`).
    static func money(_ erp: String, _ crm: String, _ direction: FieldDirection = .both) -> FieldMap {
        StandardFields.money(erp, crm, direction)
    }

    /// The delivery address of a quotation or order, header or line (the same rows on all four).
    static let deliveryAddress: [FieldMap] =
        [
            both("DELIVERYADDRESSCITY", "shipto_city", nil),
            FieldMap(
                erp: "DELIVERYADDRESSCOUNTRYREGIONISOCODE", crm: "shipto_country", direction: .both, transform: country),
            both("DELIVERYADDRESSZIPCODE", "shipto_postalcode", nil),
            both("DELIVERYADDRESSSTATEID", "shipto_stateorprovince", nil),
            both("DELIVERYADDRESSSTREET", "shipto_line1", nil),
            both("DELIVERYADDRESSSTREETNUMBER", "shipto_line2", nil),
        ]
        + StandardFields.copies([
            "DELIVERYADDRESSCOUNTYID": "msdyn_deliveryaddresscountyid",
            "DELIVERYADDRESSDESCRIPTION": "msdyn_deliveryaddressdescription",
            "DELIVERYADDRESSDISTRICTNAME": "msdyn_deliveryaddressdistrictname",
            "DELIVERYADDRESSDUNSNUMBER": "msdyn_deliveryaddressdunsnumber",
            "DELIVERYADDRESSLATITUDE": "msdyn_deliveryaddresslatitude",
            "DELIVERYADDRESSLOCATIONID": "msdyn_deliveryaddresslocationid",
            "DELIVERYADDRESSLONGITUDE": "msdyn_deliveryaddresslongitude",
            "DELIVERYADDRESSNAME": "msdyn_deliveryaddressname",
            "DELIVERYADDRESSPOSTBOX": "msdyn_deliveryaddresspostbox",
            "DELIVERYBUILDINGCOMPLIMENT": "msdyn_deliverybuildingcompliment",
        ])

    /// The invoice address of a quotation or order header: F&O derives it from the invoice account, so `>` only.
    static let invoiceAddress: [FieldMap] = [
        toCRM("INVOICEADDRESSCITY", "billto_city", nil),
        toCRM("INVOICEADDRESSSTREET", "billto_line1", nil),
        toCRM("INVOICEADDRESSSTREETNUMBER", "billto_line2", nil),
        toCRM("INVOICEADDRESSCOUNTRYREGIONISOCODE", "billto_country", nil),
        toCRM("INVOICEADDRESSSTATEID", "billto_stateorprovince", nil),
        toCRM("INVOICEADDRESSZIPCODE", "billto_postalcode", nil),
        toCRM("FORMATTEDINVOICEADDRESS", "msdyn_formattedinvoiceaddress", nil),
        toCRM("INVOICEADDRESSCOUNTYID", "msdyn_invoiceaddresscountyid", nil),
        toCRM("INVOICEADDRESSDISTRICTNAME", "msdyn_invoiceaddressdistrictname", nil),
        toCRM("INVOICEADDRESSLATITUDE", "msdyn_invoiceaddresslatitude", nil),
        toCRM("INVOICEADDRESSLONGITUDE", "msdyn_invoiceaddresslongitude", nil),
        toCRM("INVOICEADDRESSPOSTBOX", "msdyn_invoiceaddresspostbox", nil),
        toCRM("INVOICEBUILDINGCOMPLIMENT", "msdyn_invoicebuildingcompliment", nil),
        StandardFields.yesNo("ISINVOICEADDRESSPRIVATE", "msdyn_isinvoiceaddressprivate", .erpToCrm),
    ]

    /// The fields a quotation header and an order header share (#215, #217).
    static let headerCommon: [FieldMap] =
        [
            StandardFields.company,
            both("CURRENCYCODE", "transactioncurrencyid", .currency),
            toCRM("CURRENCYCODE", "msdyn_isocurrencycode", nil),
            both("INVOICECUSTOMERACCOUNTNUMBER", "msdyn_invoicecustomerid", customer),
            both("PAYMENTTERMSNAME", "msdyn_paymentterms", .paymentTerm),
            both("PRICECUSTOMERGROUPCODE", "msdyn_pricecustomergroup", priceGroup),
            both("DEFAULTSHIPPINGSITEID", "msdyn_defaultshippingsite", site),
            both("DEFAULTSHIPPINGWAREHOUSEID", "msdyn_defaultshippingwarehouse", warehouse),
            // Contacts for party run after customers and their company column has another name, so no lookup here.
            both("CONTACTPERSONID", "msdyn_associatedcontact", nil),
            StandardFields.yesNo("AREPRICESINCLUDINGSALESTAX", "msdyn_arepricesincludingsalestax"),
            StandardFields.yesNo("ISDELIVERYADDRESSORDERSPECIFIC", "msdyn_isdeliveryaddressorderspecific"),
            StandardFields.yesNo("ISDELIVERYADDRESSPRIVATE", "msdyn_isdeliveryaddressprivate"),
            StandardFields.options("LANGUAGEID", "msdyn_language", .language),
            StandardFields.options("SALESORDERPROMISINGMETHOD", "msdyn_salesorderpromisingmethod", promising),
            both("REQUESTEDSHIPPINGDATE", "requestdeliveryby", nil),
            both("CUSTOMERREQUISITIONNUMBER", "msdyn_customerrequisitionnumber", nil),
            both("EMAIL", "emailaddress", nil),
            both("URL", "msdyn_url", nil),
            toCRM("FORMATTEDDELIVERYADDRESS", "msdyn_formatteddeliveryaddress", nil),
            // SCM calculates the totals, discount, tax and charges, so they flow ERP to CRM only (A.0).
            money("TOTALDISCOUNTAMOUNT", "discountamount", .erpToCrm),
            // Only item-based orders and quotes are F&O's: the CRM-to-ERP filter selects them.
            StandardFields.constantToCRM("msdyn_ordertype", .integer(192_350_000)),
        ] + deliveryAddress + invoiceAddress

    // MARK: Line quantities

    /// The unit conversion tables of one side, as the unit-conversion transform reads them.
    static func conversions(_ side: SQLiteTable.Side) -> [String: JSONValue] {
        let erp = side == .erp
        let columns: [String: String] = [
            "from": erp ? "FROMUNITSYMBOL" : "msdyn_fromunit", "to": erp ? "TOUNITSYMBOL" : "msdyn_tounit",
            "factor": erp ? "FACTOR" : "msdyn_factor", "numerator": erp ? "NUMERATOR" : "msdyn_numerator",
            "denominator": erp ? "DENOMINATOR" : "msdyn_denominator",
            "inneroffset": erp ? "INNEROFFSET" : "msdyn_inneroffset",
            "outeroffset": erp ? "OUTEROFFSET" : "msdyn_outeroffset", "rounding": erp ? "ROUNDING" : "msdyn_rounding",
        ]
        var product = columns
        product["product"] = erp ? "PRODUCTNUMBER" : "msdyn_globalproduct"
        return [
            "conversions": .object([
                "$rows": .object([
                    "table": .string(erp ? "UnitOfMeasureConversionEntity" : "msdyn_unitofmeasureconversion"),
                    "columns": .object(columns.mapValues(JSONValue.string)),
                ])
            ]),
            "product_conversions": .object([
                "$rows": .object([
                    "table": .string(
                        erp
                            ? "EcoResProductSpecificUnitConversionEntity"
                            : "msdyn_productspecificunitofmeasureconversion"),
                    "columns": .object(product.mapValues(JSONValue.string)),
                ])
            ]),
        ]
    }

    /// A line's quantity in the inventory unit, computed on each side from
    /// the other side's sales quantity: the line carries its quantity in the
    /// sales unit both ways (`ORDEREDSALESQUANTITY` ↔ `quantity`, `SALESUNITSYMBOL`
    /// ↔ `uomid`), and F&O keeps the inventory quantity beside it, converted
    /// by the product's own conversion, else the general one, exactly. Each
    /// direction converts with the source side's tables (both are synced).
    static func inventoryQuantity(
        erpQuantity: String, crmQuantity: String, directions: [FieldDirection] = [.erpToCrm, .crmToErp]
    ) -> [FieldMap] {
        directions.map { direction in
            let toCRM = direction == .erpToCrm
            let target = toCRM ? "msdyn_inventoryquantity" : "ORDEREDINVENTORYQUANTITY"
            let config = conversions(toCRM ? .erp : .crm).merging([
                "scale": .integer(10), "name": .string(target),
            ]) { $1 }
            let erpColumns = [erpQuantity, "SALESUNITSYMBOL", "INVENTORYUNITSYMBOL", "PRODUCTNUMBER"]
            let crmColumns = [crmQuantity, "uomid", "msdyn_inventoryunit", "productid"]
            return FieldMap(
                erp: toCRM ? .many(erpColumns) : .one(target), crm: toCRM ? .one(target) : .many(crmColumns),
                direction: direction,
                transform: TransformReference(name: "tandem.std.unit-conversion", config: .object(config)))
        }
    }

    /// Product, units and quantities of a quotation or order line (#214, #216).
    static func lineQuantities(_ quantity: String) -> [FieldMap] {
        [
            both("PRODUCTNUMBER", "productid", product),
            both("SALESUNITSYMBOL", "uomid", .unit),
            both("INVENTORYUNITSYMBOL", "msdyn_inventoryunit", .unit),
            both(quantity, "quantity", nil),
        ] + inventoryQuantity(erpQuantity: quantity, crmQuantity: "quantity")
    }

    /// Prices, discounts and charges of a quotation or order line. The full
    /// line discount (`manualdiscountamount`) is F&O's `TOTALDISCOUNTAMOUNT`;
    /// F&O splits it per unit into the line discount and puts the rounding
    /// into the charges (A.0), and those come back as they are.
    static let linePricing: [FieldMap] = [
        money("SALESPRICE", "priceperunit"),
        money("TOTALDISCOUNTAMOUNT", "manualdiscountamount"),
        money("LINEDISCOUNTAMOUNT", "msdyn_linediscountamount"),
        both("LINEDISCOUNTPERCENTAGE", "msdyn_linediscountpercentage", nil),
        money("MULTILINEDISCOUNTAMOUNT", "msdyn_multilinediscountamount"),
        both("MULTILINEDISCOUNTPERCENTAGE", "msdyn_multilinediscountpercentage", nil),
        money("FIXEDPRICECHARGES", "msdyn_fixedpricecharges"),
        both("SALESPRICEQUANTITY", "msdyn_salespricequantity", nil),
        money("LINEAMOUNT", "baseamount", .erpToCrm),
        money("LINEAMOUNT", "extendedamount", .erpToCrm),
        money("TOTALTAXAMOUNT", "tax", .erpToCrm),
        money("TOTALCHARGESAMOUNT", "msdyn_totalchargesamount", .erpToCrm),
        toCRM("CURRENCYCODE", "transactioncurrencyid", .currency),
        both("SHIPPINGSITEID", "msdyn_shippingsite", site),
        both("SHIPPINGWAREHOUSEID", "msdyn_shippingwarehouse", warehouse),
        both("PRODUCTNAME", "description", nil),
        both("EXTERNALITEMNUMBER", "msdyn_externalitemnumber", nil),
        both("ALLOWEDOVERDELIVERYPERCENTAGE", "msdyn_allowedoverdeliverypercentage", nil),
        both("ALLOWEDUNDERDELIVERYPERCENTAGE", "msdyn_allowedunderdeliverypercentage", nil),
        both("REQUESTEDRECEIPTDATE", "msdyn_requestedreceiptdate", nil),
        both("REQUESTEDSHIPPINGDATE", "requestdeliveryby", nil),
        both("FORMATTEDDELIVERYADDRESS", "msdyn_formatteddeliveryaddress", nil),
        StandardFields.yesNo("ISDELIVERYADDRESSORDERSPECIFIC", "msdyn_isdeliveryaddressspecific"),
        StandardFields.yesNo("ISDELIVERYADDRESSPRIVATE", "msdyn_isdeliveryaddressprivate"),
        // SCM keeps the price it calculated: Sales must not recalculate it from a price list.
        StandardFields.constantToCRM("ispriceoverridden", .integer(1)),
    ]

    // MARK: Quotations

    /// CDS sales quotation header → quotes (#215): both sides create; only
    /// item-based draft quotes flow from Sales.
    static let quotationHeaders = TableMap(
        id: "sales-quotation-headers", version: "1.0.0",
        description:
            "Sales quotation headers (SalesQuotationHeaderCDSEntity) and quotes, per company; item-based draft quotes flow CRM to ERP",
        erp: TableReference(table: "SalesQuotationHeaderCDSEntity", key: ["DATAAREAID", "SALESQUOTATIONNUMBER"]),
        crm: TableReference(table: "quote", key: ["msdyn_company", "msdyn_quotenumber"]),
        fields: [
            both("SALESQUOTATIONNUMBER", "msdyn_quotenumber", nil),
            both("REQUESTINGCUSTOMERACCOUNTNUMBER", "customerid", customer),
            both("SALESQUOTATIONNAME", "name", nil),
            both("CUSTOMERSREFERENCE", "msdyn_customersreference", nil),
            StandardFields.options("SALESQUOTATIONSTATUS", "msdyn_salesquotationstatus", quotationStatus),
            both("RECEIPTDATEREQUESTED", "msdyn_requestedreceiptdate", nil),
            both("SALESQUOTATIONCONFIRMATIONDATE", "msdyn_salesquotationconfirmationdate", nil),
            both("SALESQUOTATIONEXPIRYDATE", "msdyn_salesquotationexpirydate", nil),
            both("SALESQUOTATIONFOLLOWUPDATE", "msdyn_salesquotationfollowupdate", nil),
            both("TOTALDISCOUNTPERCENTAGE", "msdyn_totaldiscountpercentage", nil),
            // The order made from the quote: a plain column, since the order may be synced after the quote.
            both("GENERATEDSALESORDERNUMBER", "msdyn_generatedsalesordernumber", nil),
            both("OPERATINGUNITPARTYNUMBER", "msdyn_operatingunit", nil),
            money("QUOTATIONTOTALAMOUNT", "totalamount", .erpToCrm),
            money("QUOTATIONTOTALTAXAMOUNT", "totaltax", .erpToCrm),
            money("QUOTATIONTOTALCHARGESAMOUNT", "freightamount", .erpToCrm),
            toCRM("INVOICEADDRESSCOUNTRYREGIONID", "msdyn_invoiceaddresscountryregionid", nil),
        ] + headerCommon,
        filters: Filters(crmToErp: "msdyn_ordertype = 192350000 AND statecode = 0"),
        dependsOn: headerParents,
        conflictPolicy: .erpWins)

    /// The maps a quotation or order header looks up.
    static let headerParents = [
        "companies", "currencies", "payment-terms", "customers-accounts", "price-customer-groups", "sites",
        "warehouses",
    ]

    /// CDS sales quotation lines → quotedetails (#214), after their header.
    static let quotationLines = TableMap(
        id: "sales-quotation-lines", version: "1.0.0",
        description:
            "Sales quotation lines (SalesQuotationLineCDSEntity) and quote products, keyed by company, quotation and line sequence; the quantity also in the inventory unit",
        erp: TableReference(
            table: "SalesQuotationLineCDSEntity",
            key: ["DATAAREAID", "SALESQUOTATIONNUMBER", "LINECREATIONSEQUENCENUMBER"]),
        crm: TableReference(table: "quotedetail", key: ["msdyn_company", "quoteid", "sequencenumber"]),
        fields: [
            StandardFields.company,
            both(
                "SALESQUOTATIONNUMBER", "quoteid",
                Lookup(map: "sales-quotation-headers", erp: "SALESQUOTATIONNUMBER", crm: "msdyn_quotenumber")),
            both("LINECREATIONSEQUENCENUMBER", "sequencenumber", nil),
            both("LINEDESCRIPTION", "msdyn_linedescription2", nil),
            StandardFields.options("SALESQUOTATIONSTATUS", "msdyn_salesquotationstatus", quotationStatus),
            StandardFields.options(
                "SALESQUOTATIONPROMISINGMETHOD", "msdyn_salesquotationpromisingmethod", promising),
        ] + lineQuantities("REQUESTEDSALESQUANTITY") + linePricing + deliveryAddress,
        dependsOn: lineParents + ["sales-quotation-headers"],
        conflictPolicy: .erpWins)

    /// The maps a quotation, order or invoice line looks up.
    static let lineParents = [
        "companies", "currencies", "units", "unit-conversions", "products", "product-unit-conversions", "sites",
        "warehouses",
    ]

    // MARK: Orders

    /// CDS sales order headers → salesorders (#217): both sides create; only item-based orders flow from Sales.
    static let orderHeaders = TableMap(
        id: "sales-order-headers", version: "1.0.0",
        description:
            "Sales order headers (SalesOrderHeaderCDSEntity) and orders, per company; item-based orders flow CRM to ERP; the processing status both ways",
        erp: TableReference(table: "SalesOrderHeaderCDSEntity", key: ["DATAAREAID", "SALESORDERNUMBER"]),
        crm: TableReference(table: "salesorder", key: ["msdyn_company", "msdyn_salesordernumber"]),
        fields: [
            both("SALESORDERNUMBER", "msdyn_salesordernumber", nil),
            both("ORDERINGCUSTOMERACCOUNTNUMBER", "customerid", customer),
            toCRM("SALESORDERNAME", "name", nil),
            both("CUSTOMERSORDERREFERENCE", "msdyn_customersorderreference", nil),
            StandardFields.options("SALESORDERPROCESSINGSTATUS", "msdyn_processingstatus", processingStatus),
            both("CONFIRMEDRECEIPTDATE", "msdyn_confirmedreceiptdate", nil),
            both("CONFIRMEDSHIPPINGDATE", "msdyn_confirmedshippingdate", nil),
            both("REQUESTEDRECEIPTDATE", "msdyn_requestedreceiptdate", nil),
            StandardFields.yesNo("ISONETIMECUSTOMER", "msdyn_isonetimecustomer"),
            StandardFields.yesNo("ISSALESPROCESSINGSTOPPED", "msdyn_issalesprocessingstopped"),
            both("PAYMENTTERMSBASEDATE", "msdyn_paymenttermsbasedate", nil),
            // The quotation the order came from: a plain column, as on the quote.
            both("QUOTATIONNUMBER", "msdyn_quotationnumber", nil),
            both("DELIVERYMODECODE", "msdyn_deliverymode", deliveryMode),
            both("DELIVERYTERMSCODE", "msdyn_deliveryterms", deliveryTerms),
            both("SALESORDERORIGINCODE", "msdyn_salesorderorigin", origin),
            money("ORDERTOTALAMOUNT", "totalamount", .erpToCrm),
            money("ORDERTOTALTAXAMOUNT", "totaltax", .erpToCrm),
            money("ORDERTOTALCHARGESAMOUNT", "freightamount", .erpToCrm),
        ] + headerCommon,
        filters: Filters(crmToErp: "msdyn_ordertype = 192350000"),
        dependsOn: headerParents + ["modes-of-delivery", "terms-of-delivery", "sales-order-origins"],
        conflictPolicy: .erpWins)

    /// CDS sales order lines → salesorderdetails (#216), after their header.
    static let orderLines = TableMap(
        id: "sales-order-lines", version: "1.0.0",
        description:
            "Sales order lines (SalesOrderLineCDSEntity) and order products, keyed by company, order and line sequence; the line status one way ERP to CRM",
        erp: TableReference(
            table: "SalesOrderLineCDSEntity", key: ["DATAAREAID", "SALESORDERNUMBER", "LINECREATIONSEQUENCENUMBER"]),
        crm: TableReference(table: "salesorderdetail", key: ["msdyn_company", "salesorderid", "sequencenumber"]),
        fields: [
            StandardFields.company,
            both(
                "SALESORDERNUMBER", "salesorderid",
                Lookup(map: "sales-order-headers", erp: "SALESORDERNUMBER", crm: "msdyn_salesordernumber")),
            both("LINECREATIONSEQUENCENUMBER", "sequencenumber", nil),
            both("LINEDESCRIPTION", "msdyn_linedescription", nil),
            StandardFields.options("SALESORDERLINESTATUS", "msdyn_linestatus", lineStatus, .erpToCrm),
            StandardFields.options("SALESORDERPROMISINGMETHOD", "msdyn_salesorderpromisingmethod", promising),
            StandardFields.yesNo("ISLINESTOPPED", "msdyn_islinestopped"),
            both("CONFIRMEDSHIPPINGDATE", "msdyn_confirmedshippingdate", nil),
            both("CONFIRMEDRECEIPTDATE", "msdyn_confirmedreceiptdate", nil),
            both("DELIVERYMODECODE", "msdyn_deliverymode", deliveryMode),
            both("DELIVERYTERMSID", "msdyn_deliveryterms", deliveryTerms),
        ] + lineQuantities("ORDEREDSALESQUANTITY") + linePricing + deliveryAddress,
        dependsOn: lineParents + ["modes-of-delivery", "terms-of-delivery", "sales-order-headers"],
        conflictPolicy: .erpWins)

    // MARK: Invoices

    /// Sales invoice headers V2 → invoices (#118): F&O creates invoices, so every field is `->`.
    static let invoiceHeaders = TableMap(
        id: "sales-invoice-headers", version: "1.0.0",
        description:
            "Sales invoice headers (SalesInvoiceHeaderV2Entity) to invoices, one way ERP to CRM, per company; free-text invoices (no sales order) stay in F&O",
        erp: TableReference(table: "SalesInvoiceHeaderV2Entity", key: ["DATAAREAID", "INVOICENUMBER"]),
        crm: TableReference(table: "invoice", key: ["msdyn_company", "msdyn_invoicenumber"]),
        fields: [
            toCRM("DATAAREAID", "msdyn_company", .company),
            toCRM("INVOICENUMBER", "msdyn_invoicenumber", nil),
            toCRM(
                "SALESORDERNUMBER", "salesorderid",
                Lookup(map: "sales-order-headers", erp: "SALESORDERNUMBER", crm: "msdyn_salesordernumber")),
            toCRM("INVOICECUSTOMERACCOUNTNUMBER", "customerid", customer),
            toCRM("CURRENCYCODE", "transactioncurrencyid", .currency),
            toCRM("PAYMENTTERMSNAME", "msdyn_paymentterms", .paymentTerm),
            toCRM("CONTACTPERSONID", "msdyn_associatedcontact", nil),
            toCRM("CUSTOMERSORDERREFERENCE", "description", nil),
            toCRM("INVOICEADDRESSCITY", "billto_city", nil),
            toCRM("INVOICEADDRESSCOUNTRYREGIONISOCODE", "billto_country", nil),
            toCRM("INVOICEADDRESSSTATE", "billto_stateorprovince", nil),
            toCRM("INVOICEADDRESSSTREET", "billto_line1", nil),
            toCRM("INVOICEADDRESSSTREETNUMBER", "billto_line2", nil),
            toCRM("INVOICEADDRESSZIPCODE", "billto_postalcode", nil),
            toCRM("INVOICEDATE", "msdyn_invoicedate", nil),
            toCRM("LEDGERVOUCHER", "msdyn_ledgervoucher", nil),
            money("TOTALCHARGEAMOUNT", "freightamount", .erpToCrm),
            money("TOTALDISCOUNTAMOUNT", "msdyn_totaldiscountamount", .erpToCrm),
            // The reference maps the total discount customer group code to discountamount, a money column: a
            // documentation error. The group code goes to a text column of its own, the amount to the amount.
            toCRM("TOTALDISCOUNTCUSTOMERGROUPCODE", "msdyn_totaldiscountcustomergroupcode", nil),
            money("TOTALDISCOUNTAMOUNT", "discountamount", .erpToCrm),
            money("TOTALINVOICEAMOUNT", "msdyn_totalamount", .erpToCrm),
            money("TOTALTAXAMOUNT", "msdyn_totaltax", .erpToCrm),
            StandardFields.constantToCRM("ispricelocked", .integer(0)),
            StandardFields.constantToCRM("statuscode", .integer(4)),
            StandardFields.constantToCRM("msdyn_ordertype", .integer(192_350_000)),
        ],
        filters: Filters(erpToCrm: "SALESORDERNUMBER IS NOT NULL AND SALESORDERNUMBER <> ''"),
        dependsOn: ["companies", "currencies", "payment-terms", "customers-accounts", "sales-order-headers"],
        conflictPolicy: .erpWins)

    /// Sales invoice lines V2 → invoicedetails (#117): one way, after their header.
    static let invoiceLines = TableMap(
        id: "sales-invoice-lines", version: "1.0.0",
        description:
            "Sales invoice lines (SalesInvoiceLineV2Entity) to invoice products, one way ERP to CRM, keyed by company, invoice and line sequence",
        erp: TableReference(
            table: "SalesInvoiceLineV2Entity", key: ["DATAAREAID", "INVOICENUMBER", "LINECREATIONSEQUENCENUMBER"]),
        crm: TableReference(table: "invoicedetail", key: ["msdyn_company", "invoiceid", "sequencenumber"]),
        fields: [
            toCRM("DATAAREAID", "msdyn_company", .company),
            toCRM(
                "INVOICENUMBER", "invoiceid",
                Lookup(map: "sales-invoice-headers", erp: "INVOICENUMBER", crm: "msdyn_invoicenumber")),
            toCRM("LINECREATIONSEQUENCENUMBER", "sequencenumber", nil),
            toCRM("PRODUCTNUMBER", "productid", product),
            toCRM("PRODUCTNAME", "description", nil),
            toCRM("SALESUNITSYMBOL", "uomid", .unit),
            toCRM("INVENTORYUNITSYMBOL", "msdyn_inventoryunit", .unit),
            toCRM("INVOICEDQUANTITY", "quantity", nil),
            toCRM("CONFIRMEDSHIPPINGDATE", "msdyn_confirmedshippingdate", nil),
            toCRM("CURRENCYCODE", "transactioncurrencyid", .currency),
            toCRM("INVENTORYSITEID", "msdyn_inventorysite", site),
            toCRM("INVENTORYWAREHOUSEID", "msdyn_inventorywarehouse", warehouse),
            money("LINEAMOUNT", "extendedamount", .erpToCrm),
            money("LINETOTALCHARGEAMOUNT", "msdyn_totalchargeamount", .erpToCrm),
            money("LINETOTALDISCOUNTAMOUNT", "manualdiscountamount", .erpToCrm),
            money("LINETOTALTAXAMOUNT", "tax", .erpToCrm),
            money("SALESPRICE", "priceperunit", .erpToCrm),
            StandardFields.constantToCRM("producttypecode", .integer(1)),
            StandardFields.constantToCRM("propertyconfigurationstatus", .integer(2)),
            StandardFields.constantToCRM("ispriceoverridden", .integer(1)),
        ] + inventoryQuantity(erpQuantity: "INVOICEDQUANTITY", crmQuantity: "quantity", directions: [.erpToCrm]),
        dependsOn: lineParents + ["sales-invoice-headers"],
        conflictPolicy: .erpWins)

    // MARK: Reference data

    /// Sites → msdyn_operationalsites (#156).
    static let sites = TableMap(
        id: "sites", version: "1.0.0",
        description: "Operational sites (InventOperationalSiteEntity), per company",
        erp: TableReference(table: "InventOperationalSiteEntity", key: ["DATAAREAID", "SITEID"]),
        crm: TableReference(table: "msdyn_operationalsite", key: ["msdyn_company", "msdyn_siteid"]),
        fields: [StandardFields.company]
            + StandardFields.copies([
                "SITEID": "msdyn_siteid", "SITENAME": "msdyn_sitename",
                "DEFAULTFINANCIALDIMENSIONVALUE": "msdyn_defaultfinancialdimensionvalue",
                "DEFAULTINVENTORYSTATUSID": "msdyn_defaultinventorystatusid", "TAXBRANCHCODE": "msdyn_taxbranchcode",
                "FISCALESTABLISHMENTID": "msdyn_fiscalestablishmentid",
                "PRIMARYADDRESSCITY": "msdyn_primaryaddresscity",
                "PRIMARYADDRESSCOUNTRYREGIONID": "msdyn_primaryaddresscountryregionid",
                "PRIMARYADDRESSSTATEID": "msdyn_primaryaddressstateid",
                "PRIMARYADDRESSSTREET": "msdyn_primaryaddressstreet",
                "PRIMARYADDRESSZIPCODE": "msdyn_primaryaddresszipcode",
                "FORMATTEDPRIMARYADDRESS": "msdyn_formattedprimaryaddress",
                "PRIMARYADDRESSCOUNTYID": "msdyn_primaryaddresscountyid",
                "PRIMARYADDRESSDISTRICTNAME": "msdyn_primaryaddressdistrictname",
                "PRIMARYADDRESSLATITUDE": "msdyn_primaryaddresslatitude",
                "PRIMARYADDRESSLONGITUDE": "msdyn_primaryaddresslongitude",
                "PRIMARYADDRESSLOCATIONROLES": "msdyn_primaryaddresslocationrole",
                "PRIMARYADDRESSLOCATIONSALESTAXGROUPCODE": "msdyn_primaryaddresslocationsalestaxgroupcode",
                "PRIMARYADDRESSBUILDINGCOMPLIMENT": "msdyn_primaryaddressbuildingcompliment",
                "PRIMARYADDRESSCITYINKANA": "msdyn_primaryaddresscityinkana",
                "PRIMARYADDRESSSTREETINKANA": "msdyn_primaryaddressstreetinkana",
                "PRIMARYADDRESSDESCRIPTION": "msdyn_primaryaddressdescription",
                "PRIMARYADDRESSPOSTBOX": "msdyn_primaryaddresspostbox",
                "PRIMARYADDRESSSTREETNUMBER": "msdyn_primaryaddressstreetnumber",
            ])
            + StandardFields.flags([
                "ISRECEIVINGWAREHOUSEOVERRIDEALLOWED": "msdyn_isreceivingwarehouseoverrideallowed",
                "ISPRIMARYADDRESSASSIGNED": "msdyn_isprimaryaddressassigned",
                "WILLMASTERPLANNEDINTRASITEMOVEMENTSUSETRANSFERJOURNALS": "msdyn_masterplannedusestransferjournal",
            ]),
        dependsOn: ["companies"])

    /// Warehouses → msdyn_warehouses (#204); the warehouse id is also the CRM name, one way.
    static let warehouses = TableMap(
        id: "warehouses", version: "1.0.0",
        description: "Warehouses (InventWarehouseEntity), per company, each at a site",
        erp: TableReference(table: "InventWarehouseEntity", key: ["DATAAREAID", "WAREHOUSEID"]),
        crm: TableReference(table: "msdyn_warehouse", key: ["msdyn_company", "msdyn_warehouseidentifier"]),
        fields: [
            StandardFields.company,
            both("WAREHOUSEID", "msdyn_warehouseidentifier", nil),
            toCRM("WAREHOUSEID", "msdyn_name", nil),
            both("WAREHOUSENAME", "msdyn_description", nil),
            both("OPERATIONALSITEID", "msdyn_operationalsite", site),
            StandardFields.options("WAREHOUSETYPE", "msdyn_warehousetype", warehouseType),
            StandardFields.options(
                "WAREHOUSERELEASERESERVATIONREQUIREMENTRULE", "msdyn_warehousereleasereservationrequirement",
                releaseReservationRequirement),
            StandardFields.options(
                "INVENTORYSTATUSCHANGERESERVATIONREMOVALLEVEL", "msdyn_inventorystatuschangereservationremoval",
                statusChangeReservationRemoval),
            // Other warehouses of the same company: plain columns, so a warehouse never waits for its neighbours.
            both("MAINREFILLINGWAREHOUSEID", "msdyn_mainrefillingwarehouse", nil),
            both("QUARANTINEWAREHOUSEID", "msdyn_quarantinewarehouse", nil),
            both("TRANSITWAREHOUSEID", "msdyn_transitwarehouse", nil),
            both("MAXIMUMBATCHPICKINGLISTQUANTITY", "msdyn_maximumbatchpickinglistquantity", nil),
            both("MAXIMUMPICKINGLISTLINEQUANTITY", "msdyn_maximumpickinglistlinequantity", nil),
            both("PRIMARYADDRESSCITY", "msdyn_primaryaddresscity", nil),
            both("PRIMARYADDRESSCOUNTRYREGIONID", "msdyn_primaryaddresscountryregionid", nil),
            both("PRIMARYADDRESSSTREET", "msdyn_primaryaddressstreet", nil),
            both("PRIMARYADDRESSZIPCODE", "msdyn_primaryaddresszipcode", nil),
            both("FORMATTEDPRIMARYADDRESS", "msdyn_formattedprimaryaddress", nil),
            StandardFields.options(
                "AUTOUPDATESHIPMENTRULE", "msdyn_autoupdateshipmentrule",
                OptionValues(["Always": 0, "OnQuantityDecrease": 1])),
            StandardFields.options(
                "RAWMATERIALPICKINGINVENTORYISSUESTATUS", "msdyn_rawmaterialpickinginventoryissuestatus",
                OptionValues(["Pick": 0, "Reserve": 1])),
        ]
            + StandardFields.copies([
                "DEFAULTCONTAINERTYPEID": "msdyn_defaultcontainertypeid",
                "PRIMARYADDRESSBUILDINGCOMPLIMENT": "msdyn_primaryaddressbuildingcompliment",
                "PRIMARYADDRESSPOSTBOX": "msdyn_primaryaddresspostbox",
                "PRIMARYADDRESSSTREETNUMBER": "msdyn_primaryaddressstreetnumber",
                "INVENTORYCOUNTINGREASONCODEPOLICYNAME": "msdyn_inventorycountingreasoncodepolicyname",
                "EXTERNALLYLOCATEDWAREHOUSEVENDORACCOUNTNUMBER": "msdyn_externallylocatedwarehousevendoraccountnu",
                "WAREHOUSEWORKPROCESSINGPOLICYNAME": "msdyn_warehouseworkprocessingpolicyname",
                // F&O's own misspelling of the column is kept, as the reference gives it.
                "MASTERPLANNINGWORKCALENDARDID": "msdyn_masterplanningworkcalendarid",
                "RETAILSTOREQUANTITYALLOCATIONREPLENISMENTRULEWEIGHT": "msdyn_storeqtyallocationreplenishmentweight",
                "WAREHOUSELOCATIONIDBINIDFORMAT": "msdyn_warehouselocationidbinidformat",
                "WAREHOUSELOCATIONIDRACKIDFORMAT": "msdyn_warehouselocationidrackidformat",
                "WAREHOUSELOCATIONIDSHELFIDFORMAT": "msdyn_warehouselocationidshelfidformat",
                "WAREHOUSESPECIFICDEFAULTINVENTORYSTATUSID": "msdyn_warehousespecificdefaultinventorystatusid",
                "PRIMARYADDRESSCOUNTYID": "msdyn_primaryaddresscountyid",
                "PRIMARYADDRESSDISTRICTNAME": "msdyn_primaryaddressdistrictname",
                "PRIMARYADDRESSLATITUDE": "msdyn_primaryaddresslatitude",
                "PRIMARYADDRESSLONGITUDE": "msdyn_primaryaddresslongitude",
                "PRIMARYADDRESSLOCATIONROLES": "msdyn_primaryaddresslocationroles",
                "PRIMARYADDRESSLOCATIONSALESTAXGROUPCODE": "msdyn_primaryaddresslocationsalestaxgroupcode",
                "PRIMARYADDRESSSTATEID": "msdyn_primaryaddressstateid",
                "EXTERNALLYLOCATEDWAREHOUSECUSTOMERACCOUNTNUMBER": "msdyn_externallylocatedwarehousecustomeraccount",
                "PRIMARYADDRESSCITYINKANA": "msdyn_primaryaddresscityinkana",
                "PRIMARYADDRESSSTREETINKANA": "msdyn_primaryaddressstreetinkana",
                "PRIMARYADDRESSDESCRIPTION": "msdyn_primaryaddressdescription",
            ])
            // VM-bool: F&O NoYes to a Dataverse boolean, as VM-BOOL.
            + StandardFields.flags([
                "ISRETAILSTOREWAREHOUSE": "msdyn_isretailstorewarehouse",
                "AREADVANCEDWAREHOUSEMANAGEMENTPROCESSESENABLED": "msdyn_useadvancedwarehousemanagementprocesses",
                "ISPRIMARYADDRESSASSIGNED": "msdyn_isprimaryaddressassigned",
                "AREITEMSCOVERAGEPLANNEDMANUALLY": "msdyn_areitemscoverageplannedmanually",
                "ARELABORSTANDARDSALLOWED": "msdyn_arelaborstandardsallowed",
                "AREWAREHOUSELOCATIONCHECKDIGITSUNIQUE": "msdyn_arewarehouselocationcheckdigitsunique",
                "ISFALLBACKWAREHOUSE": "msdyn_isfallbackwarehouse",
                "ISFINANCIALNEGATIVERETAILSTOREINVENTORYALLOWED": "msdyn_financialnegativestoreinventoryallowed",
                "ISPALLETMOVEMENTDURINGCYCLECOUNTINGALLOWED": "msdyn_palletmovementduringcyclecountingallowed",
                "ISPHYSICALNEGATIVERETAILSTOREINVENTORYALLOWED": "msdyn_physicalnegativestoreinventoryallowed",
                "ISREFILLEDFROMMAINWAREHOUSE": "msdyn_isrefilledfrommainwarehouse",
                "SHOULDWAREHOUSELOCATIONIDINCLUDEAISLEID": "msdyn_shouldwarehouselocationincludeaisleid",
                "AREPICKINGLISTSDELIVERYMODESPECIFIC": "msdyn_arepickinglistsdeliverymodespecific",
                "AREPICKINGLISTSSHIPMENTSPECIFICONLY": "msdyn_arepickinglistshipmentspecificonly",
                "ISBILLOFLADINGPRINTINGBEFORESHIPMENTCONFIRMATIONENABLED":
                    "msdyn_printbillofladingbeforeshipconfirmation",
                "WILLAUTOMATICLOADRELEASERESERVEINVENTORY": "msdyn_willautomaticloadreleaseinventory",
                "WILLINVENTORYSTATUSCHANGEREMOVEBLOCKING": "msdyn_willinventorystatuschangeremoveblocking",
                "WILLMANUALLOADRELEASERESERVEINVENTORY": "msdyn_willmanualloadreleasereserveinventory",
                "WILLORDERRELEASINGCONSOLIDATESHIPMENTS": "msdyn_willorderreleasingconsolidateshipments",
                "WILLPRODUCTIONBOMSRESERVEWAREHOUSELEVELONLY": "msdyn_productionbomsreservewarehouselevel",
                "WILLSHIPPINGCANCELLATIONDECREMENTLOADQUANITY": "msdyn_shippingcanceldecrementloadquantity",
                "WILLWAREHOUSELOCATIONIDINCLUDEBINIDBYDEFAULT": "msdyn_warehouselocationidincludeblindid",
                "WILLWAREHOUSELOCATIONIDINCLUDERACKIDBYDEFAULT": "msdyn_warehouselocationincluderackidbydefault",
                "WILLWAREHOUSELOCATIONIDINCLUDESHELFIDBYDEFAULT": "msdyn_warehouselocationidincludeshelfid",
            ]),
        dependsOn: ["companies", "sites"])

    /// Terms of delivery → msdyn_termsofdeliveries (#198).
    static let termsOfDelivery = TableMap(
        id: "terms-of-delivery", version: "1.0.0",
        description: "Terms of delivery (DlvTermEntity), per company",
        erp: TableReference(table: "DlvTermEntity", key: ["DATAAREAID", "TERMSCODE"]),
        crm: TableReference(table: "msdyn_termsofdelivery", key: ["msdyn_company", "msdyn_termscode"]),
        fields: [
            StandardFields.company,
            both("TERMSCODE", "msdyn_termscode", nil),
            both("TERMSDESCRIPTION", "msdyn_termsdescription", nil),
            both("INTRASTATCODE", "msdyn_intrastatcode", nil),
            StandardFields.options("SALESTAXLOCATIONROLE", "msdyn_salestaxlocationrole", salesTaxLocationRole),
            StandardFields.options("FREIGHTCHARGETERMS", "msdyn_freightchargeterms", freightChargeTerms),
        ]
            + StandardFields.flags([
                "DORETAILSALESORDERSGETTRANSPORTATIONCHARGESADDED": "msdyn_doretailsogettransportationchargesadded",
                "ISCASHONDELIVERY": "msdyn_iscashondelivery",
                "WILLSHIPMENTCONFIRMATIONTRANSFERCHARGES": "msdyn_willshipmentconfirmationtransfercharges",
            ]),
        dependsOn: ["companies"])

    /// A per-company code table with its description, copied both ways:
    /// the shape of several reference maps of the scenario.
    static func companyCodes(
        _ id: String, _ description: String, erp: String, code: String, name: String, crm: String, crmCode: String,
        crmName: String
    ) -> TableMap {
        TableMap(
            id: id, version: "1.0.0", description: description,
            erp: TableReference(table: erp, key: ["DATAAREAID", code]),
            crm: TableReference(table: crm, key: ["msdyn_company", crmCode]),
            fields: [StandardFields.company] + StandardFields.copies([code: crmCode, name: crmName]),
            dependsOn: ["companies"])
    }

    /// Modes of delivery → msdyn_shipvias (#192).
    static let modesOfDelivery = companyCodes(
        "modes-of-delivery", "Modes of delivery (DlvModeEntity) to ship-vias, per company",
        erp: "DlvModeEntity", code: "MODECODE", name: "MODEDESCRIPTION",
        crm: "msdyn_shipvia", crmCode: "msdyn_name", crmName: "msdyn_description")

    /// Price customer groups → msdyn_pricecustomergroups (#162).
    static let priceCustomerGroups = companyCodes(
        "price-customer-groups", "Price customer groups (PriceCustomerGroupEntity), per company",
        erp: "PriceCustomerGroupEntity", code: "GROUPCODE", name: "GROUPNAME",
        crm: "msdyn_pricecustomergroup", crmCode: "msdyn_groupcode", crmName: "msdyn_groupname")

    /// Sales order origin codes → msdyn_salesorderorigins (#186).
    static let orderOrigins = companyCodes(
        "sales-order-origins", "Sales order origin codes (SalesOrderOriginEntity), per company",
        erp: "SalesOrderOriginEntity", code: "ORIGINCODE", name: "ORIGINDESCRIPTION",
        crm: "msdyn_salesorderorigin", crmCode: "msdyn_origincode", crmName: "msdyn_origindescription")

    /// Default order settings → msdyn_productdefaultordersettings (#172):
    /// the default sites and warehouses that fill a new line's mandatory site and warehouse.
    static let defaultOrderSettings = TableMap(
        id: "default-order-settings", version: "1.0.0",
        description:
            "Default order settings (InventProductDefaultOrderSettingsEntity) per company and item: default sites, warehouses and order quantities",
        erp: TableReference(table: "InventProductDefaultOrderSettingsEntity", key: ["DATAAREAID", "ITEMNUMBER"]),
        crm: TableReference(table: "msdyn_productdefaultordersetting", key: ["msdyn_company", "msdyn_itemnumber"]),
        fields: [
            StandardFields.company,
            // The item number is not the products map's key (the product number is), so it is a plain column.
            both("ITEMNUMBER", "msdyn_itemnumber", nil),
            both("INVENTORYSITEID", "msdyn_inventorysite", site),
            both("INVENTWAREHOUSEID", "msdyn_inventorywarehouse", warehouse),
            both("PROCUREMENTSITEID", "msdyn_procurementsite", site),
            both("PROCUREMENTWAREHOUSEID", "msdyn_procurementwarehouse", warehouse),
            both("SALESSITEID", "msdyn_salessite", site),
            both("SALESWAREHOUSEID", "msdyn_saleswarehouse", warehouse),
            StandardFields.options("INVENTORYORDERPROMISINGMETHOD", "msdyn_inventoryorderpromisingmethod", promising),
            StandardFields.options("SALESORDERPROMISINGMETHOD", "msdyn_salesorderpromisingmethod", promising),
        ]
            + StandardFields.copies([
                "MAXIMUMINVENTORYORDERQUANTITY": "msdyn_maximuminventoryorderquantity",
                "MAXIMUMPROCUREMENTORDERQUANTITY": "msdyn_maximumprocurementorderquantity",
                "MAXIMUMSALESORDERQUANTITY": "msdyn_maximumsalesorderquantity",
                "MINIMUMINVENTORYORDERQUANTITY": "msdyn_minimuminventoryorderquantity",
                "MINIMUMPROCUREMENTORDERQUANTITY": "msdyn_minimumprocurementorderquantity",
                "MINIMUMSALESORDERQUANTITY": "msdyn_minimumsalesorderquantity",
                "STANDARDINVENTORYORDERQUANTITY": "msdyn_standardinventoryorderquantity",
                "STANDARDPROCUREMENTORDERQUANTITY": "msdyn_standardprocurementorderquantity",
                "STANDARDSALESORDERQUANTITY": "msdyn_standardsalesorderquantity",
                "INVENTORYQUANTITYMULTIPLES": "msdyn_inventoryquantitymultiples",
                "PROCUREMENTQUANTITYMULTIPLES": "msdyn_procurementquantitymultiples",
                "SALESQUANTITYMULTIPLES": "msdyn_salesquantitymultiples",
                "INVENTORYLEADTIMEDAYS": "msdyn_inventoryleadtimedays",
                "PROCUREMENTLEADTIMEDAYS": "msdyn_procurementleadtimedays",
                "SALESLEADTIMEDAYS": "msdyn_salesleadtimedays",
                "SALESATPTIMEFENCEDAYS": "msdyn_salesatptimefencedays",
                "INVENTORYATPTIMEFENCEDAYS": "msdyn_inventoryatptimefencedays",
                "INVENTORYATPDELAYEDDEMANDOFFSETDAYS": "msdyn_inventoryatpdelayeddemandoffsetdays",
                "INVENTORYATPDELAYEDSUPPLYOFFSETDAYS": "msdyn_inventoryatpdelayedsupplyoffsetdays",
                "INVENTORYATPBACKWARDDEMANDTIMEFENCEDAYS": "msdyn_inventoryatpbackwarddemandtimefencedays",
                "INVENTORYATPBACKWARDSUPPLYTIMEFENCEDAYS": "msdyn_inventoryatpbackwardsupplytimefencedays",
                "SALESATPDELAYEDDEMANDOFFSETDAYS": "msdyn_salesatpdelayeddemandoffsetdays",
                "SALESATPDELAYEDSUPPLYOFFSETDAYS": "msdyn_salesatpdelayedsupplyoffsetdays",
                "SALESATPBACKWARDDEMANDTIMEFENCEDAYS": "msdyn_salesatpbackwarddemandtimefencedays",
                "SALESATPBACKWARDSUPPLYTIMEFENCEDAYS": "msdyn_salesatpbackwardsupplytimefencedays",
            ])
            // F&O booleans (not NoYes) on the two ATP rows, `false:False, true:True` in the reference.
            + [
                StandardFields.options(
                    "ISINVENTORYATPINCLUDINGPLANNEDORDERS", "msdyn_isinventoryatpincludingplannedorders",
                    OptionValues(["False": 0, "True": 1])),
                StandardFields.options(
                    "ISSALESATPINCLUDINGPLANNEDORDERS", "msdyn_issalesatpincludingplannedorders",
                    OptionValues(["False": 0, "True": 1])),
            ]
            + StandardFields.flags([
                "ARESALESORDERPROMISINGDEFAULTSOVERRIDDEN": "msdyn_aresalesorderdefaultsoverridden",
                "AREINVENTORYORDERPROMISINGDEFAULTSOVERRIDDEN": "msdyn_areinventoryorderdefaultsoverridden",
                "ISSALESSITEMANDATORY": "msdyn_issalessitemandatory",
                "ISSALESWAREHOUSEMANDATORY": "msdyn_issaleswarehousemandatory",
                "ISSALESPROCESSINGSTOPPED": "msdyn_issalesprocessingstopped",
                "ISSALESLEADTIMEOVERRIDDEN": "msdyn_issalesleadtimeoverridden",
                "ISINVENTORYUSINGWORKINGDAYS": "msdyn_isinventoryusingworkingdays",
                "ISINVENTORYSITEMANDATORY": "msdyn_isinventorysitemandatory",
                "ISINVENTORYPROCESSINGSTOPPED": "msdyn_isinventoryprocessingstopped",
                "ISPROCUREMENTUSINGWORKINGDAYS": "msdyn_isprocurementusingworkingdays",
                "ISPROCUREMENTSITEMANDATORY": "msdyn_isprocurementsitemandatory",
                "ISPROCUREMENTPROCESSINGSTOPPED": "msdyn_isprocurementprocessingstopped",
                "ISINVENTORYWAREHOUSEMANDATORY": "msdyn_isinventorywarehousemandatory",
                "ISPROCUREMENTWAREHOUSEMANDATORY": "msdyn_isprocurementwarehousemandatory",
            ]),
        dependsOn: ["companies", "products", "sites", "warehouses"])

    // MARK: Prospects

    /// Commerce B2B prospects → leads (#180): only B2B prospects, both ways.
    static let prospects = TableMap(
        id: "prospects", version: "1.0.0",
        description:
            "Commerce B2B prospects (RetailProspectEntity) and leads, per company; only B2B prospects on either side",
        erp: TableReference(table: "RetailProspectEntity", key: ["DATAAREAID", "PROSPECTID"]),
        crm: TableReference(table: "lead", key: ["msdyn_company", "msdyn_prospectid"]),
        fields: [
            StandardFields.company,
            both("PROSPECTID", "msdyn_prospectid", nil),
            both("PROSPECTNAME", "fullname", nil),
            both("PROSPECTPARTYNUMBER", "msdyn_partyid", .party),
            both("CURRENCYCODE", "transactioncurrencyid", .currency),
            both("CUSTOMERGROUPID", "msdyn_customergroupid", .customerGroup),
            StandardFields.yesNo("ISB2BPROSPECT", "msdyn_b2bcommerceprospect"),
            StandardFields.options(
                "B2BPROSPECTSTATUS", "msdyn_b2bprospectstatus",
                OptionValues(["Pending": 192_350_000, "Approved": 192_350_001, "Rejected": 192_350_002])),
            // Leads have one address, a business one: F&O gets the role, Dataverse the address type (1, bill to).
            StandardFields.constantToERP("ADDRESSLOCATIONROLES", .string("Business")),
            StandardFields.constantToCRM("address1_addresstypecode", .integer(1)),
        ]
            + StandardFields.copies([
                "PRIMARYPHONENUMBER": "telephone1", "PRIMARYPHONENUMBEREXTENSION": "msdyn_telephone1extension",
                "PRIMARYPHONENUMBERDESCRIPTION": "description", "PRIMARYEMAILADDRESS": "emailaddress1",
                "PRIMARYEMAILADDRESSDESCRIPTION": "msdyn_emailaddress1description", "PRIMARYURL": "websiteurl",
                "PRIMARYURLDESCRIPTION": "msdyn_websiteurldescription", "ADDRESSCITY": "address1_city",
                "ADDRESSCOUNTRYREGIONISOCODE": "address1_country", "ADDRESSCOUNTYID": "address1_county",
                "ADDRESSSTATEID": "address1_stateorprovince", "ADDRESSSTREET": "address1_line1",
                "ADDRESSZIPCODE": "address1_postalcode", "ADDRESSPOSTBOX": "address1_postofficebox",
                "COMPANYNAME": "companyname", "COMPANYSIZE": "numberofemployees",
                "ADDRESSLATITUDE": "address1_latitude",
                "ADDRESSLONGITUDE": "address1_longitude", "SALESTAXGROUPCODE": "msdyn_salestaxgroup",
                "PRIMARYFAXNUMBER": "fax", "PRIMARYFAXNUMBERDESCRIPTION": "msdyn_faxdescription",
                "PRIMARYFAXNUMBEREXTENSION": "msdyn_faxextension",
                "RETAILCHANNELOPERATINGUNITPARTYNUMBER": "msdyn_retailchannel",
            ]),
        filters: Filters(erpToCrm: "ISB2BPROSPECT = 'Yes'", crmToErp: "msdyn_b2bcommerceprospect = 1"),
        dependsOn: ["companies", "currencies", "customer-groups", "parties"])

    // MARK: DDL

    /// Whole-number columns; every other column not holding a Dataverse
    /// option set or boolean is TEXT (codes, exact decimals, ISO dates).
    static let integerColumns = Set([
        "LINECREATIONSEQUENCENUMBER", "sequencenumber", "INVENTORYLEADTIMEDAYS", "msdyn_inventoryleadtimedays",
        "PROCUREMENTLEADTIMEDAYS", "msdyn_procurementleadtimedays", "SALESLEADTIMEDAYS", "msdyn_salesleadtimedays",
        "SALESATPTIMEFENCEDAYS", "msdyn_salesatptimefencedays", "INVENTORYATPTIMEFENCEDAYS",
        "msdyn_inventoryatptimefencedays", "COMPANYSIZE", "numberofemployees",
    ]).union(
        ["INVENTORY", "SALES"].flatMap { prefix in
            [
                "DELAYEDDEMANDOFFSETDAYS", "DELAYEDSUPPLYOFFSETDAYS", "BACKWARDDEMANDTIMEFENCEDAYS",
                "BACKWARDSUPPLYTIMEFENCEDAYS",
            ]
            .flatMap { ["\(prefix)ATP\($0)", "msdyn_\(prefix.lowercased())atp\($0.lowercased())"] }
        })

    /// CRM columns the maps do not write but the CRM application sets, which
    /// the filters read: a quote's or order's state (Active, 0, by default as
    /// A.0 asks: "set the default Statecode to Active").
    static let extraCRMColumns: [String: [String]] = [
        "quote": ["statecode INTEGER DEFAULT 0"], "salesorder": ["statecode INTEGER DEFAULT 0"],
    ]

    /// One side's `CREATE TABLE` for `map`, derived from its fields, so the
    /// DDL cannot disagree with the map: key columns first, then every other
    /// column once, in field order. A CRM column written through a value map
    /// to an integer, or given an integer constant, is INTEGER.
    static func create(_ map: TableMap, _ side: SQLiteTable.Side) -> String {
        let table = side == .erp ? map.erp : map.crm
        var columns = table.key
        var integers = integerColumns
        for field in map.fields {
            let names = (side == .erp ? field.erp : field.crm)?.columns ?? []
            if side == .crm, names.count == 1 {
                if field.transform?.name == "tandem.std.value-map", field.transform?.config?["output"] != nil {
                    integers.insert(names[0])
                }
                if case .integer? = field.defaultValue { integers.insert(names[0]) }
            }
            for name in names where !columns.contains(name) { columns.append(name) }
        }
        let declared = columns.map { "\($0) \(integers.contains($0) ? "INTEGER" : "TEXT")" }
        return SQLiteTable.create(
            table.table, key: table.key, declared + (side == .crm ? extraCRMColumns[table.table] ?? [] : []))
    }

    static var ddl: DDLDocument? {
        let all = maps?.maps ?? []
        return DDLDocument(erp: all.map { create($0, .erp) }, crm: all.map { create($0, .crm) })
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: ProspectToCash.self, hostMajor: major, hostMinor: minor)
}
