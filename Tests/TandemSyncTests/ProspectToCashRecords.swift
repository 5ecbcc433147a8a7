/// One record per prospect-to-cash map, as each side must hold it (see
/// ``RoundTrip``). Parents come from ``StandardEnvironment/seed`` and
/// ``StandardEnvironment/prospectToCashSeed``. Money is exact text with ten decimals on
/// both sides, so that a record made on the CRM side comes back to the ERP
/// as the ERP record; quantities are exact text as written, and the
/// inventory quantity of a line is the sales quantity converted (box → ea,
/// 12 each to the box, from the seed).
extension RoundTrip {
    static let prospectToCash: [RoundTrip] = [
        p2cSites, p2cWarehouses, p2cTermsOfDelivery, p2cModesOfDelivery, p2cPriceCustomerGroups, p2cOrderOrigins,
        p2cDefaultOrderSettings, p2cQuotationHeaders, p2cQuotationLines, p2cOrderHeaders, p2cOrderLines,
        p2cInvoiceHeaders, p2cInvoiceLines, p2cProspects,
    ]

    static let p2cSites = RoundTrip(
        map: "sites",
        erp: Record(
            table: "InventOperationalSiteEntity", key: ["DATAAREAID", "SITEID"],
            row: [
                "DATAAREAID": "'usmf'", "SITEID": "'2'", "SITENAME": "'East'", "TAXBRANCHCODE": "'TB1'",
                "ISPRIMARYADDRESSASSIGNED": "'Yes'", "PRIMARYADDRESSCITY": "'Seattle'",
                "PRIMARYADDRESSLATITUDE": "'47.6062095'",
            ]),
        crm: Record(
            table: "msdyn_operationalsite", key: ["msdyn_company", "msdyn_siteid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_siteid": "'2'", "msdyn_sitename": "'East'",
                "msdyn_taxbranchcode": "'TB1'", "msdyn_isprimaryaddressassigned": "1",
                "msdyn_primaryaddresscity": "'Seattle'", "msdyn_primaryaddresslatitude": "'47.6062095'",
            ]),
        update: (
            ["SITENAME": "'East coast'", "ISPRIMARYADDRESSASSIGNED": "'No'"],
            ["msdyn_sitename": "'East coast'", "msdyn_isprimaryaddressassigned": "0"]
        ),
        second: (["SITEID": "'3'"], ["msdyn_siteid": "'3'"]))

    static let p2cWarehouses = RoundTrip(
        map: "warehouses",
        erp: Record(
            table: "InventWarehouseEntity", key: ["DATAAREAID", "WAREHOUSEID"],
            row: [
                "DATAAREAID": "'usmf'", "WAREHOUSEID": "'12'", "WAREHOUSENAME": "'Overflow'",
                "OPERATIONALSITEID": "'1'", "WAREHOUSETYPE": "'Quarantine'", "ISRETAILSTOREWAREHOUSE": "'No'",
                "MAXIMUMPICKINGLISTLINEQUANTITY": "'100.5'",
                "WAREHOUSERELEASERESERVATIONREQUIREMENTRULE":
                    "'AllowPartialReservation'",
                "AUTOUPDATESHIPMENTRULE": "'OnQuantityDecrease'", "ISFALLBACKWAREHOUSE": "'Yes'",
                "MASTERPLANNINGWORKCALENDARDID": "'Std'",
            ]),
        crm: Record(
            table: "msdyn_warehouse", key: ["msdyn_company", "msdyn_warehouseidentifier"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_warehouseidentifier": "'12'", "msdyn_name": "'12'",
                "msdyn_description": "'Overflow'", "msdyn_operationalsite": "'1'", "msdyn_warehousetype": "192350002",
                "msdyn_isretailstorewarehouse": "0", "msdyn_maximumpickinglistlinequantity": "'100.5'",
                "msdyn_warehousereleasereservationrequirement": "192350001",
                "msdyn_autoupdateshipmentrule": "1", "msdyn_isfallbackwarehouse": "1",
                "msdyn_masterplanningworkcalendarid": "'Std'",
            ]),
        update: (["WAREHOUSETYPE": "'Standard'"], ["msdyn_warehousetype": "192350003"]),
        second: (["WAREHOUSEID": "'13'"], ["msdyn_warehouseidentifier": "'13'"]))

