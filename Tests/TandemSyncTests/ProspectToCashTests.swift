import Foundation
import TandemTestSupport
import Testing

/// The prospect-to-cash plugin (`tandem.std.prospect-to-cash`, docs/MAPS.md)
/// with the real `tandem` executable and engine: every map round-trips in
/// each direction it allows, lines wait for their headers, and invoices are
/// the ERP's alone. The tests share one environment (``SharedEnvironment``):
/// each uses keys of its own and leaves the sides in step with nothing
/// parked, which it checks.
@Suite(
    "Prospect-to-cash maps", .serialized,
    SharedEnvironment(
        label: "p2c", maps: StandardEnvironment.maps + StandardEnvironment.prospectToCashMaps,
        seeds: [StandardEnvironment.prospectToCashSeed]))
struct ProspectToCashTests {
    @Test(
        "Every prospect-to-cash map round-trips in each direction it allows, value maps, lookups, exact money and unit conversions compared column for column",
        arguments: RoundTrip.prospectToCash)
    func roundTrip(_ trip: RoundTrip) async throws {
        let fixture = try SharedEnvironment.fixture
        try await trip.runInStep(fixture)
    }

    @Test(
        "Lines written before their headers wait for them, on either side, and arrive once the header does, value for value"
    )
    func linesWaitForHeaders() async throws {
        let fixture = try SharedEnvironment.fixture
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
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM salesorderdetail WHERE salesorderid = 'SO-100'") == 0)
        #expect(
            try SideReader.scalar(
                fixture.erp, "SELECT COUNT(*) FROM SalesQuotationLineCDSEntity WHERE SALESQUOTATIONNUMBER = 'C-Q-1'") == 0)

        try SideReader.execute(
            fixture.erp,
            "INSERT INTO SalesOrderHeaderCDSEntity (DATAAREAID, SALESORDERNUMBER, ORDERINGCUSTOMERACCOUNTNUMBER, CURRENCYCODE) VALUES ('usmf', 'SO-100', 'US-000', 'USD')"
        )
        try SideReader.execute(
            fixture.crm,
            "INSERT INTO quote (msdyn_company, msdyn_quotenumber, customerid, transactioncurrencyid, msdyn_ordertype, statecode) VALUES ('usmf', 'C-Q-1', 'US-000', 'USD', 192350000, 0)"
        )
        let orderLine =
            "SELECT salesorderid || ' ' || sequencenumber || ' ' || quantity || ' ' || msdyn_inventoryquantity || ' ' || priceperunit || ' ' || ispriceoverridden FROM salesorderdetail WHERE salesorderid = 'SO-100'"
        let quoteLine =
            "SELECT SALESQUOTATIONNUMBER || ' ' || LINECREATIONSEQUENCENUMBER || ' ' || REQUESTEDSALESQUANTITY || ' ' || ORDEREDINVENTORYQUANTITY FROM SalesQuotationLineCDSEntity WHERE SALESQUOTATIONNUMBER = 'C-Q-1'"
        try await waitUntil {
            try SideReader.rows(fixture.crm, orderLine).count == 1 && SideReader.rows(fixture.erp, quoteLine).count == 1
        }
        #expect(try SideReader.rows(fixture.crm, orderLine) == ["SO-100 1 2 24.0000000000 10.5000000000 1"])
        #expect(try SideReader.rows(fixture.erp, quoteLine) == ["C-Q-1 1 0.25 3.0000000000"])
        // Not `maps compare`: the quote made in Sales lacks the columns only F&O fills (`->`), until F&O next writes it.
        try StandardEnvironment.expectNothingParked(fixture)

