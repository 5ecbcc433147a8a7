/// One record per notes map, as each side must hold it (see ``RoundTrip``):
/// the parents (customer `US-000`, vendor `V-000`, sales order `SO-000`,
/// purchase order `PO-000`) come from ``StandardEnvironment/seed`` and
/// ``StandardEnvironment/notesSeed``. File bodies are blobs (`X'…'`), NUL
/// bytes included; restrictions and `isdocument` are integers on the CRM side.
extension RoundTrip {
    static let notes: [RoundTrip] = [notesCustomer, notesVendor, notesSalesOrder, notesPurchaseOrder]

    /// A file (type `File`, `isdocument` 1) on a customer, with a body of NUL, 0xFF and text bytes.
    static let notesCustomer = RoundTrip(
        map: "customer-attachments",
        erp: Record(
            table: "CustCustomerDocumentAttachmentEntity", key: ["DOCUMENTID"],
            row: [
                "DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000001'", "DATAAREAID": "'usmf'",
                "NAME": "'Signed contract'", "CUSTOMERACCOUNTNUMBER": "'US-000'", "TYPEID": "'File'",
                "NOTES": "'Scanned, page 1 of 2'", "RESTRICTION": "'External'", "FILENAME": "'contract.pdf'",
                "FILECONTENTTYPE": "'application/pdf'", "FILECONTENTS": "X'255044460000FF0A'",
            ]),
        crm: Record(
            table: "annotation", key: ["msdyn_notesid"],
            row: [
                "msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000001'", "msdyn_company": "'usmf'",
                "subject": "'Signed contract'", "msdyn_relatedentityid": "'US-000'", "objecttypecode": "'account'",
                "isdocument": "1", "notetext": "'Scanned, page 1 of 2'", "msdyn_restriction": "1",
                "filename": "'contract.pdf'", "mimetype": "'application/pdf'", "documentbody": "X'255044460000FF0A'",
            ]),
        update: (
            ["NOTES": "'Both pages'", "RESTRICTION": "'Internal'", "FILECONTENTS": "X'00'"],
            ["notetext": "'Both pages'", "msdyn_restriction": "0", "documentbody": "X'00'"]
        ),
        second: (
            ["DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000002'"],
            ["msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000002'"]
        ))

    /// A URL on a vendor is a note in Dataverse (`isdocument` 0); a note made
    /// in Dataverse arrives as type `Note` (the reference's `<<` constant).
    static let notesVendor = RoundTrip(
        map: "vendor-attachments",
        erp: Record(
            table: "VendVendorDocumentAttachmentEntity", key: ["DOCUMENTID"],
            row: [
                "DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000011'", "DATAAREAID": "'usmf'",
                "ATTACHMENTDESCRIPTION": "'Price list'", "VENDORACCOUNTNUMBER": "'V-000'",
                "DOCUMENTATTACHMENTTYPECODE": "'URL'", "NOTES": "'https://example.com/prices'",
                "ACCESSRESTRICTION": "'Internal'",
            ]),
        crm: Record(
            table: "annotation", key: ["msdyn_notesid"],
            row: [
                "msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000011'", "msdyn_company": "'usmf'",
                "subject": "'Price list'", "msdyn_relatedentityid2": "'V-000'", "objecttypecode": "'msdyn_vendor'",
                "isdocument": "0", "notetext": "'https://example.com/prices'", "msdyn_restriction": "0",
            ]),
        update: (
            ["ATTACHMENTDESCRIPTION": "'Price list 2027'", "ACCESSRESTRICTION": "'External'"],
            ["subject": "'Price list 2027'", "msdyn_restriction": "1"]
        ),
        second: (
            ["DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000012'", "DOCUMENTATTACHMENTTYPECODE": "'Note'"],
            ["msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000012'"]
        ))

