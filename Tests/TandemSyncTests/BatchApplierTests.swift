import Foundation
import GRDB
@testable import TandemEngine
import TandemDocuments
import TandemPluginHost
import TandemTestSupport
import Testing

/// The apply step alone: what ``BatchApplier`` decides for each item, seen
/// through a target that records what it is asked to do. The endpoint is
/// not the part under test here (the SQLite one is tested by every sync
/// test); the decisions are.
@Suite("The apply step, alone")
struct BatchApplierTests {
    /// The sample contacts map, ERP to CRM: company, id, name, the customer
    /// (a lookup into sample.customers) and a source default.
    static func plan(policy: ConflictPolicy? = nil, outOfScope: OutOfScope = .report) throws -> DirectionPlan {
        let catalog = try sampleMaps()
        let (source, map) = try #require(catalog.map("sample.contacts"))
        let customers = try #require(catalog.map("sample.customers")).map
        var settings = MapSettings(name: map.id, conflictPolicy: policy)
        settings.outOfScope = outOfScope
        return try DirectionPlan(
            map: map, settings: settings, direction: .erpToCrm, catalog: catalog,
            source: source,
            sourceTypes: ["DATAAREAID", "CONTACTPERSONID", "NAME", "CUSTACCOUNT"].map { ($0, "TEXT") },
            targetTypes: ["msdyn_company", "msdyn_contactpersonid", "fullname", "msdyn_accountnumber", "msdyn_source"].map { ($0, "TEXT") },
            maps: [map.id: map, customers.id: customers])
    }

    /// The sample maps plugin, built by this package, packed and loaded.
    static func sampleMaps() throws -> PluginCatalog {
        let directory = try Fixtures.temporaryDirectory("applier")
        try PluginPackager.pack(
            library: Fixtures.productsDirectory + "/libTandemSampleMaps.so",
            sourceManifest: Fixtures.repositoryRoot + "/Plugins/SampleMaps/tandem-plugin.json", into: directory)
        return PluginLoader().loadAll(from: [PluginDirectory(directory, origin: .commandLine)])
    }

    /// An ERP change of contact `id`, mapped to the CRM's columns.
    static func item(
        _ plan: DirectionPlan, seq: Int64, id: String, name: String = "Ann", customer: String? = nil,
        operation: Change.Operation = .insert, mapped: Result<[SideValue], SyncError>? = nil, origin: String? = nil
    ) -> ApplyItem {
        let key: [SideValue] = [.text("usmf"), .text(id)]
        let source: [SideValue] = key + [.text(name), customer.map(SideValue.text) ?? .null]
        let values: [SideValue] = key + [.text(name), customer.map(SideValue.text) ?? .null, .text("ERP")]
        return ApplyItem(
            plan: plan,
            change: Change(
                seq: seq, table: "ContactPerson", operation: operation, key: SQLLiteral.quoteList(key),
                row: SQLLiteral.quoteList(source), at: 1000, origin: origin),
            mapped: mapped ?? .success(values), sourceRow: source, parkedID: nil)
    }

    static func applier(_ mode: ApplyMode, blocked: [String: Set<String>] = [:], reverse: Int64? = nil) -> BatchApplier {
        BatchApplier(
            direction: .erpToCrm, mode: mode, blocked: blocked, openConflict: { _, _ in nil },
            reverseCheckpoint: { _ in reverse }, logger: .init(label: "test"))
    }

