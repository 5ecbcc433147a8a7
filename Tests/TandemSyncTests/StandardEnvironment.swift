import Foundation
import TandemDocuments
import TandemTestSupport
import Testing

/// An environment with every standard map, made by `tandem init` from the
/// bundled plugins alone, running, with the parents that the round trips'
/// lookups need already in step on both sides.
enum StandardEnvironment {
    /// The standard map plugins and their ids.
    static let plugins = [
        "ReferenceData": "tandem.std.reference", "Customers": "tandem.std.customers", "Vendors": "tandem.std.vendors",
        "Products": "tandem.std.products", "PartyGAB": "tandem.std.party",
        "ProspectToCash": "tandem.std.prospect-to-cash", "ProcureToPay": "tandem.std.procure-to-pay",
        "Notes": "tandem.std.notes", "Loyalty": "tandem.std.loyalty", "Assets": "tandem.std.assets",
    ]

    /// Every standard map, parents first.
    static let maps = [
        "companies", "currencies", "payment-terms", "customer-groups", "vendor-groups", "unit-classes", "units",
        "unit-conversions",
        "parties", "postal-address-locations", "postal-addresses", "party-postal-addresses", "electronic-addresses",
        "customers-accounts", "customers-contacts", "vendors", "contacts-for-party", "products",
        "product-unit-conversions",
    ]

    /// The prospect-to-cash maps, parents first. Only the tests that need
    /// them run them: 14 more maps make every engine of the master-data tests
    /// slower on a shared machine.
    static let prospectToCashMaps = [
        "sites", "warehouses", "terms-of-delivery", "modes-of-delivery", "price-customer-groups", "sales-order-origins",
        "default-order-settings", "sales-quotation-headers", "sales-quotation-lines", "sales-order-headers",
        "sales-order-lines", "sales-invoice-headers", "sales-invoice-lines", "prospects",
    ]

    /// The procure-to-pay maps, parents first.
    static let procureToPayMaps = [
        "workers", "product-category-hierarchies", "product-category-hierarchy-roles", "product-categories",
        "product-category-assignments", "purchase-order-headers", "purchase-order-lines", "product-receipt-headers",
        "product-receipt-lines",
    ]

    /// What the procure-to-pay tests run: the master data, the prospect-to-cash
    /// maps that purchase orders look up (sites, warehouses, terms and modes of
    /// delivery), and the procure-to-pay maps; not the sales documents, whose
    /// ten maps would only slow the engine down.
    static let procureToPayEnvironmentMaps =
        maps + ["sites", "warehouses", "terms-of-delivery", "modes-of-delivery"] + procureToPayMaps

    /// The notes and attachments maps.
    static let notesMaps = [
        "customer-attachments", "vendor-attachments", "sales-order-attachments", "purchase-order-attachments",
    ]

    /// What the notes tests run: the master data, the sales and purchase
    /// order headers the attachments hang on with what those headers look
    /// up, and the notes maps; not the lines, invoices or receipts.
    static let notesEnvironmentMaps =
        maps + [
            "sites", "warehouses", "terms-of-delivery", "modes-of-delivery", "price-customer-groups",
            "sales-order-origins", "sales-order-headers", "workers", "purchase-order-headers",
        ] + notesMaps

    /// The customer loyalty maps, parents first.
    static let loyaltyMaps = ["loyalty-levels", "loyalty-reward-points", "loyalty-cards"]

    /// The field service asset maps, parents first (docs/MAPS.md).
    static let assetMaps = [
        "asset-lifecycle-states", "asset-lifecycle-models", "asset-types", "asset-manufacturers", "asset-models",
        "asset-warranties", "functional-location-lifecycle-models", "functional-location-lifecycle-states",
        "functional-location-types", "functional-locations", "assets",
    ]

    /// Every map of every standard plugin.
    static let allMaps = maps + prospectToCashMaps + procureToPayMaps + notesMaps + loyaltyMaps + assetMaps

    /// Parents written by the ERP application: two companies and currencies,
    /// terms of payment, groups, unit classes and units with conversions, two
    /// parties (an organisation and a person), a location, and one customer,
    /// vendor and contact person that the round trips' self-lookups point at.
    static let seed = """
        INSERT INTO OMLegalEntity VALUES ('usmf', 'Contoso Entertainment System USA'), ('demf', 'Contoso Entertainment System Germany');
        INSERT INTO CurrencyEntity VALUES ('USD', 'US Dollar', '$', 2), ('EUR', 'Euro', '€', 2);
        INSERT INTO PaymentTermEntity (DATAAREAID, NAME, DESCRIPTION) VALUES ('usmf', 'Net30', 'Net 30 days'), ('usmf', 'Net10', 'Net 10 days');
        INSERT INTO CustCustomerGroupEntity (DATAAREAID, CUSTOMERGROUPID, DESCRIPTION, PAYMENTTERMID) VALUES ('usmf', '10', 'Wholesale', 'Net30');
        INSERT INTO VendVendorGroupEntity (DATAAREAID, VENDORGROUPID, DESCRIPTION) VALUES ('usmf', '10', 'Suppliers');
        INSERT INTO UnitOfMeasureClassEntity VALUES ('Quantity', 'Quantity', 'ea'), ('Mass', 'Mass', 'kg');
        INSERT INTO UnitOfMeasureEntity (UNITSYMBOL, UNITCLASS, DECIMALPRECISION) VALUES
            ('ea', 'Quantity', 0), ('box', 'Quantity', 0), ('pcs', 'Quantity', 0), ('kg', 'Mass', 3), ('g', 'Mass', 0);
        INSERT INTO UnitOfMeasureConversionEntity (FROMUNITSYMBOL, TOUNITSYMBOL, FACTOR, ROUNDING) VALUES ('box', 'ea', '12', 'Nearest');
        INSERT INTO DirPartyCDSEntity (PARTYNUMBER, PARTYTYPE, ORGANIZATIONNAME, PERSONFIRSTNAME, PERSONLASTNAME) VALUES
            ('000001', 'Organization', 'Contoso Retail', NULL, NULL), ('000002', 'Person', NULL, 'Ada', 'Lovelace');
        INSERT INTO LogisticsPostalAddressLocationCDSEntity VALUES ('L0', 'Seed location');
        INSERT INTO CustCustomerV3Entity (DATAAREAID, CUSTOMERACCOUNT, PARTYTYPE, PARTYNUMBER) VALUES ('usmf', 'US-000', 'Organization', '000001');
        INSERT INTO VendVendorV2Entity (DATAAREAID, VENDORACCOUNTNUMBER, VENDORPARTYTYPE, VENDORPARTYNUMBER) VALUES ('usmf', 'V-000', 'Organization', '000001');
        INSERT INTO smmContactPersonV2Entity (DATAAREAID, CONTACTPERSONID, CONTACTPERSONPARTYNUMBER, ASSOCIATEDPARTYNUMBER) VALUES ('usmf', 'CP-000', '000002', '000001');
        INSERT INTO EcoResReleasedDistinctProductCDSEntity (DATAAREAID, PRODUCTNUMBER, PRODUCTNAME, SALESUNITSYMBOL, INVENTORYUNITSYMBOL, PRODUCTTYPE)
            VALUES ('usmf', 'D0000', 'Seed product', 'box', 'ea', 'Item');
        """