        // Away again from F&O, which has every row now, so the next test finds the sides in step.
        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM SalesOrderLineCDSEntity WHERE SALESORDERNUMBER = 'SO-100';
            DELETE FROM SalesQuotationLineCDSEntity WHERE SALESQUOTATIONNUMBER = 'C-Q-1';
            DELETE FROM SalesOrderHeaderCDSEntity WHERE SALESORDERNUMBER = 'SO-100';
            DELETE FROM SalesQuotationHeaderCDSEntity WHERE SALESQUOTATIONNUMBER = 'C-Q-1';
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Invoices are the ERP's: a CRM edit of an invoice or invoice line is put back and reported, a CRM delete restored, a CRM-made invoice never reaches the ERP; free-text invoices (no sales order) stay in the ERP"
    )
    func invoicesOneWay() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO SalesInvoiceLineV2Entity (DATAAREAID, INVOICENUMBER, LINECREATIONSEQUENCENUMBER, PRODUCTNUMBER, SALESUNITSYMBOL,
                INVENTORYUNITSYMBOL, INVOICEDQUANTITY, SALESPRICE, LINEAMOUNT) VALUES ('usmf', 'INV-000', 2, 'D0000', 'box', 'ea', '1', '99.99', '99.99');
            INSERT INTO SalesInvoiceHeaderV2Entity (DATAAREAID, INVOICENUMBER, SALESORDERNUMBER, TOTALINVOICEAMOUNT) VALUES ('usmf', 'FT-1', NULL, '5');
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        #expect(
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM invoice WHERE msdyn_invoicenumber = 'FT-1'") == 0)
        let line =
            "SELECT quote(priceperunit) || ' ' || quote(quantity) || ' ' || quote(msdyn_inventoryquantity) FROM invoicedetail WHERE invoiceid = 'INV-000' AND sequencenumber = 2"
        #expect(try SideReader.rows(fixture.crm, line) == ["'99.9900000000' '1' '12.0000000000'"])

        try SideReader.execute(
            fixture.crm,
            """
            UPDATE invoice SET msdyn_totalamount = '1.0000000000' WHERE msdyn_invoicenumber = 'INV-000';
            UPDATE invoicedetail SET priceperunit = '0.0100000000' WHERE invoiceid = 'INV-000' AND sequencenumber = 2;
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
            try SideReader.rows(
                fixture.erp,
                "SELECT quote(SALESPRICE) FROM SalesInvoiceLineV2Entity WHERE INVOICENUMBER = 'INV-000' AND LINECREATIONSEQUENCENUMBER = 2")
                == ["'99.99'"])

        try SideReader.execute(fixture.crm, "DELETE FROM invoicedetail WHERE invoiceid = 'INV-000' AND sequencenumber = 2")
        try await waitUntil {
            try SideReader.scalar(
                fixture.crm, "SELECT COUNT(*) FROM invoicedetail WHERE invoiceid = 'INV-000' AND sequencenumber = 2") == 1
        }

        // Away again: F&O's line and free-text invoice, and the invoice only the CRM has.
        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM SalesInvoiceLineV2Entity WHERE INVOICENUMBER = 'INV-000' AND LINECREATIONSEQUENCENUMBER = 2;
            DELETE FROM SalesInvoiceHeaderV2Entity WHERE INVOICENUMBER = 'FT-1';
            """)
        try SideReader.execute(fixture.crm, "DELETE FROM invoice WHERE msdyn_invoicenumber = 'C-INV'")
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Only B2B prospects become leads and only B2B leads become prospects; the address role and type constants land on their sides"
    )
    func onlyB2BProspects() async throws {
        let fixture = try SharedEnvironment.fixture
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
        let keys = "('PR-RETAIL', 'PR-B2B', 'L-SALES', 'L-B2B')"
        let leads =
            "SELECT msdyn_prospectid || ' ' || quote(address1_addresstypecode) FROM lead WHERE msdyn_prospectid IN \(keys) ORDER BY 1"
        let prospects =
            "SELECT PROSPECTID || ' ' || quote(ADDRESSLOCATIONROLES) FROM RetailProspectEntity WHERE PROSPECTID IN \(keys) ORDER BY 1"
        try await waitUntil {
            try SideReader.rows(fixture.crm, leads).count == 3 && SideReader.rows(fixture.erp, prospects).count == 3
        }
        #expect(try SideReader.rows(fixture.crm, leads) == ["L-B2B NULL", "L-SALES NULL", "PR-B2B 1"])
        #expect(
            try SideReader.rows(fixture.erp, prospects) == ["L-B2B 'Business'", "PR-B2B NULL", "PR-RETAIL NULL"])
        try StandardEnvironment.expectNothingParked(fixture)

        // Away again, each from the side where it is carried or stays.
        try SideReader.execute(fixture.erp, "DELETE FROM RetailProspectEntity WHERE PROSPECTID IN ('PR-RETAIL', 'PR-B2B', 'L-B2B')")
        try SideReader.execute(fixture.crm, "DELETE FROM lead WHERE msdyn_prospectid = 'L-SALES'")
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }
}