    @Test("Live: a good row is written with its source marked; a mapping error, a missing parent, a refused row and a blocked key are parked with their reasons")
    func live() throws {
        let plan = try Self.plan()
        let target = RecordingTarget()
        target.parents = ["C1"]
        target.refuse = ["P4"]
        var applier = Self.applier(.live, blocked: [plan.map: [SQLLiteral.quoteList([.text("usmf"), .text("P5")])]])
        let outcome = try applier.apply(
            [
                Self.item(plan, seq: 1, id: "P1", customer: "C1"),
                Self.item(plan, seq: 2, id: "P2", mapped: .failure(SyncError(.badValue, "NAME is too long"))),
                Self.item(plan, seq: 3, id: "P3", customer: "C9"),
                Self.item(plan, seq: 4, id: "P4"),
                Self.item(plan, seq: 5, id: "P5"),
                Self.item(plan, seq: 6, id: "P2", name: "Bo"),
            ], into: target)
        #expect(target.log.first == "begin live")
        #expect(target.log.last == "finish")
        #expect(target.written.map(\.key) == ["P1"])
        #expect(target.log.contains("source erp:1"))
        #expect(
            target.parked.map { "\($0.change.seq) \($0.kind): \($0.reason)" } == [
                "2 error: NAME is too long",
                "3 parent: waits for its parent in map sample.customers: text 'C9' is not on the crm side yet",
                "4 error: the crm side refused the row: UNIQUE constraint failed: contact.fullname",
                "5 behind: waits behind an earlier parked change of the same key",
                // Behind the parked error of the same key (seq 2): order per key holds.
                "6 behind: waits behind an earlier parked change of the same key",
            ])
        #expect(outcome.appliedSeqs == [1])
        #expect(outcome.newlyParked.count == 5)
        #expect(outcome.failures.map(\.errorClass) == [ErrorClass.application, .application])
        #expect(outcome.errors[plan.map] == "the crm side refused the row: UNIQUE constraint failed: contact.fullname")
    }

    @Test(
        "Updates the filter leaves out: with out_of_scope delete, a row the target has is deleted as the change's write; one it lacks is no matter; a key behind a parked change keeps its row, reported"
    )
    func leftScope() throws {
        let plan = try Self.plan(outOfScope: .delete)
        let target = RecordingTarget()
        target.present = ["P1", "P5"]
        var applier = Self.applier(.live, blocked: [plan.map: [SQLLiteral.quoteList([.text("usmf"), .text("P5")])]])
        func leaving(_ seq: Int64, _ id: String) -> ApplyItem {
            var item = Self.item(plan, seq: seq, id: id, operation: .update)
            item.mapped = nil
            item.leftScope = true
            return item
        }
        let outcome = try applier.apply([leaving(1, "P1"), leaving(2, "P9"), leaving(3, "P5")], into: target)
        #expect(target.written.map(\.key) == ["P1"])
        #expect(target.written.first?.values == [.text("usmf"), .text("P1"), .null, .null, .null])
        #expect(target.log.contains("source erp:1"))
        #expect(target.parked.isEmpty)
        #expect(outcome.appliedSeqs == [1])
        #expect(
            outcome.leftScope.map { "\($0.seq) \($0.targetKey) \($0.deleted)" } == [
                "1 'usmf','P1' true", "3 'usmf','P5' false",
            ])

        // Without the flag (keep, or an insert) nothing is looked up or written.
        let quiet = RecordingTarget()
        quiet.present = ["P1"]
        var item = Self.item(plan, seq: 4, id: "P1", operation: .update)
        item.mapped = nil
        var other = Self.applier(.live)
        #expect(try other.apply([item], into: quiet).leftScope.isEmpty)
        #expect(quiet.written.isEmpty)
    }

    @Test("Write-through: the first refusal throws with the key and the reason, and nothing is parked; an applied change leaves its marker")
    func writeThrough() throws {
        let plan = try Self.plan()
        let target = RecordingTarget()
        var applier = Self.applier(.writeThrough)
        _ = try applier.apply([Self.item(plan, seq: 7, id: "P1")], into: target)
        #expect(target.log.contains("marker erp:7"))
        let error = #expect(throws: SyncError.self) {
            var applier = Self.applier(.writeThrough)
            _ = try applier.apply([Self.item(plan, seq: 8, id: "P2", customer: "C9")], into: target)
        }
        #expect(
            error?.message
                == "key 'usmf','P2': waits for its parent in map sample.customers: text 'C9' is not on the crm side yet")
        #expect(target.parked.isEmpty)
    }

    @Test("Initial sync: a reference into the map's own table that is missing is left empty for the second pass; one into another map parks")
    func initialSync() throws {
        let plan = try Self.plan()
        #expect(plan.parentChecks.map(\.map) == ["sample.customers"])
        let target = RecordingTarget()
        var applier = Self.applier(.initialSync)
        let outcome = try applier.apply([Self.item(plan, seq: 0, id: "P1", customer: "C9")], into: target)
        #expect(target.log.first == "begin initialSync")
        // sample.contacts refers to another map: the row waits for its parent, even in initial sync.
        #expect(outcome.deferredReferences == 0)
        #expect(target.parked.map(\.kind) == ["parent"])

        // A map whose rows refer to rows of its own table (a contact's manager).
        let own = TableMap(
            id: "test.managers", version: "1.0.0", description: "contacts and their managers",
            erp: TableReference(table: "ContactPerson", key: ["DATAAREAID", "CONTACTPERSONID"]),
            crm: TableReference(table: "contact", key: ["msdyn_company", "msdyn_contactpersonid"]),
            fields: [
                FieldMap(erp: "DATAAREAID", crm: "msdyn_company", direction: .both),
                FieldMap(erp: "CONTACTPERSONID", crm: "msdyn_contactpersonid", direction: .both),
                FieldMap(erp: "NAME", crm: "fullname", direction: .both),
                FieldMap(
                    erp: "CUSTACCOUNT", crm: "msdyn_accountnumber", direction: .both,
                    lookup: Lookup(map: "test.managers", erp: "CONTACTPERSONID", crm: "msdyn_contactpersonid")),
            ])
        let catalog = try Self.sampleMaps()
        let selfPlan = try DirectionPlan(
            map: own, settings: MapSettings(name: own.id), direction: .erpToCrm, catalog: catalog, source: .plugin(catalog.plugins[0]),
            sourceTypes: ["DATAAREAID", "CONTACTPERSONID", "NAME", "CUSTACCOUNT"].map { ($0, "TEXT") },
            targetTypes: ["msdyn_company", "msdyn_contactpersonid", "fullname", "msdyn_accountnumber"].map { ($0, "TEXT") },
            maps: [own.id: own])
        let selfTarget = RecordingTarget()
        let values: [SideValue] = [.text("usmf"), .text("P2"), .text("Bo"), .text("P3")]
        var first = Self.applier(.initialSync)
        let deferred = try first.apply([Self.item(selfPlan, seq: 0, id: "P2", mapped: .success(values))], into: selfTarget)
        #expect(deferred.deferredReferences == 1)
        #expect(selfTarget.written.first?.values[3] == .null)
        #expect(selfTarget.parked.isEmpty)
        // Live, the same row waits for its manager.
        var live = Self.applier(.live)
        _ = try live.apply([Self.item(selfPlan, seq: 1, id: "P2", mapped: .success(values))], into: selfTarget)
        #expect(selfTarget.parked.map(\.kind) == ["parent"])
    }

    @Test("A conflict under the manual policy is recorded open and parks the change, linked to the record; a later change of the key waits behind it")
    func manualConflict() throws {
        let plan = try Self.plan(policy: .manual)
        let target = RecordingTarget()
        let key = SQLLiteral.quoteList([.text("usmf"), .text("P1")])
        target.pending = [key: LocalEdits(seq: 41, key: key, row: "'usmf','P1','Eve',NULL,'ERP'", at: 2000, wholeRow: true)]
        var applier = Self.applier(.live, reverse: 40)
        let outcome = try applier.apply(
            [Self.item(plan, seq: 9, id: "P1", operation: .update), Self.item(plan, seq: 10, id: "P1", name: "Al", operation: .update)],
            into: target)
        #expect(target.conflicts.map(\.status) == ["open"])
        #expect(target.conflicts.first?.targetSeq == 41)
        #expect(target.parked.map(\.kind) == ["conflict", "behind"])
        #expect(target.log.contains("link 1 → 1"))
        #expect(outcome.openConflicts.map(\.id) == ["crm-1"])
        #expect(target.written.isEmpty)
        // Without a reverse checkpoint (the reverse direction is not running) there is no conflict.
        let quiet = RecordingTarget()
        quiet.pending = target.pending
        var applier2 = Self.applier(.live, reverse: nil)
        _ = try applier2.apply([Self.item(plan, seq: 9, id: "P1", operation: .update)], into: quiet)
        #expect(quiet.conflicts.isEmpty && quiet.written.map(\.key) == ["P1"])
    }

    @Test("An operator's retry: a change that fails again does not hold back the later one of its key, which supersedes it")
    func operatorRetry() throws {
        let plan = try Self.plan()
        let target = RecordingTarget()
        var failing = Self.item(plan, seq: 11, id: "P1", mapped: .failure(SyncError(.badValue, "still bad")))
        failing.parkedID = 100
        var later = Self.item(plan, seq: 12, id: "P1", name: "Fixed", operation: .update)
        later.parkedID = 101
        var applier = Self.applier(.operatorRetry)
        let outcome = try applier.apply([failing, later], into: target)
        #expect(target.log.contains("again 100 error: still bad"))
        #expect(target.written.map(\.key) == ["P1"])
        #expect(target.unparked == [101, 100])
        #expect(outcome.superseded.map { "\($0.seq) by \($0.by)" } == ["11 by 12"])
    }
}

