public import CTandemPlugin
import StandardMapKit
import TandemDocuments
import TandemPluginKit

/// Notes and attachments: customer, vendor, sales order and purchase order
/// document attachments and Dataverse's `annotation`, from part C of
/// `shared/reference/dualwrite-transactional-maps.md` (`docs/MAPS.md`), with
/// the attachment's file (name, MIME type and body) carried byte for byte.
/// The four maps share the one `annotation` table; each reads back only the
/// annotations of its parent kind (`objecttypecode`). Customers and vendors
/// are master data's maps, sales orders prospect-to-cash's, purchase orders
/// procure-to-pay's: each attachment waits for its parent.
enum Notes: TandemPlugin {
    static let id = "tandem.std.notes"
    static let version = "1.0.0"
    static let name = "Notes and attachments"
    static let summary =
        "Customer, vendor, sales order and purchase order notes, URLs and file attachments to Dataverse annotations, both ways, file bodies byte for byte"

    static var maps: MapsDocument? {
        MapsDocument(maps: [customerAttachments, vendorAttachments, salesOrderAttachments, purchaseOrderAttachments])
    }

    // MARK: Value maps

    /// A note's restriction (VM-RESTRICT), F&O's `DocuRestriction`.
    static let restriction = OptionValues(["Internal": 0, "External": 1])

    /// An attachment's type to Dataverse's `isdocument`, one way: a URL is a
    /// note in Dataverse (it has no URL type), so the table is not one-to-one.
    static let typeToDocument = OptionValues(["Note": 0, "URL": 0, "File": 1])

    /// `isdocument` back to F&O's type: the reference's constant `Note`
    /// (`<< none Note`) for a note, and `File` for an annotation with a file.
    /// Written CRM value to ERP value: the host runs a one-way field's
    /// transform as written, and inverts only a both-ways field's.
    static let documentToType = TransformReference(
        name: "tandem.std.value-map", config: .object(["map": .object(["0": .string("Note"), "1": .string("File")])]))

    // MARK: Parents

    /// Parents, looked up by the text key that the annotation holds
    /// (`msdyn_relatedentityid`), in the attachment's own company.
    static let customer = Lookup(map: "customers-accounts", erp: "CUSTOMERACCOUNT", crm: "accountnumber")
    static let vendor = Lookup(map: "vendors", erp: "VENDORACCOUNTNUMBER", crm: "msdyn_vendoraccountnumber")
    static let salesOrder = Lookup(map: "sales-order-headers", erp: "SALESORDERNUMBER", crm: "msdyn_salesordernumber")
    static let purchaseOrder = Lookup(map: "purchase-order-headers", erp: "PURCHASEORDERNUMBER", crm: "msdyn_name")

    // MARK: The maps

    /// The columns that describe what an attachment's four entities call
    /// differently: the type, subject and restriction columns.
    struct Names {
        var type = "DOCUMENTATTACHMENTTYPECODE"
        var subject = "ATTACHMENTDESCRIPTION"
        var restriction = "ACCESSRESTRICTION"
    }

    /// One attachment map: the reference's rows (C.1–C.4), plus the company
    /// (so the parent is found in the attachment's company) and the file.
    static func attachments(
        id: String, reference: String, entity: String, parent: (erp: String, crm: String, lookup: Lookup),
        parentMap: String, objectType: String, names: Names, crmFilter: String
    ) -> TableMap {
        TableMap(
            id: id, version: "1.0.0",
            description:
                "\(reference) (\(entity)) to annotation with objecttypecode '\(objectType)': notes, URLs and files, both ways, the file body byte for byte",
            erp: TableReference(table: entity, key: ["DOCUMENTID"]),
            crm: TableReference(table: "annotation", key: ["msdyn_notesid"]),
            fields: [
                StandardFields.both("DOCUMENTID", "msdyn_notesid"),
                // Not in the key: the document id is a GUID, unique across companies.
                StandardFields.company,
                StandardFields.both(names.subject, "subject"),
                StandardFields.both("NOTES", "notetext"),
                StandardFields.both(parent.erp, parent.crm, lookup: parent.lookup),
                StandardFields.constantToCRM("objecttypecode", .string(objectType)),
                StandardFields.options(names.restriction, "msdyn_restriction", restriction),
                // `TYPEID << none Note`, widened to files: the type follows `isdocument`.
                StandardFields.options(names.type, "isdocument", typeToDocument, .erpToCrm),
                FieldMap(
                    erp: .one(names.type), crm: .one("isdocument"), direction: .crmToErp, transform: documentToType),
                // The file: Tandem's own columns (the reference maps no file, docs/MAPS.md).
                StandardFields.both("FILENAME", "filename"),
                StandardFields.both("FILECONTENTTYPE", "mimetype"),
                StandardFields.both("FILECONTENTS", "documentbody"),
            ],
            filters: Filters(erpToCrm: "\(names.type) IN ('Note', 'URL', 'File')", crmToErp: crmFilter),
            dependsOn: ["companies", parentMap])
    }