    static let p2cTermsOfDelivery = RoundTrip(
        map: "terms-of-delivery",
        erp: Record(
            table: "DlvTermEntity", key: ["DATAAREAID", "TERMSCODE"],
            row: [
                "DATAAREAID": "'usmf'", "TERMSCODE": "'CIF'", "TERMSDESCRIPTION": "'Cost, insurance and freight'",
                "SALESTAXLOCATIONROLE": "'Delivery'", "FREIGHTCHARGETERMS": "'Collect'", "ISCASHONDELIVERY": "'Yes'",
            ]),
        crm: Record(
            table: "msdyn_termsofdelivery", key: ["msdyn_company", "msdyn_termscode"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_termscode": "'CIF'",
                "msdyn_termsdescription": "'Cost, insurance and freight'", "msdyn_salestaxlocationrole": "192350002",
                "msdyn_freightchargeterms": "192350001", "msdyn_iscashondelivery": "1",
            ]),
        update: (["FREIGHTCHARGETERMS": "'ThirdParty'"], ["msdyn_freightchargeterms": "192350002"]),
        second: (["TERMSCODE": "'DAP'"], ["msdyn_termscode": "'DAP'"]))

    static let p2cModesOfDelivery = RoundTrip(
        map: "modes-of-delivery",
        erp: Record(
            table: "DlvModeEntity", key: ["DATAAREAID", "MODECODE"],
            row: ["DATAAREAID": "'usmf'", "MODECODE": "'Air'", "MODEDESCRIPTION": "'By air'"]),
        crm: Record(
            table: "msdyn_shipvia", key: ["msdyn_company", "msdyn_name"],
            row: ["msdyn_company": "'usmf'", "msdyn_name": "'Air'", "msdyn_description": "'By air'"]),
        update: (["MODEDESCRIPTION": "'Air freight'"], ["msdyn_description": "'Air freight'"]),
        second: (["MODECODE": "'Sea'"], ["msdyn_name": "'Sea'"]))

    static let p2cPriceCustomerGroups = RoundTrip(
        map: "price-customer-groups",
        erp: Record(
            table: "PriceCustomerGroupEntity", key: ["DATAAREAID", "GROUPCODE"],
            row: ["DATAAREAID": "'usmf'", "GROUPCODE": "'Whole'", "GROUPNAME": "'Wholesale'"]),
        crm: Record(
            table: "msdyn_pricecustomergroup", key: ["msdyn_company", "msdyn_groupcode"],
            row: ["msdyn_company": "'usmf'", "msdyn_groupcode": "'Whole'", "msdyn_groupname": "'Wholesale'"]),
        update: (["GROUPNAME": "'Wholesale prices'"], ["msdyn_groupname": "'Wholesale prices'"]),
        second: (["GROUPCODE": "'Staff'"], ["msdyn_groupcode": "'Staff'"]))

    static let p2cOrderOrigins = RoundTrip(
        map: "sales-order-origins",
        erp: Record(
            table: "SalesOrderOriginEntity", key: ["DATAAREAID", "ORIGINCODE"],
            row: ["DATAAREAID": "'usmf'", "ORIGINCODE": "'Phone'", "ORIGINDESCRIPTION": "'By phone'"]),
        crm: Record(
            table: "msdyn_salesorderorigin", key: ["msdyn_company", "msdyn_origincode"],
            row: ["msdyn_company": "'usmf'", "msdyn_origincode": "'Phone'", "msdyn_origindescription": "'By phone'"]),
        update: (["ORIGINDESCRIPTION": "'Telephone'"], ["msdyn_origindescription": "'Telephone'"]),
        second: (["ORIGINCODE": "'Mail'"], ["msdyn_origincode": "'Mail'"]))