    /// `tandem init` with `maps` (the master-data maps unless told), every
    /// map running, the engine started and the seed in step on both sides
    /// (checked with `tandem maps compare`).
    static func start(
        _ label: String, maps: [String] = StandardEnvironment.maps
    ) async throws -> (fixture: SyncFixture, engine: Process) {
        let fixture = try SyncFixture.make(label, maps: maps)
        let run = try await fixture.tandem(["maps", "run"] + maps)
        try #require(run.status == 0, "\(run.stderr)")
        let engine = try fixture.startEngine()
        try SideReader.execute(fixture.erp, seed)
        try await awaitInStep(fixture)
        return (fixture, engine)
    }

    /// Waits until `tandem maps compare` finds every map in step. The wait
    /// follows the engine's queue, not a clock: while `tandem status` shows
    /// checkpoints moving, the engine is working and the wait goes on (a
    /// shared machine running a dozen engines may take minutes); it fails
    /// when nothing moved for `stalledAfter`, or after 10 minutes in all.
    /// `maps compare` reads every table of every map, so it runs only when
    /// the queue is empty.
    static func awaitInStep(_ fixture: SyncFixture, stalledAfter: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(600)
        var progressed = clock.now
        var checkpoints: [Int64] = []
        var last = ""
        while clock.now < giveUp && clock.now - progressed < stalledAfter {
            let (queued, now) = try await queue(fixture)
            if now != checkpoints {
                checkpoints = now
                progressed = clock.now
            }
            if queued == 0 {
                let compare = try await fixture.tandem(["maps", "compare"])
                if compare.status == 0 { return }
                // The header and the maps that are not in step.
                last =
                    compare.stdout.split(separator: "\n").enumerated().filter {
                        $0.offset == 0 || !$0.element.hasSuffix("yes")
                    }
                    .map(\.element).joined(separator: "\n") + compare.stderr
            } else {
                last = "\(queued) changes queued"
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let errors = try await fixture.tandem(["errors", "list"]).stdout
        // The status too: which map and direction holds the queue, in which state, with what last error.
        let status = try await fixture.tandem(["status"])
        Issue.record(
            "the maps are not in step, and the engine's checkpoints did not move for \(stalledAfter): \(last)\nerrors: \(errors)\nstatus: \(status.stdout)\(status.stderr)\nengine log: \(fixture.engineLog.suffix(2000))"
        )
    }

    /// The changes queued over every map and direction, and every
    /// direction's checkpoint, from `tandem status --json`.
    static func queue(_ fixture: SyncFixture) async throws -> (queued: Int, checkpoints: [Int64]) {
        let status = try await fixture.tandem(["status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let directions = (json?["maps"] as? [[String: Any]] ?? []).flatMap {
            $0["directions"] as? [[String: Any]] ?? []
        }
        let queued = directions.reduce(0) { $0 + ($1["queued"] as? Int ?? 0) }
        let checkpoints = directions.map { ($0["checkpoint"] as? NSNumber)?.int64Value ?? -1 }
        return (queued, checkpoints)
    }

    /// Expects no change waiting on either side (for a parent, or after an error).
    static func expectNothingParked(_ fixture: SyncFixture) throws {
        let errors = try fixture.tandem(["errors", "list"]).stdout
        for (side, path) in [("crm", fixture.crm), ("erp", fixture.erp)] {
            #expect(
                try SideReader.scalar(path, "SELECT COUNT(*) FROM _tandem_parked") == 0,
                "parked on the \(side) side: \(errors)")
        }
    }

    /// The maps a bundled plugin provides, as `tandem plugins inspect` shows them.
    static func mapsDocument(_ fixture: SyncFixture, plugin: String) throws -> MapsDocument {
        let inspect = try fixture.tandem(["plugins", "inspect", plugin, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
        let maps = try #require(json?["maps"], "plugins inspect \(plugin): \(inspect.stderr)")
        return try MapsDocument.decode(try JSONSerialization.data(withJSONObject: maps), document: plugin)
    }
}