/// A target that does what it is told in memory and records it.
final class RecordingTarget: TargetTransaction {
    /// Customer account numbers present on this side.
    var parents: Set<String> = []
    /// Contact ids whose row this side has (for ``rowExists(_:key:)``).
    var present: Set<String> = []
    /// Contact ids whose write the "database" refuses.
    var refuse: Set<String> = []
    var pending: [String: LocalEdits] = [:]
    var log: [String] = []
    var written: [(key: String, values: [SideValue])] = []
    var parked: [ParkedChange] = []
    var unparked: [Int64] = []
    var conflicts: [ConflictRecord] = []
    var recordedEchoes: Int { 0 }

    func begin(_ mode: ApplyMode) throws { log.append("begin \(mode)") }
    func markSource(_ source: String) throws { log.append("source \(source)") }
    func markMerge(_ note: String) throws { log.append("merge \(note)") }
    func captureNeeded() throws { log.append("capture") }
    func finish() throws { log.append("finish") }
    func parentExists(_ check: Int, of plan: DirectionPlan, values: [SideValue]) throws -> Bool {
        parents.contains(values[plan.parentChecks[check].target].text ?? "")
    }
    func rowExists(_ plan: DirectionPlan, key: [SideValue]) throws -> Bool {
        present.contains(key.last?.text ?? "")
    }
    func write(
        _ operation: Change.Operation, plan: DirectionPlan, values: [SideValue], oldKey: [SideValue]?, only: Set<Int>?
    ) throws {
        let id = values[1].text ?? ""
        if refuse.contains(id) { throw RowRefused(message: "UNIQUE constraint failed: contact.fullname") }
        written.append((id, values))
    }
    func writeShared(table: String, keys: [(column: String, value: SideValue)], column: String, value: SideValue) throws {
        log.append("shared \(table).\(column)")
    }
    func writeMerged(
        _ plan: DirectionPlan, values: [SideValue], columns: Set<String>, local: LocalEdits, note: String
    ) throws -> Bool { false }
    func consumeWrittenMarker(source: String, seq: Int64) throws -> Bool { false }
    func markWritten(source: String, seq: Int64) throws { log.append("marker \(source):\(seq)") }
    func park(_ change: ParkedChange) throws -> Int64 {
        parked.append(change)
        return Int64(parked.count)
    }
    func parkAgain(id: Int64, kind: String, reason: String, errorClass: ErrorClass) throws {
        log.append("again \(id) \(kind): \(reason)")
    }
    func unpark(id: Int64) throws { unparked.append(id) }
    func pendingLocalEdits(_ plan: DirectionPlan, after seq: Int64) throws -> [String: LocalEdits] { pending }
    func recordConflict(_ conflict: ConflictRecord) throws -> Int64 {
        conflicts.append(conflict)
        return Int64(conflicts.count)
    }
    func hasConflict(map: String, targetSeq: Int64, policy: String) throws -> Bool {
        conflicts.contains { $0.map == map && $0.targetSeq == targetSeq && $0.policy == policy }
    }
    func linkConflict(_ id: Int64, parked: Int64) throws { log.append("link \(id) → \(parked)") }
    func supersede(table: String, key: String, from seq: Int64, note: String) throws { log.append("supersede \(key)") }
    func recordInitialProgress(map: String, lastKey: String, done: Int, conflicts: Int, errors: Int) throws {
        log.append("progress \(map) \(lastKey)")
    }
}