    static let p2cDefaultOrderSettings = RoundTrip(
        map: "default-order-settings",
        erp: Record(
            table: "InventProductDefaultOrderSettingsEntity", key: ["DATAAREAID", "ITEMNUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "ITEMNUMBER": "'D0000'", "SALESSITEID": "'1'", "SALESWAREHOUSEID": "'11'",
                "SALESORDERPROMISINGMETHOD": "'Atp'", "STANDARDSALESORDERQUANTITY": "'12.5'", "SALESLEADTIMEDAYS": "3",
                "ISSALESSITEMANDATORY": "'Yes'", "ISSALESATPINCLUDINGPLANNEDORDERS": "'True'",
                "SALESATPBACKWARDDEMANDTIMEFENCEDAYS": "7",
            ]),
        crm: Record(
            table: "msdyn_productdefaultordersetting", key: ["msdyn_company", "msdyn_itemnumber"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_itemnumber": "'D0000'", "msdyn_salessite": "'1'",
                "msdyn_saleswarehouse": "'11'", "msdyn_salesorderpromisingmethod": "192350002",
                "msdyn_standardsalesorderquantity": "'12.5'", "msdyn_salesleadtimedays": "3",
                "msdyn_issalessitemandatory": "1", "msdyn_issalesatpincludingplannedorders": "1",
                "msdyn_salesatpbackwarddemandtimefencedays": "7",
            ]),
        update: (
            ["SALESORDERPROMISINGMETHOD": "'Ctp'", "STANDARDSALESORDERQUANTITY": "'0.0000000001'"],
            ["msdyn_salesorderpromisingmethod": "192350004", "msdyn_standardsalesorderquantity": "'0.0000000001'"]
        ),
        second: (["ITEMNUMBER": "'D0009'"], ["msdyn_itemnumber": "'D0009'"]))

    static let p2cQuotationHeaders = RoundTrip(
        map: "sales-quotation-headers",
        erp: Record(
            table: "SalesQuotationHeaderCDSEntity", key: ["DATAAREAID", "SALESQUOTATIONNUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "SALESQUOTATIONNUMBER": "'Q-1'", "REQUESTINGCUSTOMERACCOUNTNUMBER": "'US-000'",
                "INVOICECUSTOMERACCOUNTNUMBER": "'US-000'", "CURRENCYCODE": "'USD'",
                "SALESQUOTATIONNAME": "'Speakers for Contoso'", "SALESQUOTATIONSTATUS": "'Sent'",
                "LANGUAGEID": "'en-us'", "DELIVERYADDRESSCOUNTRYREGIONISOCODE": "'US'",
                "DELIVERYADDRESSCITY": "'Redmond'", "PAYMENTTERMSNAME": "'Net30'", "PRICECUSTOMERGROUPCODE": "'Retail'",
                "DEFAULTSHIPPINGSITEID": "'1'", "DEFAULTSHIPPINGWAREHOUSEID": "'11'",
                "AREPRICESINCLUDINGSALESTAX": "'No'", "SALESORDERPROMISINGMETHOD": "'None'",
                "QUOTATIONTOTALAMOUNT": "'1234.56'", "TOTALDISCOUNTAMOUNT": "'10'", "INVOICEADDRESSCITY": "'Seattle'",
                "ISINVOICEADDRESSPRIVATE": "'No'", "RECEIPTDATEREQUESTED": "'2026-12-24'",
                "TOTALDISCOUNTPERCENTAGE": "'2.5'",
            ]),
        crm: Record(
            table: "quote", key: ["msdyn_company", "msdyn_quotenumber"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_quotenumber": "'Q-1'", "customerid": "'US-000'",
                "msdyn_invoicecustomerid": "'US-000'", "transactioncurrencyid": "'USD'",
                "msdyn_isocurrencycode": "'USD'", "name": "'Speakers for Contoso'",
                "msdyn_salesquotationstatus": "192350001", "msdyn_language": "192350015",
                "shipto_country": "'united states'", "shipto_city": "'Redmond'", "msdyn_paymentterms": "'Net30'",
                "msdyn_pricecustomergroup": "'Retail'", "msdyn_defaultshippingsite": "'1'",
                "msdyn_defaultshippingwarehouse": "'11'", "msdyn_arepricesincludingsalestax": "0",
                "msdyn_salesorderpromisingmethod": "192350000", "totalamount": "'1234.5600000000'",
                "discountamount": "'10.0000000000'", "billto_city": "'Seattle'", "msdyn_isinvoiceaddressprivate": "0",
                "msdyn_requestedreceiptdate": "'2026-12-24'", "msdyn_totaldiscountpercentage": "'2.5'",
                "msdyn_ordertype": "192350000", "statecode": "0",
            ]),
        update: (
            [
                "SALESQUOTATIONSTATUS": "'Confirmed'", "DELIVERYADDRESSCOUNTRYREGIONISOCODE": "'DE'",
                "LANGUAGEID": "'de'",
            ],
            ["msdyn_salesquotationstatus": "192350002", "shipto_country": "'germany'", "msdyn_language": "192350004"]
        ),
        second: (["SALESQUOTATIONNUMBER": "'C-Q-2'"], ["msdyn_quotenumber": "'C-Q-2'"]),
        erpOnly: ["QUOTATIONTOTALAMOUNT", "TOTALDISCOUNTAMOUNT", "INVOICEADDRESSCITY", "ISINVOICEADDRESSPRIVATE"])