    /// Customer Attachments → annotations (#230).
    static let customerAttachments = attachments(
        id: "customer-attachments", reference: "Customer attachments", entity: "CustCustomerDocumentAttachmentEntity",
        parent: ("CUSTOMERACCOUNTNUMBER", "msdyn_relatedentityid", customer), parentMap: "customers-accounts",
        objectType: "account", names: Names(type: "TYPEID", subject: "NAME", restriction: "RESTRICTION"),
        crmFilter:
            "(objecttypecode = 'account' OR objecttypecode = 'contact') AND msdyn_relatedentityid IS NOT NULL")

    /// Vendor document attachments → annotations (#231): the vendor is in `msdyn_relatedentityid2`.
    static let vendorAttachments = attachments(
        id: "vendor-attachments", reference: "Vendor document attachments",
        entity: "VendVendorDocumentAttachmentEntity",
        parent: ("VENDORACCOUNTNUMBER", "msdyn_relatedentityid2", vendor), parentMap: "vendors",
        objectType: "msdyn_vendor", names: Names(),
        crmFilter:
            "objecttypecode IN ('msdyn_vendor', 'account', 'contact') AND msdyn_relatedentityid2 IS NOT NULL")

    /// Sales order header document attachments → annotations (#229).
    static let salesOrderAttachments = attachments(
        id: "sales-order-attachments", reference: "Sales order header document attachments",
        entity: "SalesOrderHeaderDocumentAttachmentEntity",
        parent: ("SALESORDERNUMBER", "msdyn_relatedentityid", salesOrder), parentMap: "sales-order-headers",
        objectType: "salesorder", names: Names(), crmFilter: "objecttypecode = 'salesorder'")

    /// Purchase order header document attachments → annotations (#232).
    static let purchaseOrderAttachments = attachments(
        id: "purchase-order-attachments", reference: "Purchase order header document attachments",
        entity: "PurchPurchaseOrderHeaderDocumentAttachmentEntity",
        parent: ("PURCHASEORDERNUMBER", "msdyn_relatedentityid", purchaseOrder), parentMap: "purchase-order-headers",
        objectType: "msdyn_purchaseorder", names: Names(), crmFilter: "objecttypecode = 'msdyn_purchaseorder'")

    // MARK: DDL

    /// Column types other than TEXT: the file body is bytes on both sides
    /// (a BLOB keeps every byte, NULs included; Dataverse's Web API shows it
    /// as base64, which is its wire form, not the value); option sets and
    /// booleans are integers.
    static let types: [String: String] = [
        "FILECONTENTS": "BLOB", "documentbody": "BLOB", "msdyn_restriction": "INTEGER", "isdocument": "INTEGER",
    ]

    /// Each map's ERP entity, and the one `annotation` that all four share
    /// (with the union of their columns: `msdyn_relatedentityid2` is the vendors').
    static var ddl: DDLDocument? {
        let all = maps?.maps ?? []
        return DDLDocument(
            erp: all.map { SQLiteTable.create($0.erp.table, key: $0.erp.key, SQLiteTable.columns(of: [$0], .erp, types: types)) },
            crm: [SQLiteTable.create("annotation", key: ["msdyn_notesid"], SQLiteTable.columns(of: all, .crm, types: types))])
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: Notes.self, hostMajor: major, hostMinor: minor)
}
