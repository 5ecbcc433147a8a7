package import Foundation
package import TandemEngine
import GRDB
package import TandemPluginHost

/// Realistic sample data for the standard maps, written the way the
/// applications would write it: the reference data, parties with several
/// postal addresses (past, current and future-dated) and electronic
/// addresses, customers (organisations and persons, some billed to another
/// customer), vendors, contacts for parties and released products with
/// their units and conversions, across companies and currencies, with names
/// in several scripts. Most rows go to the ERP side (the master); the CRM
/// side gets a few accounts of its own and a few that differ, so that
/// initial sync has something to settle both ways.
package struct DemoData {
    /// How much to write.
    package struct Size: Sendable {
        /// Customers (about 70 % organisations); parties, addresses and contacts scale with them.
        package var customers: Int
        /// Vendors.
        package var vendors: Int
        /// Released products (per company, split evenly).
        package var products: Int

        /// `customers` customers, a fifth as many vendors and a quarter as many products.
        package init(customers: Int) {
            self.customers = customers
            vendors = max(customers / 5, 10)
            products = max(customers / 4, 20)
        }
    }

    /// The companies: code, name, currency, the script of their names.
    static let companies: [(code: String, name: String, currency: String)] = [
        ("usmf", "Contoso Entertainment System USA", "USD"), ("demf", "Contoso Entertainment System Deutschland", "EUR"),
        ("jpmf", "コントソ 日本", "JPY"), ("rumf", "Контосо Россия", "RUB"), ("inmf", "कॉन्टोसो इंडिया", "INR"),
        ("egmf", "كونتوسو مصر", "EGP"),
    ]

    /// Currencies with their decimal places (JPY none, KWD three, a token with ten) and F&O's '999' placeholder, which the map filters out.
    static let currencies: [(code: String, name: String, symbol: String, decimals: Int)] = [
        ("USD", "US Dollar", "$", 2), ("EUR", "Euro", "€", 2), ("JPY", "日本円", "¥", 0), ("RUB", "Российский рубль", "₽", 2),
        ("INR", "भारतीय रुपया", "₹", 2), ("EGP", "جنيه مصري", "E£", 2), ("GBP", "Pound Sterling", "£", 2),
        ("KWD", "Kuwaiti Dinar", "KD", 3), ("XTS", "Test token (10 places)", "¤", 10), ("999", "Placeholder", "?", 2),
    ]

    static let units: [(symbol: String, unitClass: String, description: String, decimals: Int, base: Bool, system: String)] = [
        ("pcs", "Quantity", "Pieces", 0, true, "None"), ("box", "Quantity", "Box", 0, false, "None"),
        ("dozen", "Quantity", "Dozen", 0, false, "None"), ("kg", "Mass", "Kilogram", 3, true, "Metric"),
        ("g", "Mass", "Gram", 0, false, "Metric"), ("lb", "Mass", "Pound", 3, false, "Us"), ("m", "Length", "Metre", 3, true, "Metric"),
        ("cm", "Length", "Centimetre", 1, false, "Metric"), ("ft", "Length", "Foot", 3, false, "Us"),
        ("l", "Volume", "Litre", 3, true, "Metric"), ("ml", "Volume", "Millilitre", 0, false, "Metric"),
    ]

    static let conversions: [(from: String, to: String, factor: String)] = [
        ("dozen", "pcs", "12"), ("kg", "g", "1000"), ("lb", "kg", "0.45359237"), ("m", "cm", "100"), ("ft", "m", "0.3048"),
        ("l", "ml", "1000"),
    ]

    /// Writes the data; returns rows written per table. A PostgreSQL side gets
    /// the same rows: written to a scratch SQLite environment first (the data is
    /// written once, for SQLite), then copied into its tables (COPY), as an
    /// application's bulk load would be.
    package static func seed(
        _ environment: TandemEnvironment, catalog: PluginCatalog, size: Size, log: (String) -> Void
    ) throws -> [String: Int] {
        let locations = try environment.locations()
        guard locations.values.contains(where: { $0.file == nil }) else { return try seed(sqlite: environment, size: size, log: log) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let staging = try TandemEnvironment.create(
            at: scratch, maps: environment.config.maps.map(\.name), catalog: catalog, actor: "demo")
        let counts = try seed(sqlite: staging, size: size, log: log)
        for role in SideRole.allCases {
            let application = try DemoApplication(environment, role)
            defer { application.close() }
            let source = try DatabaseQueue(path: staging.path(staging.config.sides[role]!.database))
            try source.read { db in
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_tandem%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name")
                var loaded = 0
                for table in tables { loaded += try application.load(table: table, from: db) }
                if locations[role]?.file == nil { log("\(loaded) rows loaded into the \(role) side on PostgreSQL (COPY)") }
            }
        }
        return counts
    }

    /// Writes the data into an environment of two SQLite sides.
    private static func seed(sqlite environment: TandemEnvironment, size: Size, log: (String) -> Void) throws -> [String: Int] {
        let sides = try environment.openSides()
        let erp = sides[.erp]!.queue
        let crm = sides[.crm]!.queue
        var counts: [String: Int] = [:]
        var random = DemoNames(seed: 20_261_129)
        func record(_ writer: TableWriter) { counts[writer.table, default: 0] += writer.count }
        try erp.write { db in
            var legalEntities = try TableWriter("OMLegalEntity", db)
            for company in companies { try legalEntities.insert(["LEGALENTITYID": company.code, "NAME": company.name]) }
            record(legalEntities)
            var currencyRows = try TableWriter("CurrencyEntity", db)
            for currency in currencies {
                try currencyRows.insert(["CURRENCYCODE": currency.code, "NAME": currency.name, "SYMBOL": currency.symbol, "DECIMALPLACES": currency.decimals])
            }
            record(currencyRows)
            var classes = try TableWriter("UnitOfMeasureClassEntity", db)
            for unitClass in Set(units.map(\.unitClass)).sorted() {
                try classes.insert([
                    "UNITCLASS": unitClass, "DESCRIPTION": unitClass, "BASEUNITSYMBOL": units.first { $0.unitClass == unitClass && $0.base }?.symbol,
                ])
            }
            record(classes)
            var unitRows = try TableWriter("UnitOfMeasureEntity", db)
            for unit in units {
                try unitRows.insert([
                    "UNITSYMBOL": unit.symbol, "UNITCLASS": unit.unitClass, "UNITDESCRIPTION": unit.description, "DECIMALPRECISION": unit.decimals,
                    "ISBASEUNIT": unit.base ? "Yes" : "No", "ISSYSTEMUNIT": "Yes", "SYSTEMOFUNITS": unit.system,
                ])
            }
            record(unitRows)
            var conversionRows = try TableWriter("UnitOfMeasureConversionEntity", db)
            for conversion in conversions {
                try conversionRows.insert([
                    "FROMUNITSYMBOL": conversion.from, "TOUNITSYMBOL": conversion.to, "FACTOR": conversion.factor, "NUMERATOR": "1",
                    "DENOMINATOR": "1", "INNEROFFSET": "0", "OUTEROFFSET": "0", "ROUNDING": "Nearest",
                ])
            }
            record(conversionRows)

            var terms = try TableWriter("PaymentTermEntity", db)
            var groups = try TableWriter("CustCustomerGroupEntity", db)
            var vendorGroups = try TableWriter("VendVendorGroupEntity", db)
            for company in companies {
                for (name, days, method) in [("Net10", 10, "Net"), ("Net30", 30, "Net"), ("Net60", 60, "Net"), ("COD", 0, "Cod"), ("M15", 15, "CurrentMth")] {
                    try terms.insert([
                        "DATAAREAID": company.code, "NAME": name, "DESCRIPTION": "\(name) (\(company.code))", "NUMBEROFDAYS": days,
                        "NUMBEROFMONTHS": 0, "CUTOFFDAYOFMONTH": 0, "ISCASHPAYMENT": method == "Cod" ? "Yes" : "No",
                        "ISCERTIFIEDCOMPANYCHECK": "No", "ISDEFAULTPAYMENTTERM": name == "Net30" ? "Yes" : "No", "PAYMENTMETHODTYPE": method,
                        "CREDITCARDPAYMENTTYPE": "Na", "CREDITCARDCREDITCHECKTYPE": "Normal",
                    ])
                }
                for (id, description) in [("10", "Wholesale customers"), ("20", "Retail customers"), ("30", "Intercompany"), ("40", "Internet customers")] {
                    try groups.insert([
                        "DATAAREAID": company.code, "CUSTOMERGROUPID": id, "DESCRIPTION": description, "ISSALESTAXINCLUDEDINPRICE": id == "20" ? "Yes" : "No",
                        "PAYMENTTERMID": "Net30", "CLEARINGPERIODPAYMENTTERMNAME": "Net10",
                    ])
                }
                for (id, description) in [("10", "Parts suppliers"), ("20", "Services"), ("30", "Intercompany")] {
                    try vendorGroups.insert([
                        "DATAAREAID": company.code, "VENDORGROUPID": id, "DESCRIPTION": description, "DEFAULTPAYMENTTERMNAME": "Net60",
                        "CLEARINGPERIODPAYMENTTERMNAME": "Net10",
                    ])
                }
            }
            record(terms)
            record(groups)
            record(vendorGroups)
            log("reference data: \(companies.count) companies, \(currencies.count) currencies, \(units.count) units, \(conversions.count) conversions")

            try seedParties(db, size: size, random: &random, counts: &counts, log: log)
            try seedProducts(db, size: size, random: &random, counts: &counts)
            try seedAttachments(db, size: size, counts: &counts, log: log)
            try seedLoyalty(db, size: size, counts: &counts, log: log)
            try seedAssets(db, size: size, counts: &counts, log: log)
            log("released products: \(counts["EcoResReleasedDistinctProductCDSEntity"] ?? 0) with \(counts["EcoResProductSpecificUnitConversionEntity"] ?? 0) product unit conversions")
        }
        try crm.write { db in
            // Accounts the CRM already had: some the ERP also has (with another name: the master's wins, logged),
            // some only the CRM has (they go to the ERP).
            var accounts = try TableWriter("account", db)
            for index in 1...5 {
                try accounts.insert([
                    "msdyn_company": "usmf", "accountnumber": customerAccount("usmf", index), "name": "Old CRM name \(index)", "customertypecode": 3,
                    "creditlimit": "1.00",
                ])
            }
            for index in 1...3 {
                try accounts.insert([
                    "msdyn_company": "usmf", "accountnumber": "CRM-\(index)", "name": "Prospect won in Sales \(index)", "customertypecode": 3,
                    "creditlimit": "2500.00", "msdyn_onholdstatus": 806_380_000, "msdyn_creditlimitismandatory": 0, "msdyn_onetimecustomer": 0,
                ])
            }
            record(accounts)
            log("CRM side: 5 accounts that the ERP also has (with other names) and 3 only the CRM has")
            // A note and a file the CRM made on one of its own accounts: they reach F&O after the account.
            if try db.tableExists("annotation") {
                var annotations = try TableWriter("annotation", db)
                try annotations.insert([
                    "msdyn_notesid": "CRM-NOTE-1", "msdyn_company": "usmf", "objecttypecode": "account",
                    "msdyn_relatedentityid": "CRM-1", "subject": "Call notes", "notetext": "Wants a quote for 40 units",
                    "msdyn_restriction": 0, "isdocument": 0,
                ])
                try annotations.insert([
                    "msdyn_notesid": "CRM-FILE-1", "msdyn_company": "usmf", "objecttypecode": "account",
                    "msdyn_relatedentityid": "CRM-1", "subject": "Signed NDA", "msdyn_restriction": 0, "isdocument": 1,
                    "filename": "nda.pdf", "mimetype": "application/pdf", "documentbody": attachmentBody(seed: 7),
                ])
                record(annotations)
                log("CRM side: a note and a file on account CRM-1")
            }
        }
        return counts
    }

    /// Notes, files (bodies of every byte value, as a scan would have) and
    /// links on the first customers (organisations: accounts in the CRM) and
    /// vendors of each company, when the notes plugin made their tables.
    private static func seedAttachments(
        _ db: Database, size: Size, counts: inout [String: Int], log: (String) -> Void
    ) throws {
        guard try db.tableExists("CustCustomerDocumentAttachmentEntity"), try db.tableExists("VendVendorDocumentAttachmentEntity")
        else { return }
        var customers = try TableWriter("CustCustomerDocumentAttachmentEntity", db)
        var vendors = try TableWriter("VendVendorDocumentAttachmentEntity", db)
        var next = 0
        for company in companies {
            // The first five customers of each company are organisations (seedParties).
            for number in 1...min(3, size.customers / companies.count) {
                let account = customerAccount(company.code, number)
                for (type, name) in [("Note", "Credit review"), ("File", "Signed contract"), ("URL", "Customer portal")] {
                    next += 1
                    let file = type == "File"
                    try customers.insert([
                        "DOCUMENTID": String(format: "DOC%08d", next), "DATAAREAID": company.code, "CUSTOMERACCOUNTNUMBER": account,
                        "TYPEID": type, "NAME": name, "RESTRICTION": number == 1 ? "External" : "Internal",
                        "NOTES": type == "URL" ? "https://portal.example.com/\(account)" : file ? nil : "Reviewed, limit kept",
                        "FILENAME": file ? "contract-\(account).pdf" : nil, "FILECONTENTTYPE": file ? "application/pdf" : nil,
                        "FILECONTENTS": file ? attachmentBody(seed: next) : nil,
                    ])
                }
            }
            for number in 1...min(2, size.vendors / companies.count) {
                next += 1
                let account = "V-\(company.code.prefix(2).uppercased())\(String(format: "%05d", number))"
                try vendors.insert([
                    "DOCUMENTID": String(format: "DOC%08d", next), "DATAAREAID": company.code, "VENDORACCOUNTNUMBER": account,
                    "DOCUMENTATTACHMENTTYPECODE": "File", "ATTACHMENTDESCRIPTION": "Certificate of insurance",
                    "ACCESSRESTRICTION": "Internal", "FILENAME": "insurance-\(account).pdf", "FILECONTENTTYPE": "application/pdf",
                    "FILECONTENTS": attachmentBody(seed: next),
                ])
            }
        }
        counts[customers.table, default: 0] += customers.count
        counts[vendors.table, default: 0] += vendors.count
        log("attachments: \(customers.count) on customers, \(vendors.count) on vendors (notes, links and files)")
    }

    /// Loyalty levels, reward points per company currency, and a card for
    /// each of the first parties (some blocked, some replaced), when the
    /// loyalty plugin made their tables.
    private static func seedLoyalty(
        _ db: Database, size: Size, counts: inout [String: Int], log: (String) -> Void
    ) throws {
        guard try db.tableExists("RetailLoyaltyCardEntity") else { return }
        var levels = try TableWriter("LoyaltyLevelEntity", db)
        for (phrase, description) in [("Gold", "Top tier"), ("Silver", "Second tier"), ("Bronze", "Entry tier")] {
            try levels.insert(["LEVELPHRASE": phrase, "LEVELDESCRIPTION": description])
        }
        var points = try TableWriter("RetailLoyaltyRewardPointEntity", db)
        for company in companies {
            try points.insert([
                "REWARDPOINTID": "RP-\(company.currency)", "REWARDPOINTTYPE": "Amount", "REWARDPOINTCURRENCY": company.currency,
                "REDEEMABLE": "Yes", "REDEEMRANKING": 1, "MAXIMUMLOYALTYREWARDPOINTS": "100000.00", "EXPIRATIONTIMEUNIT": "Year",
                "EXPIRATIONTIMEVALUE": 2, "VESTINGTIMEUNIT": "Day", "VESTINGTIMEVALUE": 30,
            ])
        }
        var cards = try TableWriter("RetailLoyaltyCardEntity", db)
        let tenders = ["AsCardTender", "AsContactTender", "NoTender", "Blocked"]
        for index in 1...min(40, size.customers) {
            try cards.insert([
                "CARDNUMBER": String(format: "LC-%06d", index), "CARDTENDERTYPE": tenders[index % tenders.count],
                "PARTYNUMBER": partyNumber(index), "OMOPERATINGUNITNUMBER": "ST-\(String(format: "%03d", index % 7))",
                "REPLACEMENTCARDNUMBER": index % 10 == 0 ? String(format: "LC-%06d", 100_000 + index) : nil,
                "LOYALTYENROLLMENTDATE": "2026-0\(1 + index % 9)-15", "LOYALTYENROLLMENTDATELOCAL": "2026-0\(1 + index % 9)-15",
            ])
        }
        for writer in [levels, points, cards] { counts[writer.table, default: 0] += writer.count }
        log("loyalty: \(levels.count) levels, \(points.count) reward points, \(cards.count) cards")
    }

    /// Asset management per company, when the assets plugin made its tables:
    /// lifecycle states and a model, pump and motor types, two manufacturers
    /// with a model each, a warranty, functional locations (a site with a
    /// building under it) and assets installed there, a motor under each
    /// pump; some assets without a replacement date (F&O's 1900-01-01).
    private static func seedAssets(
        _ db: Database, size: Size, counts: inout [String: Int], log: (String) -> Void
    ) throws {
        guard try db.tableExists("EntAssetObjectEntity") else { return }
        var states = try TableWriter("EntAssetLifecycleStateEntity", db)
        var models = try TableWriter("EntAssetLifecycleModelEntity", db)
        var types = try TableWriter("EntAssetObjectTypeEntity", db)
        var manufacturers = try TableWriter("EntAssetManufacturerEntity", db)
        var assetModels = try TableWriter("EntAssetManufacturerModelEntity", db)
        var warranties = try TableWriter("EntAssetWarrantyEntity", db)
        var locationModels = try TableWriter("EntAssetFunctionalLocationLifecycleModelEntity", db)
        var locationStates = try TableWriter("EntAssetFunctionalLocationLifecycleStateEntity", db)
        var locationTypes = try TableWriter("EntAssetFunctionalLocationTypeEntity", db)
        var locations = try TableWriter("EntAssetFunctionalLocationEntity", db)
        var assets = try TableWriter("EntAssetObjectEntity", db)
        let perCompany = max(2, min(10, size.customers / 20))
        for company in companies {
            let area = company.code
            for (line, (id, name, active)) in [("Created", "Created", "No"), ("Active", "Active", "Yes"), ("Stored", "In storage", "No")].enumerated() {
                try states.insert([
                    "DATAAREAID": area, "LIFECYCLESTATEID": id, "NAME": name, "LINE": line + 1,
                    "DELETEOPENCALENDARLINES": id == "Stored" ? "Yes" : "No", "MAINTENANCEASSETACTIVE": active,
                ])
            }
            try models.insert([
                "DATAAREAID": area, "LIFECYCLEMODELID": "Standard", "NAME": "Standard lifecycle", "ACTIVELIFECYCLESTATEID": "Active",
                "INBOUNDLIFECYCLESTATEID": "Created", "INSTORAGELIFECYCLESTATEID": "Stored", "ONLOANLIFECYCLESTATEID": "Active",
                "OUTBOUNDLIFECYCLESTATEID": "Stored", "RECEIVEDLIFECYCLESTATEID": "Created",
            ])
            for (id, name) in [("Pump", "Pumps"), ("Motor", "Motors")] {
                try types.insert([
                    "DATAAREAID": area, "MAINTENANCEASSETTYPEID": id, "NAME": name, "LIFECYCLEMODELID": "Standard",
                    "CALCULATEKPITOTAL": id == "Pump" ? "Yes" : "No",
                ])
            }
            for (product, description, model, modelName, type) in [
                ("Grundfos", "Grundfos A/S", "CR-10", "CR 10 vertical pump", "Pump"),
                ("Siemens", "Siemens AG", "SIMOTICS", "SIMOTICS motor", "Motor"),
            ] {
                try manufacturers.insert(["DATAAREAID": area, "PRODUCTID": product, "DESCRIPTION": description])
                try assetModels.insert([
                    "DATAAREAID": area, "PRODUCTID": product, "MODELID": model, "DESCRIPTION": modelName, "MAINTENANCEASSETTYPEID": type,
                ])
            }
            try warranties.insert(["DATAAREAID": area, "WARRANTYID": "W-2Y", "NAME": "Two years, parts and labour"])
            try locationModels.insert(["DATAAREAID": area, "LIFECYCLEMODELID": "Location", "NAME": "Location lifecycle"])
            try locationStates.insert([
                "DATAAREAID": area, "LIFECYCLESTATEID": "Operational", "NAME": "Operational", "MAINTENANCEASSETLIFECYCLESTATEID": "Active",
                "ALLOWDELETELOCATION": "No", "ALLOWNEWSUBLOCATIONS": "Yes", "ALLOWRENAMELOCATION": "Yes", "FUNCTIONALLOCATIONACTIVE": "Yes",
                "ALLOWINSTALLMAINTENANCEASSETS": "Yes", "CREATELOCATIONMAINTENANCEASSET": "No",
            ])
            for (id, name) in [("Site", "Site"), ("Building", "Building")] {
                try locationTypes.insert([
                    "DATAAREAID": area, "FUNCTIONALLOCATIONTYPEID": id, "NAME": name, "LIFECYCLEMODELID": "Location",
                    "MAINTENANCEASSETTYPEID": "Pump", "ALLOWMULTIPLEINSTALLEDASSETS": "Yes", "UPDATEASSETDIMENSION": "No",
                ])
            }
            let site = "\(area.uppercased())-SITE"
            try locations.insert([
                "DATAAREAID": area, "FUNCTIONALLOCATIONID": site, "NAME": "\(company.name) plant",
                "FUNCTIONALLOCATIONLIFECYCLESTATEID": "Operational", "FUNCTIONALLOCATIONTYPEID": "Site",
            ])
            try locations.insert([
                "DATAAREAID": area, "FUNCTIONALLOCATIONID": site + "-B1", "NAME": "Pump house", "PARENTFUNCTIONALLOCATIONID": site,
                "FUNCTIONALLOCATIONLIFECYCLESTATEID": "Operational", "FUNCTIONALLOCATIONTYPEID": "Building", "INVENTORYSITEID": "1",
            ])
            for index in 1...perCompany {
                let pump = String(format: "A-%04d", index * 2)
                try assets.insert([
                    "DATAAREAID": area, "MAINTENANCEASSETID": pump, "NAME": "Feed pump \(index)", "FUNCTIONALLOCATIONID": site + "-B1",
                    "MAINTENANCEASSETTYPEID": "Pump", "MAINTENANCEASSETLIFECYCLESTATEID": "Active", "PRODUCTID": "Grundfos",
                    "MODELPRODUCTID": "Grundfos", "MODELID": "CR-10", "MODELYEAR": 2020 + index % 5, "WARRANTYID": "W-2Y",
                    "SERIALID": "GF-\(area)-\(index)", "ACQUISITIONCOST": "\(12_000 + index * 250).50", "ACQUISITIONDATE": "2024-03-15",
                    "REPLACEMENTVALUE": "9000", "REPLACEMENTDATE": index % 3 == 0 ? "2035-06-30" : "1900-01-01",
                ])
                try assets.insert([
                    "DATAAREAID": area, "MAINTENANCEASSETID": String(format: "A-%04d", index * 2 + 1), "NAME": "Drive motor \(index)",
                    "PARENTMAINTENANCEASSETID": pump, "FUNCTIONALLOCATIONID": site + "-B1", "MAINTENANCEASSETTYPEID": "Motor",
                    "MAINTENANCEASSETLIFECYCLESTATEID": "Active", "PRODUCTID": "Siemens", "MODELPRODUCTID": "Siemens",
                    "MODELID": "SIMOTICS", "REPLACEMENTDATE": "1900-01-01",
                ])
            }
        }
        let writers = [
            states, models, types, manufacturers, assetModels, warranties, locationModels, locationStates, locationTypes, locations,
            assets,
        ]
        for writer in writers { counts[writer.table, default: 0] += writer.count }
        log("assets: \(assets.count) assets at \(locations.count) functional locations, \(assetModels.count) models")
    }

    /// A file body of 4 KiB: a PDF header, then every byte value (NULs and
    /// bytes that are no UTF-8 included), varied by `seed`.
    package static func attachmentBody(seed: Int) -> Data {
        var bytes = Array("%PDF-1.7\n".utf8)
        for index in 0..<(4096 - bytes.count) { bytes.append(UInt8(truncatingIfNeeded: index &* 31 &+ seed)) }
        return Data(bytes)
    }

    /// `US-000012`: the customer account of customer `index` in `company`.
    static func customerAccount(_ company: String, _ index: Int) -> String {
        "\(company.prefix(2).uppercased())-\(String(format: "%06d", index))"
    }

    private static func partyNumber(_ index: Int) -> String { String(format: "%09d", index) }

    /// Parties with addresses, customers, vendors and contacts for parties.
    private static func seedParties(
        _ db: Database, size: Size, random: inout DemoNames, counts: inout [String: Int], log: (String) -> Void
    ) throws {
        var parties = try TableWriter("DirPartyCDSEntity", db)
        var locations = try TableWriter("LogisticsPostalAddressLocationCDSEntity", db)
        var history = try TableWriter("LogisticsPostalAddressHistoryV2CDSEntity", db)
        var partyAddresses = try TableWriter("DirPartyPostalAddressLocationCDSEntity", db)
        var electronic = try TableWriter("DirPartyContactV3Entity", db)
        var customers = try TableWriter("CustCustomerV3Entity", db)
        var vendors = try TableWriter("VendVendorV2Entity", db)
        var contactsForParty = try TableWriter("smmContactPersonV2Entity", db)
        var nextParty = 0
        var nextLocation = 0
        var nextElectronic = 0

        /// One party with 1–3 postal addresses (past, current and future rows) and 1–3 electronic addresses.
        func party(organisation: String?, person: DemoNames.Person?, index: Int) throws -> String {
            nextParty += 1
            let number = partyNumber(nextParty)
            try parties.insert([
                "PARTYNUMBER": number, "PARTYTYPE": organisation == nil ? "Person" : "Organization", "ORGANIZATIONNAME": organisation,
                "NAMEALIAS": organisation.map { String($0.prefix(12)) }, "PERSONFIRSTNAME": person?.first, "PERSONLASTNAME": person?.last,
                "LANGUAGEID": person?.language ?? "en-us", "PERSONGENDER": person == nil ? nil : random.pick(["Male", "Female", "NonSpecific", "Unknown"]),
                "PERSONMARITALSTATUS": person == nil ? nil : random.pick(["Single", "Married", "None"]),
                "ORGANIZATIONNUMOFEMPLOYEES": organisation == nil ? nil : 10 + random.below(5000),
            ])
            let addressCount = 1 + random.below(3)
            for position in 0..<addressCount {
                nextLocation += 1
                let location = String(format: "LOC%09d", nextLocation)
                let place = random.pick(DemoNames.cities)
                let street = "\(random.pick(DemoNames.streets)) \(1 + random.below(200))"
                try locations.insert(["LOCATIONID": location, "DESCRIPTION": position == 0 ? "Head office" : "Branch \(position)"])
                // Date effectivity: most addresses have one open-ended row; some moved (a past row) or will move (a future row).
                var periods: [(from: String, to: String, street: String)] = [("2020-01-01T00:00:00", "2154-12-31T23:59:59", street)]
                switch random.below(10) {
                case 0, 1: periods = [("2012-04-01T00:00:00", "2019-12-31T23:59:59", "\(random.pick(DemoNames.streets)) 9")] + periods
                case 2, 3: periods = [("2020-01-01T00:00:00", "2026-12-31T23:59:59", street), ("2027-01-01T00:00:00", "2154-12-31T23:59:59", "\(random.pick(DemoNames.streets)) 77")]
                default: break
                }
                for period in periods {
                    try history.insert([
                        "LOCATIONID": location, "VALIDFROM": period.from, "VALIDTO": period.to, "DESCRIPTION": "\(place.city) address",
                        "STREET": period.street, "STREETNUMBER": String(1 + random.below(99)), "CITY": place.city, "ZIPCODE": place.zip,
                        "COUNTRYREGIONID": place.country, "STATE": nil, "COUNTY": nil,
                    ])
                }
                try partyAddresses.insert([
                    "PARTYNUMBER": number, "LOCATIONID": location,
                    "PURPOSE": position == 0 ? "Business" : random.pick(["Invoice;Delivery", "Delivery", "Invoice"]),
                    "ISPRIMARY": position == 0 ? "Yes" : "No", "ISLOCATIONOWNER": "Yes",
                ])
            }
            for (kind, locator) in [("Phone", "+1 425 555 \(String(format: "%04d", index % 10000))"), ("Email", "contact\(nextParty)@example.com"), ("URL", "https://example.com/\(nextParty)")]
            where kind == "Phone" || random.chance(60) {
                nextElectronic += 1
                try electronic.insert([
                    "ELECTRONICADDRESSID": String(format: "EA%09d", nextElectronic), "PARTYNUMBER": number, "TYPE": kind, "LOCATOR": locator,
                    "DESCRIPTION": kind, "ISPRIMARY": "Yes", "ISPRIVATE": "No", "ISMOBILEPHONE": kind == "Phone" && random.chance(50) ? "Yes" : "No",
                    "ISINSTANTMESSAGE": "No",
                ])
            }
            return number
        }

        // Customers, spread over the companies; every tenth is billed to another customer of its company
        // (often one with a higher number: a reference that initial sync meets before its target).
        var perCompany: [String: Int] = [:]
        var nextContact = 0
        // Who is an organisation is decided first, so that billing references can point forward
        // (and, for a few pairs, both ways: a cycle) to customers that will be accounts too.
        var kinds: [String: [Bool]] = [:]
        for index in 1...size.customers {
            let company = companies[index % companies.count].code
            // The first few of each company are organisations: the CRM side's own accounts overlap with them.
            kinds[company, default: []].append((kinds[company]?.count ?? 0) < 5 || random.chance(70))
        }
        func billing(_ company: String, _ number: Int) -> String? {
            let list = kinds[company] ?? []
            guard number % 10 == 0, number > 10 else { return nil }
            // Mostly forward (a later customer), every 30th a cycle with the one before it.
            let target = number % 30 == 0 ? number - 1 : number + 3
            guard target <= list.count, list[target - 1] else { return nil }
            return customerAccount(company, target)
        }
        for index in 1...size.customers {
            let company = companies[index % companies.count]
            let number = perCompany[company.code, default: 0] + 1
            perCompany[company.code] = number
            let organisationCustomer = kinds[company.code]![number - 1]
            let person = organisationCustomer ? nil : random.person()
            let organisation = organisationCustomer ? random.organisation(index) : nil
            let partyNumber = try party(organisation: organisation, person: person, index: index)
            var billedTo = organisationCustomer ? billing(company.code, number) : nil
            // The other half of a cycle: customer 29 is billed to 30, which is billed to 29.
            if organisationCustomer, (number + 1) % 30 == 0, number + 1 <= kinds[company.code]!.count, kinds[company.code]![number] {
                billedTo = customerAccount(company.code, number + 1)
            }
            try customers.insert([
                "DATAAREAID": company.code, "CUSTOMERACCOUNT": customerAccount(company.code, number),
                "PARTYTYPE": organisationCustomer ? "Organization" : "Person", "PARTYNUMBER": partyNumber, "ORGANIZATIONNAME": organisation,
                "PERSONFIRSTNAME": person?.first, "PERSONLASTNAME": person?.last, "CUSTOMERGROUPID": random.pick(["10", "20", "40"]),
                "SALESCURRENCYCODE": company.currency, "PAYMENTTERMS": random.pick(["Net10", "Net30", "Net60"]),
                "CREDITLIMIT": "\(random.below(500_000)).\(String(format: "%02d", random.below(100)))",
                "CREDITLIMITISMANDATORY": random.chance(20) ? "Yes" : "No", "ISONETIMECUSTOMER": "No",
                "ONHOLDSTATUS": random.chance(95) ? "No" : random.pick(["Invoice", "All"]), "INVOICEACCOUNT": billedTo,
                "PARTYCOUNTRY": person?.country ?? "USA", "SALESMEMO": organisationCustomer ? nil : "Prefers e-mail",
            ])
            // Some organisations have a contact person: a person party, filed as a contact for the customer's party.
            if organisationCustomer, random.chance(30) {
                let contact = random.person()
                let contactParty = try party(organisation: nil, person: contact, index: index)
                nextContact += 1
                try contactsForParty.insert([
                    "DATAAREAID": company.code, "CONTACTPERSONID": String(format: "CP%07d", nextContact), "CONTACTPERSONPARTYNUMBER": contactParty,
                    "ASSOCIATEDPARTYNUMBER": partyNumber, "EMPLOYMENTJOBTITLE": random.pick(["Buyer", "CFO", "Purchasing manager", "Owner"]),
                    "ISVIP": random.chance(10) ? "Yes" : "No", "ISRECEIVINGDIRECTMAIL": "No", "HASREQUESTEDINTERNETACCESS": "No",
                    "CONTACTACTIVITYSENSITIVITYLEVEL": "Normal", "CONTACTINFORMATIONLANGUAGEID": contact.language,
                ])
            }
        }
        log("parties: \(parties.count) with \(history.count) postal address rows (past, current and future) and \(electronic.count) electronic addresses")
        log("customers: \(customers.count) (organisations to accounts, persons to contacts), \(contactsForParty.count) contacts for parties")

        perCompany = [:]
        for index in 1...size.vendors {
            let company = companies[index % companies.count]
            let number = perCompany[company.code, default: 0] + 1
            perCompany[company.code] = number
            let organisationVendor = random.chance(80)
            let person = organisationVendor ? nil : random.person()
            let partyNumber = try party(organisation: organisationVendor ? random.organisation(10_000 + index) : nil, person: person, index: index)
            try vendors.insert([
                "DATAAREAID": company.code, "VENDORACCOUNTNUMBER": "V-\(company.code.prefix(2).uppercased())\(String(format: "%05d", number))",
                "VENDORPARTYNUMBER": partyNumber, "VENDORPARTYTYPE": organisationVendor ? "Organization" : "Person",
                "VENDORGROUPID": random.pick(["10", "20"]), "CURRENCYCODE": company.currency, "DEFAULTPAYMENTTERMSNAME": "Net60",
                "CREDITLIMIT": "\(10_000 + random.below(90_000)).00", "ONHOLDSTATUS": "No", "AREPRICESINCLUDINGSALESTAX": "No",
                "ISFOREIGNENTITY": random.chance(20) ? "Yes" : "No", "ISONETIMEVENDOR": "No", "HASONLYTAKENBIDS": "No", "ISMINORITYOWNED": "No",
                "ISVENDORLOCALLYOWNED": "Yes", "ISSERVICEVETERANOWNED": "No", "ISOWNERDISABLED": "No", "ISWOMANOWNER": "No",
                "ISVENDORLOCATEDINHUBZONE": "No",
            ])
        }
        log("vendors: \(vendors.count)")
        for writer in [parties, locations, history, partyAddresses, electronic, customers, vendors, contactsForParty] {
            counts[writer.table, default: 0] += writer.count
        }
    }

    /// Released products per company, with product-specific conversions for boxed ones.
    private static func seedProducts(_ db: Database, size: Size, random: inout DemoNames, counts: inout [String: Int]) throws {
        var products = try TableWriter("EcoResReleasedDistinctProductCDSEntity", db)
        var specific = try TableWriter("EcoResProductSpecificUnitConversionEntity", db)
        let kinds: [(name: String, inventory: String, sales: String)] = [
            ("Speaker cable", "m", "ft"), ("Flour", "kg", "g"), ("Screws", "pcs", "box"), ("Coffee beans", "kg", "lb"), ("Eggs", "pcs", "dozen"),
            ("Ink", "l", "ml"), ("Consulting hour", "pcs", "pcs"),
        ]
        var boxed = Set<String>()
        for index in 1...size.products {
            let company = companies[index % companies.count]
            let kind = kinds[index % kinds.count]
            let number = String(format: "D%05d", index)
            let decimals = currencies.first { $0.code == company.currency }!.decimals
            let price = decimals == 0 ? "\(100 + random.below(90_000))" : "\(1 + random.below(9_999)).\(String(format: "%0\(decimals)d", random.below(100)))"
            try products.insert([
                "DATAAREAID": company.code, "PRODUCTNUMBER": number, "ITEMNUMBER": number, "PRODUCTNAME": "\(kind.name) \(index)",
                "PRODUCTDESCRIPTION": "\(kind.name), sold by \(kind.sales)", "CURRENCYCODE": company.currency, "SALESUNITSYMBOL": kind.sales,
                "INVENTORYUNITSYMBOL": kind.inventory, "SALESPRICE": price, "UNITCOST": price, "PRODUCTTYPE": kind.name == "Consulting hour" ? "Service" : "Item",
                "SALESUNITDECIMALPRECISION": 2, "ISCATCHWEIGHTPRODUCT": "No", "ISSTOCKEDPRODUCT": kind.name == "Consulting hour" ? "No" : "Yes",
                "FIELDSERVICEPRODUCTTYPE": kind.name == "Consulting hour" ? "Service" : "Inventory",
                "STANDARDORDERQUANTITY": "\(1 + random.below(500)).\(random.below(10))",
            ])
            if kind.sales == "box", !boxed.contains(number) {
                boxed.insert(number)
                try specific.insert([
                    "PRODUCTNUMBER": number, "FROMUNITSYMBOL": "box", "TOUNITSYMBOL": "pcs", "FACTOR": random.pick(["100", "250", "500"]), "NUMERATOR": "1",
                    "DENOMINATOR": "1", "INNEROFFSET": "0", "OUTEROFFSET": "0", "ROUNDING": "Up",
                ])
            }
        }
        counts[products.table, default: 0] += products.count
        counts[specific.table, default: 0] += specific.count
    }
}