    /// The columns of a quotation or order line that the two share, on each side.
    static func p2cLine(header: String) -> (erp: [String: String], crm: [String: String]) {
        (
            [
                "DATAAREAID": "'usmf'", "LINECREATIONSEQUENCENUMBER": "1", "PRODUCTNUMBER": "'D0000'",
                "SALESUNITSYMBOL": "'box'", "INVENTORYUNITSYMBOL": "'ea'",
                "ORDEREDINVENTORYQUANTITY": "'36.0000000000'",
                "SALESPRICE": "'12.5000000000'", "TOTALDISCOUNTAMOUNT": "'10.0000000000'",
                "LINEDISCOUNTAMOUNT": "'3.3300000000'", "FIXEDPRICECHARGES": "'-0.0100000000'",
                "LINEAMOUNT": "'27.5'", "SHIPPINGSITEID": "'1'", "SHIPPINGWAREHOUSEID": "'11'",
                "DELIVERYADDRESSCOUNTRYREGIONISOCODE": "'CO'", "CURRENCYCODE": "'USD'",
                "ISDELIVERYADDRESSPRIVATE": "'Yes'",
            ],
            [
                "msdyn_company": "'usmf'", "sequencenumber": "1", "productid": "'D0000'", "uomid": "'box'",
                "msdyn_inventoryunit": "'ea'", "quantity": "'3'", "msdyn_inventoryquantity": "'36.0000000000'",
                "priceperunit": "'12.5000000000'", "manualdiscountamount": "'10.0000000000'",
                "msdyn_linediscountamount": "'3.3300000000'", "msdyn_fixedpricecharges": "'-0.0100000000'",
                "baseamount": "'27.5000000000'", "extendedamount": "'27.5000000000'", "msdyn_shippingsite": "'1'",
                "msdyn_shippingwarehouse": "'11'", "shipto_country": "'columbia'", "transactioncurrencyid": "'USD'",
                "msdyn_isdeliveryaddressprivate": "1", "ispriceoverridden": "1",
            ]
        )
    }

    static let p2cQuotationLines: RoundTrip = {
        let line = p2cLine(header: "Q-000")
        return RoundTrip(
            map: "sales-quotation-lines",
            erp: Record(
                table: "SalesQuotationLineCDSEntity",
                key: ["DATAAREAID", "SALESQUOTATIONNUMBER", "LINECREATIONSEQUENCENUMBER"],
                row: line.erp.merging([
                    "SALESQUOTATIONNUMBER": "'Q-000'", "REQUESTEDSALESQUANTITY": "'3'",
                    "SALESQUOTATIONSTATUS": "'Created'",
                ]) { $1 }),
            crm: Record(
                table: "quotedetail", key: ["msdyn_company", "quoteid", "sequencenumber"],
                row: line.crm.merging(["quoteid": "'Q-000'", "msdyn_salesquotationstatus": "192350000"]) { $1 }),
            update: (
                [
                    "REQUESTEDSALESQUANTITY": "'4'", "ORDEREDINVENTORYQUANTITY": "'48.0000000000'",
                    "SALESQUOTATIONSTATUS": "'Lost'",
                ],
                [
                    "quantity": "'4'", "msdyn_inventoryquantity": "'48.0000000000'",
                    "msdyn_salesquotationstatus": "192350003",
                ]
            ),
            second: (["LINECREATIONSEQUENCENUMBER": "2"], ["sequencenumber": "2"]),
            erpOnly: ["LINEAMOUNT", "CURRENCYCODE"])
    }()