    /// A plain note on a sales order, its text with trailing blanks.
    static let notesSalesOrder = RoundTrip(
        map: "sales-order-attachments",
        erp: Record(
            table: "SalesOrderHeaderDocumentAttachmentEntity", key: ["DOCUMENTID"],
            row: [
                "DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000021'", "DATAAREAID": "'usmf'",
                "ATTACHMENTDESCRIPTION": "'Delivery'", "SALESORDERNUMBER": "'SO-000'",
                "DOCUMENTATTACHMENTTYPECODE": "'Note'", "NOTES": "'Ring twice  '", "ACCESSRESTRICTION": "'External'",
            ]),
        crm: Record(
            table: "annotation", key: ["msdyn_notesid"],
            row: [
                "msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000021'", "msdyn_company": "'usmf'",
                "subject": "'Delivery'", "msdyn_relatedentityid": "'SO-000'", "objecttypecode": "'salesorder'",
                "isdocument": "0", "notetext": "'Ring twice  '", "msdyn_restriction": "1",
            ]),
        update: (["NOTES": "'Leave at the door'"], ["notetext": "'Leave at the door'"]),
        second: (
            ["DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000022'"],
            ["msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000022'"]
        ))

    /// A file on a purchase order; the edit replaces the file.
    static let notesPurchaseOrder = RoundTrip(
        map: "purchase-order-attachments",
        erp: Record(
            table: "PurchPurchaseOrderHeaderDocumentAttachmentEntity", key: ["DOCUMENTID"],
            row: [
                "DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000031'", "DATAAREAID": "'usmf'",
                "ATTACHMENTDESCRIPTION": "'Quote from vendor'", "PURCHASEORDERNUMBER": "'PO-000'",
                "DOCUMENTATTACHMENTTYPECODE": "'File'", "ACCESSRESTRICTION": "'Internal'",
                "FILENAME": "'quote.txt'", "FILECONTENTTYPE": "'text/plain'", "FILECONTENTS": "X'717569636B00'",
            ]),
        crm: Record(
            table: "annotation", key: ["msdyn_notesid"],
            row: [
                "msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000031'", "msdyn_company": "'usmf'",
                "subject": "'Quote from vendor'", "msdyn_relatedentityid": "'PO-000'",
                "objecttypecode": "'msdyn_purchaseorder'", "isdocument": "1", "msdyn_restriction": "0",
                "filename": "'quote.txt'", "mimetype": "'text/plain'", "documentbody": "X'717569636B00'",
            ]),
        update: (
            ["FILENAME": "'quote-v2.bin'", "FILECONTENTTYPE": "'application/octet-stream'", "FILECONTENTS": "X'FFFE'"],
            ["filename": "'quote-v2.bin'", "mimetype": "'application/octet-stream'", "documentbody": "X'FFFE'"]
        ),
        second: (
            ["DOCUMENTID": "'5a1c0000-0000-4000-8000-000000000032'"],
            ["msdyn_notesid": "'5a1c0000-0000-4000-8000-000000000032'"]
        ))
}

extension StandardEnvironment {
    /// The parents the notes maps hang on, besides the master data's
    /// customer and vendor: sales order `SO-000` (with what its header
    /// looks up) and purchase order `PO-000`.
    static let notesSeed = """
        INSERT INTO InventOperationalSiteEntity (DATAAREAID, SITEID, SITENAME) VALUES ('usmf', '1', 'Main site');
        INSERT INTO InventWarehouseEntity (DATAAREAID, WAREHOUSEID, WAREHOUSENAME, OPERATIONALSITEID) VALUES ('usmf', '11', 'Main warehouse', '1');
        INSERT INTO SalesOrderHeaderCDSEntity (DATAAREAID, SALESORDERNUMBER, ORDERINGCUSTOMERACCOUNTNUMBER, CURRENCYCODE)
            VALUES ('usmf', 'SO-000', 'US-000', 'USD');
        INSERT INTO PurchPurchaseOrderHeaderV2Entity (DATAAREAID, PURCHASEORDERNUMBER, ORDERVENDORACCOUNTNUMBER, CURRENCYCODE)
            VALUES ('usmf', 'PO-000', 'V-000', 'USD');
        """
}
