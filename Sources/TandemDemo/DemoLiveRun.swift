import Foundation
package import TandemEngine
import GRDB
import Logging
import Synchronization
package import TandemPluginHost

/// The live part of `tandem demo`: the engine runs on a thread of its own
/// while two application threads write both sides for a few seconds, with
/// the moments an admin meets in real life staged on the way: a conflict (one
/// customer edited on both sides while its map is paused), a bad row (a
/// credit limit with more decimals than the currency keeps), an edit on the
/// CRM side of the one-way product map, and a new party with three
/// addresses (one of them future-dated) and two roles. Then it waits until
/// the queues are empty, stops the engine and checks every map row by row.
package final class DemoLiveRun: @unchecked Sendable {
    // Unchecked: the engine is used by its thread only, between start and stop.

    /// What happened, for the summary.
    package struct Report: Sendable, Encodable {
        /// Seconds of simulated application writes.
        package var seconds: Double
        /// Changes the two application threads committed, per side.
        package var written: [String: Int]
        /// Commit-to-commit latency of applied changes, milliseconds (changes committed while a map was paused left out).
        package var latencyP50: Double
        package var latencyP95: Double
        package var latencyP99: Double
        package var latencyMax: Double
        /// How many applied changes the percentiles cover.
        package var measured: Int
        /// Whether the queues were empty before the deadline.
        package var drained: Bool
        /// Each map's row-by-row check.
        package var comparisons: [SyncEngine.MapComparison]
        /// Conflicts and parked errors, per side's list.
        package var conflicts: Int
        package var errors: Int
        /// What was staged, in order, for the summary.
        package var events: [String]
        /// The maps and keys of the bad rows the demo staged on purpose: they
        /// wait in the error list, and the summary says so rather than "not in step".
        package var stagedErrors: [String: [String]]

        /// Whether `comparison` differs only by the staged bad rows (and the
        /// error list holds nothing else).
        package func differsOnlyAsStaged(_ comparison: SyncEngine.MapComparison) -> Bool {
            let staged = stagedErrors[comparison.map]?.count ?? 0
            return staged > 0 && comparison.differing == 0 && comparison.missing == 0 && comparison.onlyTarget == 0
                && comparison.unmappable == staged && errors == stagedErrors.values.map(\.count).reduce(0, +)
        }

        /// In step, apart from what the demo staged on purpose.
        package var asExpected: Bool {
            drained && comparisons.allSatisfy { $0.inStep || differsOnlyAsStaged($0) }
        }
    }

    private let environment: TandemEnvironment
    private let catalog: PluginCatalog
    private let engine: SyncEngine
    private let stopped = Atomic<Bool>(false)
    private let committed = TimeLog()
    private let applied = TimeLog()
    private let log: @Sendable (String) -> Void

    /// Prepares the engine for `environment` (its maps must be running).
    package init(environment: TandemEnvironment, catalog: PluginCatalog, log: @escaping @Sendable (String) -> Void) throws {
        self.environment = environment
        self.catalog = catalog
        self.log = log
        var logger = Logger(label: "tandem.demo")
        logger.logLevel = .error
        engine = try SyncEngine(environment: environment, catalog: catalog, logger: logger)
    }

    /// Runs the engine and the applications for `seconds`, then checks.
    package func run(seconds: Double) throws -> Report {
        let appliedLog = applied
        engine.observer = { direction, seqs, instant in
            appliedLog.times.withLock { times in for seq in seqs { times[direction, default: [:]][seq] = instant } }
        }
        let thread = Thread { [self] in
            do {
                try engine.run { stopped.load(ordering: .relaxed) }
            } catch {
                log("engine stopped: \(error)")
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer {
            stopped.store(true, ordering: .relaxed)
            while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        }
        // The applications, on whichever database each side is.
        let erp = try DemoApplication(environment, .erp)
        defer { erp.close() }
        let crm = try DemoApplication(environment, .crm)
        defer { crm.close() }
        var events: [String] = []
        var written: [String: Int] = [:]
        let erpCustomers = try erp.query(
            #"SELECT "DATAAREAID", "CUSTOMERACCOUNT" FROM "CustCustomerV3Entity" WHERE "PARTYTYPE" = 'Organization' ORDER BY "DATAAREAID", "CUSTOMERACCOUNT" LIMIT 500"#
        ).map { ($0[0] ?? "", $0[1] ?? "") }
        let crmAccounts = try crm.query(
            #"SELECT "msdyn_company", "accountnumber" FROM "account" ORDER BY "msdyn_company", "accountnumber" LIMIT 500"#
        ).map { ($0[0] ?? "", $0[1] ?? "") }
        guard let conflicted = erpCustomers.dropFirst(7).first, !crmAccounts.isEmpty else {
            throw SyncError(.configuration, "demo: no customers to edit; the sample data did not reach the CRM side")
        }
        // The engine undoes only the edits made after its first pass over a
        // one-way map (earlier ones are not Tandem's to undo): the staged
        // product rename must come after that pass, which a slow start (more
        // maps, a PostgreSQL side, a loaded machine) can delay past it.
        try awaitOneWayGuards(timeout: .seconds(60))
        var random = DemoNames(seed: 7)
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        var step = 0
        var staged = Set<Int>()
        var paused: [ClosedRange<ContinuousClock.Instant>] = []
        while ContinuousClock.now < end {
            step += 1
            let progress = (ContinuousClock.now - start).timeInterval / seconds
            // Steady traffic: both applications edit customers, a few rows per transaction.
            let (company, account) = random.pick(erpCustomers)
            try write(erp, .erpToCrm, &written, [
                DemoStatement(
                    sql: #"UPDATE "CustCustomerV3Entity" SET "CREDITLIMIT" = ?, "SALESMEMO" = ? WHERE "DATAAREAID" = ? AND "CUSTOMERACCOUNT" = ?"#,
                    arguments: [
                        .text("\(1000 + random.below(900_000)).\(String(format: "%02d", random.below(100)))"), .text("Reviewed \(step)"),
                        .text(company), .text(account),
                    ])
            ])
            let (crmCompany, crmAccount) = random.pick(crmAccounts)
            try write(crm, .crmToErp, &written, [
                DemoStatement(
                    sql: #"UPDATE "account" SET "description" = ?, "msdyn_creditrating" = ? WHERE "msdyn_company" = ? AND "accountnumber" = ?"#,
                    arguments: [.text("Called on \(step)"), .text(random.pick(["A", "B", "C"])), .text(crmCompany), .text(crmAccount)])
            ])
            if progress >= 0.2, staged.insert(1).inserted {
                // A conflict: the map is paused while both sides edit one customer; on resume the policy decides.
                let pausedAt = ContinuousClock.now
                try environment.openState().setStates(["customers-accounts"], to: .paused, actor: "demo")
                Thread.sleep(forTimeInterval: 0.3)
                try write(erp, .erpToCrm, &written, [
                    DemoStatement(
                        sql: #"UPDATE "CustCustomerV3Entity" SET "ORGANIZATIONNAME" = 'Renamed in Finance' WHERE "DATAAREAID" = ? AND "CUSTOMERACCOUNT" = ?"#,
                        arguments: [.text(conflicted.0), .text(conflicted.1)])
                ])
                try write(crm, .crmToErp, &written, [
                    DemoStatement(
                        sql: #"UPDATE "account" SET "name" = 'Renamed in Sales' WHERE "msdyn_company" = ? AND "accountnumber" = ?"#,
                        arguments: [.text(conflicted.0), .text(conflicted.1)])
                ])
                try environment.openState().setStates(["customers-accounts"], to: .resuming, actor: "demo")
                // Changes queued by the pause wait on purpose: they are not latency.
                paused.append(pausedAt - .milliseconds(100)...ContinuousClock.now)
                events.append("conflict: customer \(conflicted.0) \(conflicted.1) renamed on both sides while customers-accounts was paused")
            }
            if progress >= 0.4, staged.insert(2).inserted {
                // A bad row: more decimals than any currency keeps. It waits in the error list; everything else flows.
                try write(erp, .erpToCrm, &written, [
                    DemoStatement(
                        sql: #"""
                            INSERT INTO "CustCustomerV3Entity" ("DATAAREAID", "CUSTOMERACCOUNT", "PARTYTYPE", "ORGANIZATIONNAME", "CUSTOMERGROUPID",
                                "SALESCURRENCYCODE", "CREDITLIMIT", "CREDITLIMITISMANDATORY", "ISONETIMECUSTOMER", "ONHOLDSTATUS")
                            VALUES ('usmf', 'US-BAD001', 'Organization', 'Precise Numbers Inc.', '10', 'USD', '1000.123456789012', 'No', 'No', 'No')
                            """#)
                ])
                events.append("bad row: customer usmf US-BAD001 with credit limit 1000.123456789012 (more than 10 decimals)")
            }
            if progress >= 0.6, staged.insert(3).inserted {
                // One-way: products belong to the ERP; a CRM edit is put back and reported.
                let changed = try write(crm, .crmToErp, &written, [
                    DemoStatement(
                        sql: #"""
                            UPDATE "product" SET "name" = 'Renamed in Sales'
                            WHERE ("msdyn_company", "msdyn_productnumber") IN (
                                SELECT "msdyn_company", "msdyn_productnumber" FROM "product"
                                ORDER BY "msdyn_company", "msdyn_productnumber" LIMIT 1)
                            """#)
                ])
                if changed { events.append("one-way: the CRM side renamed a product; products flow ERP to CRM only") }
            }
            if progress >= 0.7, staged.insert(4).inserted {
                try stageNewParty(erp, &written)
                events.append("new party 900000001 with three addresses (one valid from 2027) and two roles, and its customer usmf US-NEW001")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let writing = (ContinuousClock.now - start).timeInterval
        log("applications stopped writing after \(String(format: "%.1f", writing)) s; waiting for the queues to empty")
        let drained = try awaitDrained(timeout: .seconds(120))
        stopped.store(true, ordering: .relaxed)
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }

        let latencies = committed.times.withLock { committed in
            applied.times.withLock { applied in
                committed.flatMap { direction, seqs in
                    seqs.compactMap { seq, at in
                        paused.contains { $0.contains(at) } ? nil : applied[direction]?[seq].map { ($0 - at).timeInterval * 1000 }
                    }
                }
            }
        }.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let comparisons = try environment.config.maps.map { try engine.compare(map: $0.name) }
        let errors = try ErrorList.entries(environment).count
        let conflicts = try ConflictList.entries(environment).count
        return Report(
            seconds: writing, written: written, latencyP50: percentile(0.5), latencyP95: percentile(0.95), latencyP99: percentile(0.99),
            latencyMax: latencies.last ?? 0, measured: latencies.count, drained: drained, comparisons: comparisons, conflicts: conflicts,
            errors: errors, events: events, stagedErrors: staged.contains(2) ? ["customers-accounts": ["'usmf','US-BAD001'"]] : [:])
    }

    /// One application transaction; records the commit time of the changes it captured. Returns whether it changed rows.
    @discardableResult
    private func write(
        _ application: DemoApplication, _ direction: SyncDirection, _ written: inout [String: Int], _ statements: [DemoStatement]
    ) throws -> Bool {
        let seqs = try application.transaction(statements)
        let now = ContinuousClock.now
        committed.times.withLock { times in for seq in seqs { times[direction, default: [:]][seq] = now } }
        written[direction.source.rawValue, default: 0] += seqs.count
        return !seqs.isEmpty
    }

    /// A new organisation party with three postal addresses (one future-dated), two roles, and a customer.
    private func stageNewParty(_ erp: DemoApplication, _ written: inout [String: Int]) throws {
        do {
            var parties = try TableWriter("DirPartyCDSEntity", application: erp)
            try parties.insert(["PARTYNUMBER": "900000001", "PARTYTYPE": "Organization", "ORGANIZATIONNAME": "Åkerlund & Rausing Nordic AB", "LANGUAGEID": "sv"])
            var locations = try TableWriter("LogisticsPostalAddressLocationCDSEntity", application: erp)
            var history = try TableWriter("LogisticsPostalAddressHistoryV2CDSEntity", application: erp)
            var partyAddresses = try TableWriter("DirPartyPostalAddressLocationCDSEntity", application: erp)
            let addresses: [(id: String, street: String, from: String, purpose: String)] = [
                ("LOC900000001", "Drottninggatan 1", "2020-01-01T00:00:00", "Business"),
                ("LOC900000002", "Kungsgatan 12", "2020-01-01T00:00:00", "Invoice;Delivery"),
                ("LOC900000003", "Sveavägen 44", "2027-01-01T00:00:00", "Delivery"),
            ]
            for (position, address) in addresses.enumerated() {
                try locations.insert(["LOCATIONID": address.id, "DESCRIPTION": "Stockholm \(position + 1)"])
                try history.insert([
                    "LOCATIONID": address.id, "VALIDFROM": address.from, "VALIDTO": "2154-12-31T23:59:59", "DESCRIPTION": "Stockholm \(position + 1)",
                    "STREET": address.street, "CITY": "Stockholm", "ZIPCODE": "111 \(20 + position)", "COUNTRYREGIONID": "SWE",
                ])
                try partyAddresses.insert([
                    "PARTYNUMBER": "900000001", "LOCATIONID": address.id, "PURPOSE": address.purpose, "ISPRIMARY": position == 0 ? "Yes" : "No",
                    "ISLOCATIONOWNER": "Yes",
                ])
            }
            var customers = try TableWriter("CustCustomerV3Entity", application: erp)
            try customers.insert([
                "DATAAREAID": "usmf", "CUSTOMERACCOUNT": "US-NEW001", "PARTYTYPE": "Organization", "PARTYNUMBER": "900000001",
                "ORGANIZATIONNAME": "Åkerlund & Rausing Nordic AB", "CUSTOMERGROUPID": "10", "SALESCURRENCYCODE": "USD", "PAYMENTTERMS": "Net30",
                "CREDITLIMIT": "250000.00", "CREDITLIMITISMANDATORY": "No", "ISONETIMECUSTOMER": "No", "ONHOLDSTATUS": "No",
            ])
            // One transaction, parents first, as the ERP would commit them.
            let statements = [parties, locations, history, partyAddresses, customers].flatMap(\.statements)
            try write(erp, .erpToCrm, &written, statements)
        }
    }

    /// Waits until no map has queued changes and no change waits for its
    /// parent; false on timeout.
    private func awaitDrained(timeout: Duration) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        let oneWay = try environment.resolveMaps(catalog).filter { $0.settings.direction != .both }
        var sides: [SideRole: DemoApplication] = [:]
        for role in SideRole.allCases { sides[role] = try DemoApplication(environment, role) }
        defer { for side in sides.values { side.close() } }
        // The engine saves checkpoints of batches that wrote nothing within a second.
        Thread.sleep(forTimeInterval: 1.2)
        while ContinuousClock.now < deadline {
            let status = try StatusReport.collect(environment, catalog: catalog)
            // A child read before its parent is parked (not queued) until the
            // parent arrives: an empty queue alone is not "drained".
            if status.maps.allSatisfy({ map in map.directions.allSatisfy { $0.queued == 0 } }),
                try !ErrorList.entries(environment).contains(where: { $0.kind == "parent" }),
                try oneWay.allSatisfy({ try Self.guarded($0, sides) })
            {
                return true
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    /// Waits until the engine has taken its first pass over every one-way
    /// map (it has a checkpoint of the side the map only receives).
    private func awaitOneWayGuards(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        let oneWay = try environment.resolveMaps(catalog).filter { $0.settings.direction != .both }
        var sides: [SideRole: DemoApplication] = [:]
        for role in SideRole.allCases { sides[role] = try DemoApplication(environment, role) }
        defer { for side in sides.values { side.close() } }
        while ContinuousClock.now < deadline {
            let started = try oneWay.allSatisfy { map in
                let master: SideRole = map.settings.direction == .erpToCrm ? .erp : .crm
                return try sides[master]!.checkpoint(map: map.name, source: master.other) != nil
            }
            if started { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        log("the engine had not looked at every one-way map after \(timeout); the applications start anyway")
    }

    /// Whether the engine has read every application edit on the side a
    /// one-way map only receives (and put it back): no queue shows them, and
    /// a summary taken before would call the map out of step.
    private static func guarded(_ map: ResolvedMap, _ sides: [SideRole: DemoApplication]) throws -> Bool {
        let master: SideRole = map.settings.direction == .erpToCrm ? .erp : .crm
        let edited = master.other
        let table = edited == .erp ? map.map.erp.table : map.map.crm.table
        guard let checkpoint = try sides[master]!.checkpoint(map: map.name, source: edited) else { return false }
        return try sides[edited]!.applicationChanges(table: table, after: checkpoint) == 0
    }
}

/// When changes were committed or applied, per direction and sequence number; shared with the engine thread.
final class TimeLog: Sendable {
    let times = Mutex<[SyncDirection: [Int64: ContinuousClock.Instant]]>([:])
}