    static let p2cOrderHeaders = RoundTrip(
        map: "sales-order-headers",
        erp: Record(
            table: "SalesOrderHeaderCDSEntity", key: ["DATAAREAID", "SALESORDERNUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "SALESORDERNUMBER": "'SO-1'", "ORDERINGCUSTOMERACCOUNTNUMBER": "'US-000'",
                "CURRENCYCODE": "'USD'", "SALESORDERNAME": "'Order from Contoso'",
                "SALESORDERPROCESSINGSTATUS": "'Confirmed'", "DELIVERYMODECODE": "'Truck'",
                "DELIVERYTERMSCODE": "'FOB'", "SALESORDERORIGINCODE": "'Web'", "ORDERTOTALAMOUNT": "'99.99'",
                "LANGUAGEID": "'en-gb'", "ISSALESPROCESSINGSTOPPED": "'No'", "PAYMENTTERMSNAME": "'Net30'",
                "CUSTOMERSORDERREFERENCE": "'PO 4711'", "QUOTATIONNUMBER": "'Q-000'",
                "DELIVERYADDRESSSTREET": "'1 Microsoft Way'", "DELIVERYADDRESSCOUNTRYREGIONISOCODE": "'TR'",
            ]),
        crm: Record(
            table: "salesorder", key: ["msdyn_company", "msdyn_salesordernumber"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_salesordernumber": "'SO-1'", "customerid": "'US-000'",
                "transactioncurrencyid": "'USD'", "msdyn_isocurrencycode": "'USD'", "name": "'Order from Contoso'",
                "msdyn_processingstatus": "192350001", "msdyn_deliverymode": "'Truck'",
                "msdyn_deliveryterms": "'FOB'", "msdyn_salesorderorigin": "'Web'",
                "totalamount": "'99.9900000000'", "msdyn_language": "192350009",
                "msdyn_issalesprocessingstopped": "0", "msdyn_paymentterms": "'Net30'",
                "msdyn_customersorderreference": "'PO 4711'", "msdyn_quotationnumber": "'Q-000'",
                "shipto_line1": "'1 Microsoft Way'", "shipto_country": "'türkiye'", "msdyn_ordertype": "192350000",
                "statecode": "0",
            ]),
        update: (
            ["SALESORDERPROCESSINGSTATUS": "'PartiallyInvoiced'"], ["msdyn_processingstatus": "192350006"]
        ),
        second: (["SALESORDERNUMBER": "'C-SO-2'"], ["msdyn_salesordernumber": "'C-SO-2'"]),
        erpOnly: ["SALESORDERNAME", "ORDERTOTALAMOUNT"])

    static let p2cOrderLines: RoundTrip = {
        let line = p2cLine(header: "SO-000")
        return RoundTrip(
            map: "sales-order-lines",
            erp: Record(
                table: "SalesOrderLineCDSEntity",
                key: ["DATAAREAID", "SALESORDERNUMBER", "LINECREATIONSEQUENCENUMBER"],
                row: line.erp.merging([
                    "SALESORDERNUMBER": "'SO-000'", "ORDEREDSALESQUANTITY": "'3'",
                    "SALESORDERLINESTATUS": "'Backorder'",
                    "ISLINESTOPPED": "'No'", "DELIVERYMODECODE": "'Truck'", "DELIVERYTERMSID": "'FOB'",
                    "TOTALTAXAMOUNT": "'0.8'",
                ]) { $1 }),
            crm: Record(
                table: "salesorderdetail", key: ["msdyn_company", "salesorderid", "sequencenumber"],
                row: line.crm.merging([
                    "salesorderid": "'SO-000'", "msdyn_linestatus": "192350001", "msdyn_islinestopped": "0",
                    "msdyn_deliverymode": "'Truck'", "msdyn_deliveryterms": "'FOB'", "tax": "'0.8000000000'",
                ]) { $1 }),
            update: (
                [
                    "ORDEREDSALESQUANTITY": "'0.5'", "ORDEREDINVENTORYQUANTITY": "'6.0000000000'",
                    "ISLINESTOPPED": "'Yes'",
                ],
                ["quantity": "'0.5'", "msdyn_inventoryquantity": "'6.0000000000'", "msdyn_islinestopped": "1"]
            ),
            second: (["LINECREATIONSEQUENCENUMBER": "2"], ["sequencenumber": "2"]),
            erpOnly: ["LINEAMOUNT", "CURRENCYCODE", "SALESORDERLINESTATUS", "TOTALTAXAMOUNT"])
    }()

