import Foundation
import GRDB
import TandemTestSupport
import Testing

/// The notes and attachments plugin (`tandem.std.notes`, docs/MAPS.md) with
/// the real `tandem` executable and engine, all in one shared environment
/// (``SharedEnvironment``): every map round-trips both ways, file bodies
/// arrive byte for byte (every byte value, NULs, empty, several MiB) in
/// each direction, and an attachment written before its parent waits for it.
@Suite(
    "Notes and attachments maps", .serialized,
    SharedEnvironment(
        label: "notes", maps: StandardEnvironment.notesEnvironmentMaps, seeds: [StandardEnvironment.notesSeed]))
struct NotesTests {
    @Test(
        "Every notes map round-trips both ways into the one annotation table, parent, restriction, type and file compared column for column",
        arguments: RoundTrip.notes)
    func roundTrip(_ trip: RoundTrip) async throws {
        let fixture = try SharedEnvironment.fixture
        try await trip.runInStep(fixture)
    }

    /// How long a wait may take before it fails: RoundTrip's 90 s (an
    /// engine among a dozen on 2 cores), not waitUntil's 180 s, so that a
    /// broken map fails the suite in minutes, not in a quarter of an hour.
    static let patience: Duration = .seconds(90)

    /// Bodies that text handling would damage: every byte value (NUL and
    /// invalid UTF-8 included), a body of NULs only, an empty body (not
    /// NULL), and 3 MiB of pseudo-random bytes.
    static let samples: [(name: String, bytes: Data)] = {
        var generator = FilterFuzzTests.Generator(state: 23)
        let large = Data((0..<(3 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        return [
            ("every-byte.bin", Data((0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })),
            ("nuls.bin", Data(repeating: 0, count: 17)),
            ("empty.bin", Data()),
            ("large.bin", large),
        ]
    }()

    @Test(
        "File bodies arrive byte for byte both ways: every byte value, NULs only, empty (not NULL) and 3 MiB, inserted and edited on either side"
    )
    func bodiesByteForByte() async throws {
        let fixture = try SharedEnvironment.fixture
        let bodies = Self.samples
        // F&O: one customer file per body.
        try await SideReader.queue(fixture.erp).write { db in
            for (index, body) in bodies.enumerated() {
                let blob = Self.blob(body.bytes)
                try db.execute(
                    sql: """
                        INSERT INTO CustCustomerDocumentAttachmentEntity (DOCUMENTID, DATAAREAID, CUSTOMERACCOUNTNUMBER,
                            TYPEID, FILENAME, FILECONTENTS) VALUES (?, 'usmf', 'US-000', 'File', ?, \(blob.sql))
                        """, arguments: ["body-erp-\(index)", body.name] + blob.arguments)
            }
        }
        // Dataverse: one purchase order file per body.
        try await SideReader.queue(fixture.crm).write { db in
            for (index, body) in bodies.enumerated() {
                let blob = Self.blob(body.bytes)
                try db.execute(
                    sql: """
                        INSERT INTO annotation (msdyn_notesid, msdyn_company, msdyn_relatedentityid, objecttypecode,
                            isdocument, filename, documentbody)
                            VALUES (?, 'usmf', 'PO-000', 'msdyn_purchaseorder', 1, ?, \(blob.sql))
                        """, arguments: ["body-crm-\(index)", body.name] + blob.arguments)
            }
        }
        let expected: [Data?] = bodies.map(\.bytes)
        try await waitUntil(timeout: Self.patience) {
            try Self.bodies(fixture.crm, "annotation", "msdyn_notesid", "documentbody", "body-erp-") == expected
                && Self.bodies(
                    fixture.erp, "PurchPurchaseOrderHeaderDocumentAttachmentEntity", "DOCUMENTID", "FILECONTENTS",
                    "body-crm-") == expected
        }
        #expect(try Self.bodies(fixture.crm, "annotation", "msdyn_notesid", "documentbody", "body-erp-") == expected)
        #expect(
            try Self.bodies(
                fixture.erp, "PurchPurchaseOrderHeaderDocumentAttachmentEntity", "DOCUMENTID", "FILECONTENTS",
                "body-crm-")
                == expected)
        // The empty body is an empty blob on the other side, not NULL and not text.
        #expect(
            try SideReader.rows(
                fixture.crm, "SELECT typeof(documentbody) FROM annotation WHERE msdyn_notesid = 'body-erp-2'")
                == ["blob"])
        #expect(
            try SideReader.rows(
                fixture.erp,
                "SELECT typeof(FILECONTENTS) || ' ' || DOCUMENTATTACHMENTTYPECODE FROM PurchPurchaseOrderHeaderDocumentAttachmentEntity WHERE DOCUMENTID = 'body-crm-2'"
            ) == ["blob File"])

        // Edited where they arrived: the bodies swap places (large becomes small and the other way round).
        let swapped = Array(expected.reversed())
        try await SideReader.queue(fixture.crm).write { db in
            for (index, bytes) in swapped.enumerated() {
                let blob = Self.blob(bytes!)
                try db.execute(
                    sql: "UPDATE annotation SET documentbody = \(blob.sql) WHERE msdyn_notesid = ?",
                    arguments: blob.arguments + ["body-erp-\(index)"])
            }
        }
        try await SideReader.queue(fixture.erp).write { db in
            for (index, bytes) in swapped.enumerated() {
                let blob = Self.blob(bytes!)
                try db.execute(
                    sql:
                        "UPDATE PurchPurchaseOrderHeaderDocumentAttachmentEntity SET FILECONTENTS = \(blob.sql) WHERE DOCUMENTID = ?",
                    arguments: blob.arguments + ["body-crm-\(index)"])
            }
        }
        try await waitUntil(timeout: Self.patience) {
            try Self.bodies(
                fixture.erp, "CustCustomerDocumentAttachmentEntity", "DOCUMENTID", "FILECONTENTS", "body-erp-")
                == swapped
                && Self.bodies(fixture.crm, "annotation", "msdyn_notesid", "documentbody", "body-crm-") == swapped
        }
        #expect(
            try Self.bodies(
                fixture.erp, "CustCustomerDocumentAttachmentEntity", "DOCUMENTID", "FILECONTENTS", "body-erp-")
                == swapped)
        #expect(try Self.bodies(fixture.crm, "annotation", "msdyn_notesid", "documentbody", "body-crm-") == swapped)

        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM CustCustomerDocumentAttachmentEntity WHERE DOCUMENTID LIKE 'body-%';
            DELETE FROM PurchPurchaseOrderHeaderDocumentAttachmentEntity WHERE DOCUMENTID LIKE 'body-%';
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation") == 0)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    @Test(
        "An attachment written before its parent waits for it, on either side, and arrives with its body once the parent does"
    )
    func attachmentWaitsForParent() async throws {
        let fixture = try SharedEnvironment.fixture
        let body = Data([0, 1, 2, 0, 255, 0])
        // F&O: a file on a customer F&O does not have yet.
        try await SideReader.queue(fixture.erp).write { db in
            try db.execute(
                sql: """
                    INSERT INTO CustCustomerDocumentAttachmentEntity (DOCUMENTID, DATAAREAID, CUSTOMERACCOUNTNUMBER, TYPEID,
                        NAME, FILENAME, FILECONTENTS) VALUES ('early-erp', 'usmf', 'US-900', 'File', 'Early', 'early.bin', ?)
                    """, arguments: [body])
        }
        // Dataverse: a note on a purchase order Dataverse does not have yet.
        try SideReader.execute(
            fixture.crm,
            """
            INSERT INTO annotation (msdyn_notesid, msdyn_company, msdyn_relatedentityid, objecttypecode, isdocument, notetext)
                VALUES ('early-crm', 'usmf', 'C-PO-900', 'msdyn_purchaseorder', 0, 'Deliver to dock 4');
            """)
        try await waitUntil(timeout: Self.patience) {
            let errors = try fixture.tandem(["errors", "list"]).stdout
            return errors.contains("customer-attachments") && errors.contains("purchase-order-attachments")
                && errors.contains("waits for its parent in map")
        }
        #expect(
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE msdyn_notesid = 'early-erp'") == 0
        )
        #expect(
            try SideReader.scalar(
                fixture.erp,
                "SELECT COUNT(*) FROM PurchPurchaseOrderHeaderDocumentAttachmentEntity WHERE DOCUMENTID = 'early-crm'")
                == 0)

        try SideReader.execute(
            fixture.erp,
            "INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE, PARTYNUMBER) VALUES ('usmf', 'US-900', 'Organization', '000001')"
        )
        try SideReader.execute(
            fixture.crm,
            "INSERT INTO msdyn_purchaseorder (msdyn_company, msdyn_name, msdyn_vendor, transactioncurrencyid) VALUES ('usmf', 'C-PO-900', 'V-000', 'USD')"
        )
        let crm =
            "SELECT msdyn_relatedentityid || ' ' || objecttypecode || ' ' || isdocument || ' ' || subject || ' ' || hex(documentbody) FROM annotation WHERE msdyn_notesid = 'early-erp'"
        let erp =
            "SELECT PURCHASEORDERNUMBER || ' ' || DOCUMENTATTACHMENTTYPECODE || ' ' || NOTES FROM PurchPurchaseOrderHeaderDocumentAttachmentEntity WHERE DOCUMENTID = 'early-crm'"
        try await waitUntil(timeout: Self.patience) {
            try SideReader.rows(fixture.crm, crm).count == 1 && SideReader.rows(fixture.erp, erp).count == 1
        }
        #expect(try SideReader.rows(fixture.crm, crm) == ["US-900 account 1 Early 00010200FF00"])
        #expect(try SideReader.rows(fixture.erp, erp) == ["C-PO-900 Note Deliver to dock 4"])
        try StandardEnvironment.expectNothingParked(fixture)

        // Away again, attachments before their parents, each where it was made.
        try SideReader.execute(
            fixture.erp,
            """
            DELETE FROM CustCustomerDocumentAttachmentEntity WHERE DOCUMENTID = 'early-erp';
            DELETE FROM CustCustomerV3Entity WHERE CUSTOMERACCOUNT = 'US-900';
            """)
        try SideReader.execute(
            fixture.crm,
            """
            DELETE FROM annotation WHERE msdyn_notesid = 'early-crm';
            DELETE FROM msdyn_purchaseorder WHERE msdyn_name = 'C-PO-900';
            """)
        try await StandardEnvironment.awaitInStep(fixture)
        try StandardEnvironment.expectNothingParked(fixture)
    }

    /// A blob parameter: `?` with `bytes`, or the literal `X''` for no
    /// bytes, since GRDB binds an empty `Data` by its base address, which is
    /// nil, and SQLite takes a nil blob for NULL.
    @Test(
        "A CRM edit of isdocument (a note made a file) travels to F&O as the attachment's type; though isdocument is written from the type one way, it is no one-way conflict and is not put back"
    )
    func documentFlagEdit() async throws {
        let fixture = try SharedEnvironment.fixture
        try SideReader.execute(
            fixture.erp,
            """
            INSERT INTO CustCustomerDocumentAttachmentEntity (DOCUMENTID, DATAAREAID, CUSTOMERACCOUNTNUMBER, TYPEID, NOTES)
                VALUES ('flag-1', 'usmf', 'US-000', 'Note', 'a note')
            """)
        let flag = "SELECT isdocument FROM annotation WHERE msdyn_notesid = 'flag-1'"
        try await waitUntil(timeout: Self.patience) {
            try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM annotation WHERE msdyn_notesid = 'flag-1'") == 1
        }
        #expect(try SideReader.scalar(fixture.crm, flag) == 0)
        try SideReader.execute(
            fixture.crm,
            "UPDATE annotation SET isdocument = 1, filename = 'a.txt', documentbody = x'61' WHERE msdyn_notesid = 'flag-1'")
        try await waitUntil(timeout: Self.patience) {
            try SideReader.rows(
                fixture.erp, "SELECT TYPEID FROM CustCustomerDocumentAttachmentEntity WHERE DOCUMENTID = 'flag-1'") == ["File"]
        }
        try await StandardEnvironment.awaitInStep(fixture)
        #expect(try SideReader.scalar(fixture.crm, flag) == 1)
        let reports = try ConflictTests.conflicts(fixture, ["--map", "customer-attachments"])
        #expect(!reports.contains { ($0["key"] as? String)?.contains("flag-1") == true }, "\(reports)")
    }

    static func blob(_ bytes: Data) -> (sql: String, arguments: StatementArguments) {
        bytes.isEmpty ? ("X''", []) : ("?", [bytes])
    }

    /// The bodies of `table`'s rows whose key starts with `prefix`, in key order.
    static func bodies(
        _ path: String, _ table: String, _ key: String, _ column: String, _ prefix: String
    ) throws
        -> [Data?]
    {
        try SideReader.queue(path).read { db in
            try Row.fetchAll(db, sql: "SELECT \(column) FROM \(table) WHERE \(key) LIKE '\(prefix)%' ORDER BY \(key)")
                .map {
                    $0[0] as Data?
                }
        }
    }
}
