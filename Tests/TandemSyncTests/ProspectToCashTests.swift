import Foundation
import TandemTestSupport
import Testing

/// The prospect-to-cash plugin (`tandem.std.prospect-to-cash`, docs/MAPS.md)
/// with the real `tandem` executable and engine: every map round-trips in
/// each direction it allows, lines wait for their headers, and invoices are
/// the ERP's alone.
@Suite("Prospect-to-cash maps", .serialized)
struct ProspectToCashTests {
    /// The P2C parents the round trips look up, written by the ERP
    /// application in `usmf`: a site and warehouse, delivery terms and mode,
    /// a price group, an origin, and one quotation, order and invoice whose
    /// lines the line round trips add.
    static let seed = """
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

    /// The standard environment with the P2C seed in step too.
    static func start(_ label: String) async throws -> (fixture: SyncFixture, engine: Process) {
        let (fixture, engine) = try await StandardEnvironment.start(label, maps: StandardEnvironment.allMaps)
        try SideReader.execute(fixture.erp, seed)
        try await StandardEnvironment.awaitInStep(fixture)
        return (fixture, engine)
    }

    @Test(
        "Every prospect-to-cash map round-trips in each direction it allows, value maps, lookups, exact money and unit conversions compared column for column",
        arguments: RoundTrip.prospectToCash)
    func roundTrip(_ trip: RoundTrip) async throws {
        let (fixture, engine) = try await Self.start("p2c-\(trip.map)")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try await trip.run(fixture)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Lines written before their headers wait for them, on either side, and arrive once the header does, value for value"
    )
    func linesWaitForHeaders() async throws {
        let (fixture, engine) = try await Self.start("p2c-order")
        defer { kill(engine.processIdentifier, SIGKILL) }
        // ERP: an order line first, its header a while later.
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO SalesOrderLineCDSEntity (DATAAREAID, SALESORDERNUMBER, LINECREATIONSEQUENCENUMBER, PRODUCTNUMBER, SALESUNITSYMBOL,
                INVENTORYUNITSYMBOL, ORDEREDSALESQUANTITY, SALESPRICE) VALUES ('usmf', 'SO-100', 1, 'D0000', 'box', 'ea', '2', '10.5');
            """)
        // CRM: a quote product first, its quote a while later.
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO quotedetail (msdyn_company, quoteid, sequencenumber, productid, uomid, msdyn_inventoryunit, quantity)
                VALUES ('usmf', 'C-Q-1', 1, 'D0000', 'box', 'ea', '0.25');
            """)
        let waiting = "waits for its parent in map"
        try await waitUntil {
            let errors = try fixture.tandem(["errors", "list"]).stdout
            return errors.contains("sales-order-lines") && errors.contains("sales-quotation-lines")
                && errors.contains(waiting)
        }
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM salesorderdetail") == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM SalesQuotationLineCDSEntity") == 0)

        try SideReader.execute(
            fixture.erp,
            "INSERT INTO SalesOrderHeaderCDSEntity (DATAAREAID, SALESORDERNUMBER, ORDERINGCUSTOMERACCOUNTNUMBER, CURRENCYCODE) VALUES ('usmf', 'SO-100', 'US-000', 'USD')"
        )
        try SideReader.execute(
            fixture.crm,
            "INSERT INTO quote (msdyn_company, msdyn_quotenumber, customerid, transactioncurrencyid, msdyn_ordertype, statecode) VALUES ('usmf', 'C-Q-1', 'US-000', 'USD', 192350000, 0)"
        )
        let orderLine =
            "SELECT salesorderid || ' ' || sequencenumber || ' ' || quantity || ' ' || msdyn_inventoryquantity || ' ' || priceperunit || ' ' || ispriceoverridden FROM salesorderdetail"
        let quoteLine =
            "SELECT SALESQUOTATIONNUMBER || ' ' || LINECREATIONSEQUENCENUMBER || ' ' || REQUESTEDSALESQUANTITY || ' ' || ORDEREDINVENTORYQUANTITY FROM SalesQuotationLineCDSEntity"
        try await waitUntil {
            try SideReader.rows(fixture.crm, orderLine).count == 1 && SideReader.rows(fixture.erp, quoteLine).count == 1
        }
        #expect(try SideReader.rows(fixture.crm, orderLine) == ["SO-100 1 2 24.0000000000 10.5000000000 1"])
        #expect(try SideReader.rows(fixture.erp, quoteLine) == ["C-Q-1 1 0.25 3.0000000000"])
        // Not `maps compare`: the quote made in Sales lacks the columns only F&O fills (`->`), until F&O next writes it.
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Invoices are the ERP's: a CRM edit of an invoice or invoice line is put back and reported, a CRM delete restored, a CRM-made invoice never reaches the ERP; free-text invoices (no sales order) stay in the ERP"
    )
    func invoicesOneWay() async throws {
        let (fixture, engine) = try await Self.start("p2c-invoice")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO SalesInvoiceLineV2Entity (DATAAREAID, INVOICENUMBER, LINECREATIONSEQUENCENUMBER, PRODUCTNUMBER, SALESUNITSYMBOL,
                INVENTORYUNITSYMBOL, INVOICEDQUANTITY, SALESPRICE, LINEAMOUNT) VALUES ('usmf', 'INV-000', 1, 'D0000', 'box', 'ea', '1', '99.99', '99.99');
            INSERT INTO SalesInvoiceHeaderV2Entity (DATAAREAID, INVOICENUMBER, SALESORDERNUMBER, TOTALINVOICEAMOUNT) VALUES ('usmf', 'FT-1', NULL, '5');
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        #expect(
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM invoice WHERE msdyn_invoicenumber = 'FT-1'") == 0)
        let line =
            "SELECT quote(priceperunit) || ' ' || quote(quantity) || ' ' || quote(msdyn_inventoryquantity) FROM invoicedetail"
        #expect(try SideReader.rows(fixture.crm, line) == ["'99.9900000000' '1' '12.0000000000'"])

        try SideReader.execute(
            fixture.crm,
            """
            UPDATE invoice SET msdyn_totalamount = '1.0000000000' WHERE msdyn_invoicenumber = 'INV-000';
            UPDATE invoicedetail SET priceperunit = '0.0100000000' WHERE invoiceid = 'INV-000';
            INSERT INTO invoice (msdyn_company, msdyn_invoicenumber, msdyn_ordertype) VALUES ('usmf', 'C-INV', 192350000);
            """)
        try await waitUntil {
            try SideReader.rows(fixture.crm, line) == ["'99.9900000000' '1' '12.0000000000'"]
                && SideReader.rows(
                    fixture.crm, "SELECT quote(msdyn_totalamount) FROM invoice WHERE msdyn_invoicenumber = 'INV-000'")
                    == ["NULL"]
        }
        let reports =
            try ConflictTests.conflicts(fixture, ["--map", "sales-invoice-headers"])
            + ConflictTests.conflicts(fixture, ["--map", "sales-invoice-lines"])
        #expect(reports.count >= 2, "\(reports)")
        #expect(reports.allSatisfy { ($0["policy"] as? String) == "one-way" }, "\(reports)")
        #expect(
            try SideReader.scalar(
                fixture.erp, "SELECT COUNT(*) FROM SalesInvoiceHeaderV2Entity WHERE INVOICENUMBER = 'C-INV'") == 0)
        #expect(
            try SideReader.rows(fixture.erp, "SELECT quote(SALESPRICE) FROM SalesInvoiceLineV2Entity")
                == ["'99.99'"])

        try SideReader.execute(fixture.crm, "DELETE FROM invoicedetail WHERE invoiceid = 'INV-000'")
        try await waitUntil {
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM invoicedetail WHERE invoiceid = 'INV-000'") == 1
        }
    }

    @Test(
        "Only B2B prospects become leads and only B2B leads become prospects; the address role and type constants land on their sides"
    )
    func onlyB2BProspects() async throws {
        let (fixture, engine) = try await Self.start("p2c-prospects")
        defer { kill(engine.processIdentifier, SIGKILL) }
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO RetailProspectEntity (DATAAREAID, PROSPECTID, PROSPECTNAME, ISB2BPROSPECT) VALUES ('usmf', 'PR-RETAIL', 'Walk-in', 'No');
            INSERT INTO RetailProspectEntity (DATAAREAID, PROSPECTID, PROSPECTNAME, ISB2BPROSPECT) VALUES ('usmf', 'PR-B2B', 'Fabrikam', 'Yes');
            """)
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO lead (msdyn_company, msdyn_prospectid, fullname, msdyn_b2bcommerceprospect) VALUES ('usmf', 'L-SALES', 'A Sales lead', 0);
            INSERT INTO lead (msdyn_company, msdyn_prospectid, fullname, msdyn_b2bcommerceprospect) VALUES ('usmf', 'L-B2B', 'A B2B lead', 1);
            """)
        let leads = "SELECT msdyn_prospectid || ' ' || quote(address1_addresstypecode) FROM lead ORDER BY 1"
        let prospects = "SELECT PROSPECTID || ' ' || quote(ADDRESSLOCATIONROLES) FROM RetailProspectEntity ORDER BY 1"
        try await waitUntil {
            try SideReader.rows(fixture.crm, leads).count == 3 && SideReader.rows(fixture.erp, prospects).count == 3
        }
        #expect(try SideReader.rows(fixture.crm, leads) == ["L-B2B NULL", "L-SALES NULL", "PR-B2B 1"])
        #expect(
            try SideReader.rows(fixture.erp, prospects) == ["L-B2B 'Business'", "PR-B2B NULL", "PR-RETAIL NULL"])
        try StandardEnvironment.expectNothingParked(fixture)
    }
}