    static let p2cInvoiceHeaders = RoundTrip(
        map: "sales-invoice-headers",
        erp: Record(
            table: "SalesInvoiceHeaderV2Entity", key: ["DATAAREAID", "INVOICENUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "INVOICENUMBER": "'INV-1'", "SALESORDERNUMBER": "'SO-000'",
                "INVOICECUSTOMERACCOUNTNUMBER": "'US-000'", "CURRENCYCODE": "'USD'", "PAYMENTTERMSNAME": "'Net30'",
                "INVOICEDATE": "'2026-12-04'", "LEDGERVOUCHER": "'V-1'", "TOTALINVOICEAMOUNT": "'1234.5678901234'",
                "TOTALDISCOUNTAMOUNT": "'1.5'", "TOTALDISCOUNTCUSTOMERGROUPCODE": "'Disc'", "TOTALTAXAMOUNT": "'0'",
                "INVOICEADDRESSCITY": "'Seattle'",
            ]),
        crm: Record(
            table: "invoice", key: ["msdyn_company", "msdyn_invoicenumber"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_invoicenumber": "'INV-1'", "salesorderid": "'SO-000'",
                "customerid": "'US-000'", "transactioncurrencyid": "'USD'", "msdyn_paymentterms": "'Net30'",
                "msdyn_invoicedate": "'2026-12-04'", "msdyn_ledgervoucher": "'V-1'",
                "msdyn_totalamount": "'1234.5678901234'", "msdyn_totaldiscountamount": "'1.5000000000'",
                "discountamount": "'1.5000000000'", "msdyn_totaldiscountcustomergroupcode": "'Disc'",
                "msdyn_totaltax": "'0.0000000000'", "billto_city": "'Seattle'", "ispricelocked": "0",
                "statuscode": "4", "msdyn_ordertype": "192350000",
            ]),
        update: (["TOTALINVOICEAMOUNT": "'2'"], ["msdyn_totalamount": "'2.0000000000'"]))

    static let p2cInvoiceLines = RoundTrip(
        map: "sales-invoice-lines",
        erp: Record(
            table: "SalesInvoiceLineV2Entity", key: ["DATAAREAID", "INVOICENUMBER", "LINECREATIONSEQUENCENUMBER"],
            row: [
                "DATAAREAID": "'usmf'", "INVOICENUMBER": "'INV-000'", "LINECREATIONSEQUENCENUMBER": "1",
                "PRODUCTNUMBER": "'D0000'", "PRODUCTNAME": "'Seed product'", "SALESUNITSYMBOL": "'box'",
                "INVENTORYUNITSYMBOL": "'ea'", "INVOICEDQUANTITY": "'0.5'", "SALESPRICE": "'20'", "LINEAMOUNT": "'10'",
                "LINETOTALDISCOUNTAMOUNT": "'0.25'", "INVENTORYSITEID": "'1'", "INVENTORYWAREHOUSEID": "'11'",
                "CURRENCYCODE": "'USD'",
            ]),
        crm: Record(
            table: "invoicedetail", key: ["msdyn_company", "invoiceid", "sequencenumber"],
            row: [
                "msdyn_company": "'usmf'", "invoiceid": "'INV-000'", "sequencenumber": "1", "productid": "'D0000'",
                "description": "'Seed product'", "uomid": "'box'", "msdyn_inventoryunit": "'ea'", "quantity": "'0.5'",
                "msdyn_inventoryquantity": "'6.0000000000'", "priceperunit": "'20.0000000000'",
                "extendedamount": "'10.0000000000'", "manualdiscountamount": "'0.2500000000'",
                "msdyn_inventorysite": "'1'", "msdyn_inventorywarehouse": "'11'", "transactioncurrencyid": "'USD'",
                "producttypecode": "1", "propertyconfigurationstatus": "2", "ispriceoverridden": "1",
            ]),
        update: (
            ["INVOICEDQUANTITY": "'2'"], ["quantity": "'2'", "msdyn_inventoryquantity": "'24.0000000000'"]
        ))

