import Foundation
import TandemTestSupport
import Testing

/// The procure-to-pay plugin (`tandem.std.procure-to-pay`, docs/MAPS.md)
/// with the real `tandem` executable and engine, all in one shared
/// environment (``SharedEnvironment``): every map round-trips in each
/// direction it allows, lines wait for their headers, a line F&O
/// soft-deletes stays in F&O when Field Service deletes it, SCM's statuses
/// give Field Service's by the documented rules, and receipts are the ERP's.
@Suite(
    "Procure-to-pay maps", .serialized,
    SharedEnvironment(
        label: "p2p", maps: StandardEnvironment.procureToPayEnvironmentMaps,
        seeds: [StandardEnvironment.procureToPaySeed]))
struct ProcureToPayTests {
    @Test(
        "Every procure-to-pay map round-trips in each direction it allows, value maps, lookups, exact money and both quantities of a receipt compared column for column",
        arguments: RoundTrip.procureToPay)
    func roundTrip(_ trip: RoundTrip) async throws {
        let fixture = try SharedEnvironment.fixture
        try await trip.runInStep(fixture)
    }

    /// Not a ``RoundTrip``: every column of an assignment is in its key or
    /// one way, so there is no edit to round-trip.
    @Test(
        "A product put in a category on either side is in it on the other, the product number also as the CRM's name; taken out where it was put in, it is gone on both"
    )
    func categoryAssignments() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            "INSERT INTO EcoResProductCategoryAssignmentEntity (PRODUCTNUMBER, PRODUCTCATEGORYHIERARCHYNAME, PRODUCTCATEGORYNAME) VALUES ('D0000', 'Procurement', 'Office')"
        )
        try SideReader.execute(
            fixture.crm,
            "INSERT INTO msdyn_productcategoryassignment (msdyn_globalproduct, msdyn_productcategoryhierarchy, msdyn_productcategory) VALUES ('D0000', 'Procurement', 'Furniture')"
        )
        let crm =
            "SELECT msdyn_globalproduct || ' ' || msdyn_productcategoryhierarchy || ' ' || msdyn_productcategory || ' ' || quote(msdyn_name) FROM msdyn_productcategoryassignment ORDER BY 1"
        let erp =
            "SELECT PRODUCTNUMBER || ' ' || PRODUCTCATEGORYHIERARCHYNAME || ' ' || PRODUCTCATEGORYNAME FROM EcoResProductCategoryAssignmentEntity ORDER BY 1"
        try await waitUntil { try SideReader.rows(fixture.crm, crm).count == 2 && SideReader.rows(fixture.erp, erp).count == 2 }
        // The CRM-made one has no name until F&O next writes it (`PRODUCTNUMBER > msdyn_name` is F&O's).
        #expect(
            try SideReader.rows(fixture.crm, crm) == ["D0000 Procurement Furniture NULL", "D0000 Procurement Office 'D0000'"])
        #expect(try SideReader.rows(fixture.erp, erp) == ["D0000 Procurement Furniture", "D0000 Procurement Office"])
        try StandardEnvironment.expectNothingParked(fixture)

        try SideReader.execute(
            fixture.erp, "DELETE FROM EcoResProductCategoryAssignmentEntity WHERE PRODUCTCATEGORYNAME = 'Office'")
        try SideReader.execute(
            fixture.crm, "DELETE FROM msdyn_productcategoryassignment WHERE msdyn_productcategory = 'Furniture'")
        try await waitUntil { try SideReader.rows(fixture.crm, crm).isEmpty && SideReader.rows(fixture.erp, erp).isEmpty }
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Order lines and receipt lines written before their headers wait for them, on either side, and arrive once the header does, value for value"
    )
    func linesWaitForHeaders() async throws {
        let fixture = try SharedEnvironment.fixture
        // ERP: an order line and a receipt line first, their headers a while later.
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO PurchPurchaseOrderLineCDSEntity (DATAAREAID, PURCHASEORDERNUMBER, LINENUMBER, PRODUCTNUMBER, PURCHASEUNITSYMBOL,
                ORDEREDPURCHASEQUANTITY, PURCHASEPRICE, ISDELETED) VALUES ('usmf', 'PO-100', 1, 'D0000', 'box', '2', '10.5', 'No');
            INSERT INTO VendProductReceiptLineEntity (DATAAREAID, RECORDID, PRODUCTRECEIPTHEADERRECORDID, PURCHASEORDERNUMBER,
                PURCHASEORDERLINENUMBER, RECEIVEDPURCHASEQUANTITY, RECEIVEDINVENTORYQUANTITY)
                VALUES ('usmf', 5637145001, 5637145000, 'PO-100', 1, '2', '24');
            """)
        // CRM: an order product first, its order a while later.
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO msdyn_purchaseorderproduct (msdyn_company, msdyn_purchaseorder, msdyn_lineorder, msdyn_product, msdyn_unit, msdyn_quantity)
                VALUES ('usmf', 'C-PO-1', 1, 'D0000', 'box', '0.25');
            """)
        try await waitUntil {
            let errors = try fixture.tandem(["errors", "list"]).stdout
            return errors.contains("purchase-order-lines") && errors.contains("product-receipt-lines")
                && errors.contains("waits for its parent in map")
        }
        #expect(
            try SideReader.scalar(
                fixture.crm, "SELECT COUNT(*) FROM msdyn_purchaseorderproduct WHERE msdyn_purchaseorder = 'PO-100'") == 0)
        #expect(
            try SideReader.scalar(
                fixture.crm, "SELECT COUNT(*) FROM msdyn_purchaseorderreceiptproduct WHERE msdyn_recordid = 5637145001")
                == 0)
        #expect(
            try SideReader.scalar(
                fixture.erp, "SELECT COUNT(*) FROM PurchPurchaseOrderLineCDSEntity WHERE PURCHASEORDERNUMBER = 'C-PO-1'")
                == 0)

        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO PurchPurchaseOrderHeaderV2Entity (DATAAREAID, PURCHASEORDERNUMBER, ORDERVENDORACCOUNTNUMBER, CURRENCYCODE)
                VALUES ('usmf', 'PO-100', 'V-000', 'USD');
            INSERT INTO VendProductReceiptHeaderEntity (DATAAREAID, RECORDID, PRODUCTRECEIPTNUMBER, PURCHASEORDERNUMBER)
                VALUES ('usmf', 5637145000, 'PR-100', 'PO-100');
            """)
        try SideReader.execute(
            fixture.crm,
            "INSERT INTO msdyn_purchaseorder (msdyn_company, msdyn_name, msdyn_vendor, transactioncurrencyid) VALUES ('usmf', 'C-PO-1', 'V-000', 'USD')"
        )
        let orderLine =
            "SELECT msdyn_purchaseorder || ' ' || msdyn_lineorder || ' ' || msdyn_quantity || ' ' || msdyn_unitcost || ' ' || msdyn_issoftdeletedinscm FROM msdyn_purchaseorderproduct WHERE msdyn_purchaseorder = 'PO-100'"
        let receiptLine =
            "SELECT msdyn_purchaseorderreceipt || ' ' || msdyn_purchaseorderproduct || ' ' || msdyn_quantity || ' ' || msdyn_receivedinventoryquantity FROM msdyn_purchaseorderreceiptproduct WHERE msdyn_recordid = 5637145001"
        let crmLine =
            "SELECT PURCHASEORDERNUMBER || ' ' || LINENUMBER || ' ' || ORDEREDPURCHASEQUANTITY || ' ' || ISDELETED FROM PurchPurchaseOrderLineCDSEntity WHERE PURCHASEORDERNUMBER = 'C-PO-1'"
        try await waitUntil {
            try SideReader.rows(fixture.crm, orderLine).count == 1 && SideReader.rows(fixture.crm, receiptLine).count == 1
                && SideReader.rows(fixture.erp, crmLine).count == 1
        }
        #expect(try SideReader.rows(fixture.crm, orderLine) == ["PO-100 1 2 10.5000000000 0"])
        #expect(try SideReader.rows(fixture.crm, receiptLine) == ["5637145000 1 2 24"])
        // A line made in Field Service is not deleted in F&O: ISDELETED No, as F&O gives a new line.
        #expect(try SideReader.rows(fixture.erp, crmLine) == ["C-PO-1 1 0.25 No"])
        try StandardEnvironment.expectNothingParked(fixture)

        // Away again, the receipt first, as F&O would (the CRM-made order back from F&O's side, where it now is).
        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM VendProductReceiptLineEntity WHERE RECORDID = 5637145001;
            DELETE FROM VendProductReceiptHeaderEntity WHERE RECORDID = 5637145000;
            DELETE FROM PurchPurchaseOrderLineCDSEntity WHERE PURCHASEORDERNUMBER IN ('PO-100', 'C-PO-1');
            DELETE FROM PurchPurchaseOrderHeaderV2Entity WHERE PURCHASEORDERNUMBER IN ('PO-100', 'C-PO-1');
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "A line F&O soft-deletes (ISDELETED Yes) is flagged in Field Service; when Field Service then deletes it, F&O keeps it, soft-deleted"
    )
    func softDeletedLines() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO PurchPurchaseOrderLineCDSEntity (DATAAREAID, PURCHASEORDERNUMBER, LINENUMBER, PRODUCTNUMBER, PURCHASEUNITSYMBOL,
                ORDEREDPURCHASEQUANTITY, ISDELETED) VALUES ('usmf', 'PO-000', 5, 'D0000', 'box', '1', 'No');
            """)
        let flag =
            "SELECT quote(msdyn_issoftdeletedinscm) FROM msdyn_purchaseorderproduct WHERE msdyn_purchaseorder = 'PO-000' AND msdyn_lineorder = 5"
        try await waitUntil { try SideReader.rows(fixture.crm, flag) == ["0"] }

        try SideReader.execute(
            fixture.erp,
            "UPDATE PurchPurchaseOrderLineCDSEntity SET ISDELETED = 'Yes' WHERE PURCHASEORDERNUMBER = 'PO-000' AND LINENUMBER = 5")
        try await waitUntil { try SideReader.rows(fixture.crm, flag) == ["1"] }

        // Supply Chain Management Extended's logic in Dataverse deletes the flagged line.
        try SideReader.execute(
            fixture.crm,
            "DELETE FROM msdyn_purchaseorderproduct WHERE msdyn_purchaseorder = 'PO-000' AND msdyn_lineorder = 5")
        // The CRM delete is in the CRM's change log once it commits: wait until the engine has taken it.
        let deadline = ContinuousClock.now + .seconds(180)
        while try await StandardEnvironment.queue(fixture).queued > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(
            try SideReader.rows(
                fixture.erp,
                "SELECT ISDELETED FROM PurchPurchaseOrderLineCDSEntity WHERE PURCHASEORDERNUMBER = 'PO-000' AND LINENUMBER = 5")
                == ["Yes"])
        #expect(try SideReader.rows(fixture.crm, flag) == [])
        try StandardEnvironment.expectNothingParked(fixture)

        // F&O's own delete later (the PO is gone): nothing left on either side.
        try SideReader.execute(
            fixture.erp, "DELETE FROM PurchPurchaseOrderLineCDSEntity WHERE PURCHASEORDERNUMBER = 'PO-000' AND LINENUMBER = 5")
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "SCM's approval, order and line statuses give Field Service's approval, system and item status by the documented rules, and an FS edit of SCM's status is put back"
    )
    func statusRules() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO PurchPurchaseOrderHeaderV2Entity (DATAAREAID, PURCHASEORDERNUMBER, ORDERVENDORACCOUNTNUMBER, CURRENCYCODE,
                DOCUMENTAPPROVALSTATUS, PURCHASEORDERSTATUS) VALUES ('usmf', 'PO-200', 'V-000', 'USD', 'Draft', 'None');
            INSERT INTO PurchPurchaseOrderLineCDSEntity (DATAAREAID, PURCHASEORDERNUMBER, LINENUMBER, PRODUCTNUMBER, PURCHASEUNITSYMBOL,
                ORDEREDPURCHASEQUANTITY, PURCHASEORDERLINESTATUS, ISDELETED) VALUES ('usmf', 'PO-200', 1, 'D0000', 'box', '1', 'Backorder', 'No');
            """)
        let header =
            "SELECT quote(msdyn_documentapprovalstatus) || ' ' || quote(msdyn_approvalstatus) || ' ' || quote(msdyn_purchaseorderstatus) || ' ' || quote(msdyn_systemstatus) FROM msdyn_purchaseorder WHERE msdyn_name = 'PO-200'"
        let line =
            "SELECT quote(msdyn_purchaseorderlinestatus) || ' ' || quote(msdyn_itemstatus) FROM msdyn_purchaseorderproduct WHERE msdyn_purchaseorder = 'PO-200'"
        /// The ERP's header statuses (approval, order) and line status, then what Field Service must show.
        let steps: [(approval: String, order: String, line: String, header: String, item: String)] = [
            // Draft (or In review): no FS approval status; not yet confirmed: FS Draft; a line on order: Pending.
            ("Draft", "None", "Backorder", "192350000 NULL 192350000 690970000", "192350001 690970000"),
            ("InReview", "None", "Backorder", "192350001 NULL 192350000 690970000", "192350001 690970000"),
            // Approved, on order (Open order): FS Approved and Submitted.
            ("Approved", "Backorder", "Backorder", "192350003 690970000 192350001 690970001", "192350001 690970000"),
            ("InExternalReview", "Backorder", "Backorder", "192350004 690970000 192350001 690970001", "192350001 690970000"),
            ("Confirmed", "Backorder", "Received", "192350006 690970000 192350001 690970001", "192350002 690970001"),
            ("Finalized", "Received", "Invoiced", "192350005 690970000 192350002 690970003", "192350003 690970001"),
            ("Rejected", "Invoiced", "Canceled", "192350002 690970001 192350003 690970004", "192350004 690970002"),
            // Cancelled: FS Cancelled; the line Cancelled, then back on order: Pending again.
            ("Confirmed", "Canceled", "Canceled", "192350006 690970000 192350004 690970002", "192350004 690970002"),
            ("Confirmed", "Backorder", "Backorder", "192350006 690970000 192350001 690970001", "192350001 690970000"),
        ]
        for step in steps {
            try SideReader.execute(
                fixture.erp,
                """
                UPDATE PurchPurchaseOrderHeaderV2Entity SET DOCUMENTAPPROVALSTATUS = '\(step.approval)', PURCHASEORDERSTATUS = '\(step.order)' WHERE PURCHASEORDERNUMBER = 'PO-200';
                UPDATE PurchPurchaseOrderLineCDSEntity SET PURCHASEORDERLINESTATUS = '\(step.line)' WHERE PURCHASEORDERNUMBER = 'PO-200';
                """)
            try await waitUntil {
                try SideReader.rows(fixture.crm, header) == [step.header] && SideReader.rows(fixture.crm, line) == [step.item]
            }
            #expect(try SideReader.rows(fixture.crm, header) == [step.header], "\(step)")
            #expect(try SideReader.rows(fixture.crm, line) == [step.item], "\(step)")
        }

        // SCM statuses are never updated from FS: an FS edit is put back from F&O and reported.
        try SideReader.execute(
            fixture.crm,
            "UPDATE msdyn_purchaseorder SET msdyn_purchaseorderstatus = 192350004, msdyn_systemstatus = 690970002 WHERE msdyn_name = 'PO-200'"
        )
        try await waitUntil {
            try SideReader.rows(fixture.crm, header) == ["192350006 690970000 192350001 690970001"]
                && ConflictTests.conflicts(fixture, ["--map", "purchase-order-headers"]).count >= 1
        }
        #expect(
            try SideReader.rows(
                fixture.erp, "SELECT PURCHASEORDERSTATUS FROM PurchPurchaseOrderHeaderV2Entity WHERE PURCHASEORDERNUMBER = 'PO-200'")
                == ["Backorder"])
        let reports = try ConflictTests.conflicts(fixture, ["--map", "purchase-order-headers"])
        #expect(reports.allSatisfy { ($0["policy"] as? String) == "one-way" }, "\(reports)")

        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM PurchPurchaseOrderLineCDSEntity WHERE PURCHASEORDERNUMBER = 'PO-200';
            DELETE FROM PurchPurchaseOrderHeaderV2Entity WHERE PURCHASEORDERNUMBER = 'PO-200';
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "Product receipts are the ERP's: a CRM edit of a receipt or receipt line is put back and reported, a CRM delete restored, a CRM-made receipt never reaches the ERP"
    )
    func receiptsOneWay() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO VendProductReceiptLineEntity (DATAAREAID, RECORDID, PRODUCTRECEIPTHEADERRECORDID, PURCHASEORDERNUMBER,
                PURCHASEORDERLINENUMBER, PRODUCTNUMBER, PURCHASEUNITSYMBOL, RECEIVEDPURCHASEQUANTITY, RECEIVEDINVENTORYQUANTITY)
                VALUES ('usmf', 5637144700, 5637144576, 'PO-000', 1, 'D0000', 'box', '1', '12');
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        let line =
            "SELECT quote(msdyn_quantity) || ' ' || quote(msdyn_receivedinventoryquantity) FROM msdyn_purchaseorderreceiptproduct WHERE msdyn_recordid = 5637144700"
        let receipt = "SELECT quote(msdyn_name) FROM msdyn_purchaseorderreceipt WHERE msdyn_recordid = 5637144576"
        #expect(try SideReader.rows(fixture.crm, line) == ["'1' '12'"])

        try SideReader.execute(
            fixture.crm,
            """
            UPDATE msdyn_purchaseorderreceipt SET msdyn_name = 'edited in FS' WHERE msdyn_recordid = 5637144576;
            UPDATE msdyn_purchaseorderreceiptproduct SET msdyn_quantity = '100' WHERE msdyn_recordid = 5637144700;
            INSERT INTO msdyn_purchaseorderreceipt (msdyn_company, msdyn_recordid, msdyn_name) VALUES ('usmf', 1, 'made in FS');
            """)
        try await waitUntil {
            try SideReader.rows(fixture.crm, line) == ["'1' '12'"] && SideReader.rows(fixture.crm, receipt) == ["'PR-000'"]
        }
        let reports =
            try ConflictTests.conflicts(fixture, ["--map", "product-receipt-headers"])
            + ConflictTests.conflicts(fixture, ["--map", "product-receipt-lines"])
        #expect(reports.count >= 2, "\(reports)")
        #expect(reports.allSatisfy { ($0["policy"] as? String) == "one-way" }, "\(reports)")
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM VendProductReceiptHeaderEntity WHERE RECORDID = 1") == 0)
        #expect(
            try SideReader.rows(
                fixture.erp, "SELECT quote(RECEIVEDPURCHASEQUANTITY) FROM VendProductReceiptLineEntity WHERE RECORDID = 5637144700")
                == ["'1'"])

        try SideReader.execute(fixture.crm, "DELETE FROM msdyn_purchaseorderreceiptproduct WHERE msdyn_recordid = 5637144700")
        try await waitUntil { try SideReader.rows(fixture.crm, line) == ["'1' '12'"] }

        // Away again: F&O's line, and the receipt only Field Service has.
        try SideReader.execute(fixture.erp, "DELETE FROM VendProductReceiptLineEntity WHERE RECORDID = 5637144700")
        try SideReader.execute(fixture.crm, "DELETE FROM msdyn_purchaseorderreceipt WHERE msdyn_recordid = 1")
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }
}