    static let p2cProspects = RoundTrip(
        map: "prospects",
        erp: Record(
            table: "RetailProspectEntity", key: ["DATAAREAID", "PROSPECTID"],
            row: [
                "DATAAREAID": "'usmf'", "PROSPECTID": "'PR-1'", "PROSPECTNAME": "'Fabrikam Ελλάς'",
                "PROSPECTPARTYNUMBER": "'000001'", "CURRENCYCODE": "'EUR'", "CUSTOMERGROUPID": "'10'",
                "ISB2BPROSPECT": "'Yes'", "B2BPROSPECTSTATUS": "'Pending'", "ADDRESSLOCATIONROLES": "'Business'",
                "PRIMARYEMAILADDRESS": "'buyer@fabrikam.example'", "ADDRESSCITY": "'Athens'",
                "ADDRESSCOUNTRYREGIONISOCODE": "'GR'", "COMPANYSIZE": "250", "ADDRESSLATITUDE": "'37.9838'",
            ]),
        crm: Record(
            table: "lead", key: ["msdyn_company", "msdyn_prospectid"],
            row: [
                "msdyn_company": "'usmf'", "msdyn_prospectid": "'PR-1'", "fullname": "'Fabrikam Ελλάς'",
                "msdyn_partyid": "'000001'", "transactioncurrencyid": "'EUR'", "msdyn_customergroupid": "'10'",
                "msdyn_b2bcommerceprospect": "1", "msdyn_b2bprospectstatus": "192350000",
                "address1_addresstypecode": "1", "emailaddress1": "'buyer@fabrikam.example'",
                "address1_city": "'Athens'", "address1_country": "'GR'", "numberofemployees": "250",
                "address1_latitude": "'37.9838'",
            ]),
        update: (["B2BPROSPECTSTATUS": "'Approved'"], ["msdyn_b2bprospectstatus": "192350001"]),
        second: (["PROSPECTID": "'PR-CRM'"], ["msdyn_prospectid": "'PR-CRM'"]))
}

/// The parents the round trips of the suite look up (its shared environment's seed).
extension StandardEnvironment {
    /// The P2C parents the round trips look up, written by the ERP
    /// application in `usmf`: a site and warehouse, delivery terms and mode,
    /// a price group, an origin, and one quotation, order and invoice whose
    /// lines the line round trips add.
    static let prospectToCashSeed = """
        INSERT INTO InventOperationalSiteEntity (DATAAREAID, SITEID, SITENAME) VALUES ('usmf', '1', 'Main site');
        INSERT INTO InventWarehouseEntity (DATAAREAID, WAREHOUSEID, WAREHOUSENAME, OPERATIONALSITEID) VALUES ('usmf', '11', 'Main warehouse', '1');
        INSERT INTO DlvTermEntity (DATAAREAID, TERMSCODE, TERMSDESCRIPTION) VALUES ('usmf', 'FOB', 'Free on board');
        INSERT INTO DlvModeEntity (DATAAREAID, MODECODE, MODEDESCRIPTION) VALUES ('usmf', 'Truck', 'By truck');
        INSERT INTO PriceCustomerGroupEntity (DATAAREAID, GROUPCODE, GROUPNAME) VALUES ('usmf', 'Retail', 'Retail prices');
        INSERT INTO SalesOrderOriginEntity (DATAAREAID, ORIGINCODE, ORIGINDESCRIPTION) VALUES ('usmf', 'Web', 'Web shop');
        INSERT INTO SalesQuotationHeaderCDSEntity (DATAAREAID, SALESQUOTATIONNUMBER, REQUESTINGCUSTOMERACCOUNTNUMBER, CURRENCYCODE)
            VALUES ('usmf', 'Q-000', 'US-000', 'USD');
        INSERT INTO SalesOrderHeaderCDSEntity (DATAAREAID, SALESORDERNUMBER, ORDERINGCUSTOMERACCOUNTNUMBER, CURRENCYCODE)
            VALUES ('usmf', 'SO-000', 'US-000', 'USD');
        INSERT INTO SalesInvoiceHeaderV2Entity (DATAAREAID, INVOICENUMBER, SALESORDERNUMBER, INVOICECUSTOMERACCOUNTNUMBER)
            VALUES ('usmf', 'INV-000', 'SO-000', 'US-000');
        """
}
