import Foundation
import Logging
import TandemDocuments
import TandemPluginHost
import Testing

@testable import TandemEngine

/// What the live loop relies on of any side, checked the same way against
/// each dialect's endpoint (``SQLiteSideEndpointContractTests``,
/// ``PostgreSQLSideEndpointContractTests``): values come back byte for byte,
/// a batch commits with its checkpoints and marks its writes as echoes, a
/// refused row does not end the batch, and the bookkeeping kept in the side
/// (parked changes, conflicts, write-through markers) reads back as written.
enum SideEndpointContract {
    /// A table with a column of each of the engine's value kinds; `n` refuses the text 'bad'.
    static func ddl(_ dialect: ContractSide.Dialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["CREATE TABLE vals (id INTEGER PRIMARY KEY, t TEXT, b BLOB, i INTEGER, r REAL, n TEXT CHECK (n <> 'bad'))"]
        case .postgresql:
            [
                """
                CREATE TABLE vals (id bigint PRIMARY KEY, t text, b bytea, i bigint, r double precision,
                    n text CHECK (n <> 'bad'))
                """
            ]
        }
    }

    /// The columns of `vals`, in table (and capture) order.
    static let columns = ["id", "t", "b", "i", "r", "n"]
    /// The captured table and its key.
    static let captured: [(name: String, key: [String])] = [(name: "vals", key: ["id"])]

    /// Values that a side must keep exactly: Unicode and quotes, bytes with a NUL and 0xFF, the
    /// extreme integers, reals that print with and without an exponent, an empty blob, NULL.
    static let first: [SideValue] = [
        .integer(1), .text("Ünïcødé ✓ it's \"q\" \\ tab\t 𝄞"), .blob(Data([0x00, 0xFF, 0x10, 0x27])),
        .integer(Int64.max), .real(0.1), .null,
    ]
    static let second: [SideValue] = [.integer(2), .text(""), .blob(Data()), .integer(Int64.min), .real(-1.5e300), .text("x")]

    /// Runs `body` with a side of `dialect` holding `vals`, captured.
    static func withSide(_ dialect: ContractSide.Dialect, _ body: (ContractSide) async throws -> Void) async throws {
        try await ContractSide.with(dialect, ddl: ddl, captured: captured, body)
    }

    /// Inserts `values` into `vals` as an application.
    static func insert(_ values: [SideValue], _ side: ContractSide) async throws {
        try await side.exec("INSERT INTO vals (id, t, b, i, r, n) VALUES (\(values.map(side.literal).joined(separator: ", ")))")
    }

    /// A plan that copies an ERP table's columns into `vals`, for the target transaction.
    static func plan(_ side: ContractSide) async throws -> DirectionPlan {
        let map = TableMap(
            id: "test.values", version: "1.0.0", description: "one column of each value kind",
            erp: TableReference(table: "VALS", key: ["ID"]), crm: TableReference(table: "vals", key: ["id"]),
            fields: columns.map { FieldMap(erp: .one($0.uppercased()), crm: .one($0), direction: .both) })
        let catalog = try BatchApplierTests.sampleMaps()
        let targetTypes = try await side.call { try $0.columnTypes(of: "vals") }
        let plan = try DirectionPlan(
            map: map, settings: MapSettings(name: map.id), direction: .erpToCrm, catalog: catalog, source: .plugin(catalog.plugins[0]),
            sourceTypes: zip(columns, ["INTEGER", "TEXT", "BLOB", "INTEGER", "REAL", "TEXT"]).map { ($0.uppercased(), $1) },
            targetTypes: targetTypes, maps: [map.id: map])
        let capture = try await side.call { try $0.capturedColumns() }
        plan.setTargetCaptureColumns(capture["vals"] ?? [])
        let carried = ContractSide.Carried(value: plan)
        try await side.call { try $0.prepareTarget(carried.value) }
        return plan
    }

    /// A value a check needs was not there (thrown where `#require` cannot record: off the test's task).
    struct Missing: Error {
        /// What was missing.
        let what: String
    }

    // MARK: The checks

    /// Checkpoints move forward only, per map and source side.
    static func checkpoints(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            let accounts = CheckpointID(map: "accounts", source: .erp)
            let contacts = CheckpointID(map: "contacts", source: .erp)
            let back = CheckpointID(map: "accounts", source: .crm)
            let stored = try await side.call { endpoint in
                // The audit's read of a side with none stored yet.
                let none = try endpoint.auditFacts()
                try endpoint.storeCheckpoints([accounts: 10, contacts: 3, back: 1])
                try endpoint.storeCheckpoints([accounts: 7])
                let first = try endpoint.storedCheckpoints()
                try endpoint.storeCheckpoints([accounts: 12])
                return (first, try endpoint.storedCheckpoints(), none, try endpoint.auditFacts(), try endpoint.issuedHead())
            }
            #expect(stored.0 == [accounts: 10, contacts: 3, back: 1])
            #expect(stored.1[accounts] == 12)
            // The audit reads the same in one go.
            #expect(stored.2.checkpoints.isEmpty)
            #expect(stored.3.checkpoints == stored.1)
            #expect(stored.3.head == stored.4)
        }
    }

    /// What initial sync between any two endpoints reads and keeps: rows in key order in exactly
    /// the change log's form, the row count, a head with nothing in flight below it, the progress
    /// record, a checkpoint set back; and the side's identity, stored, read and removed.
    static func initialSyncParts(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            try await insert(second, side)
            try await insert(first, side)
            let result = try await side.call { endpoint in
                let logged = try endpoint.changes(after: 0, limit: 10)
                let firstChunk = try endpoint.rowsInKeyOrder(table: "vals", columns: columns, key: ["id"], after: nil, limit: 1)
                let rest = try endpoint.rowsInKeyOrder(
                    table: "vals", columns: columns, key: ["id"], after: firstChunk.first?.key, limit: 10)
                return (
                    logged.map { ($0.key, $0.row ?? "") }, firstChunk, rest, try endpoint.rowCount(table: "vals"),
                    try endpoint.stableHead(), try endpoint.headSeq()
                )
            }
            // Key order, not insertion order; each row as capture wrote it, to the byte.
            #expect(result.1.map(\.key) == ["1"])
            #expect(result.2.map(\.key) == ["2"])
            #expect(result.1.first?.row == result.0.first { $0.0 == "1" }?.1)
            #expect(result.2.first?.row == result.0.first { $0.0 == "2" }?.1)
            #expect(result.3 == 2)
            #expect(result.4 == result.5 && result.4 > 0)

            let progress = InitialProgress(
                map: "m", master: .crm, phase: "other", lastKey: "'k''1'", done: 0, conflicts: 0, errors: 0,
                startedAt: 1_700_000_000_000.5, finishedAt: nil, otherRows: 7)
            let kept = try await side.call { endpoint in
                let none = try endpoint.initialProgress(map: "m")
                try endpoint.startInitialProgress(progress)
                let started = try endpoint.initialProgress(map: "m")
                try endpoint.finishInitialProgress(map: "m")
                let finished = try endpoint.initialProgress(map: "m")
                try endpoint.storeCheckpoints([CheckpointID(map: "m", source: .erp): 40])
                try endpoint.resetCheckpoint(CheckpointID(map: "m", source: .erp), to: 5)
                try endpoint.resetCheckpoint(CheckpointID(map: "n", source: .erp), to: 3)
                return (none, started, finished, try endpoint.storedCheckpoints())
            }
            #expect(kept.0 == nil)
            #expect(kept.1 == progress)
            #expect(kept.2?.finishedAt != nil && kept.2?.lastKey == "'k''1'")
            #expect(kept.3[CheckpointID(map: "m", source: .erp)] == 5)
            #expect(kept.3[CheckpointID(map: "n", source: .erp)] == 3)

            let identity = SideIdentity(environment: "env-1", role: .crm, id: "side-1", createdAt: 1_700_000_000.25)
            let identities = try await side.call { endpoint in
                try endpoint.storeIdentity(identity)
                let stored = try endpoint.storedIdentity()
                try endpoint.removeIdentity()
                return (stored, try endpoint.storedIdentity())
            }
            #expect(identities.0 == identity)
            #expect(identities.1 == nil)
        }
    }

    /// An application's inserts, updates and deletes are read in order with their keys, rows
    /// (byte for byte) and changed columns; the commit token moves with its commits.
    static func changes(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            let before = try await side.call { try $0.commitToken() }
            try await insert(first, side)
            try await insert(second, side)
            try await side.exec("UPDATE vals SET n = 'changed' WHERE id = 1")
            try await side.exec("DELETE FROM vals WHERE id = 2")
            let after = try await side.call { try $0.commitToken() }
            #expect(after != before)
            let changes = try await side.call { try $0.changes(after: 0, limit: 10) }
            try #require(changes.count == 4)
            #expect(changes.map(\.operation) == [.insert, .insert, .update, .delete])
            #expect(changes.map(\.table) == ["vals", "vals", "vals", "vals"])
            #expect(changes.allSatisfy { $0.origin == nil && $0.isApplicable })
            #expect(try changes.map { try SQLLiteral.parseList($0.key) } == [[.integer(1)], [.integer(2)], [.integer(1)], [.integer(2)]])
            var updated = first
            updated[5] = .text("changed")
            let rows = try changes.map { try $0.row.map { try SQLLiteral.parseList($0) } }
            #expect(rows == [first, second, updated, second])
            #expect(changes[2].changed == "000001")
            #expect(changes.map(\.seq) == changes.map(\.seq).sorted())
            #expect(changes.allSatisfy { $0.at > 1_600_000_000_000 })
            #expect(try await side.call { try $0.changes(after: changes[0].seq, limit: 1) }.map(\.seq) == [changes[1].seq])

            let facts = try await side.call { endpoint in
                (
                    try endpoint.headSeq(), try endpoint.issuedHead(), try endpoint.changeIdentity(changes[1].seq)?.table,
                    try endpoint.applicationEdits(table: "vals", after: changes[0].seq, limit: 10).map(\.seq),
                    try endpoint.capturedColumns(), try endpoint.hasTable("vals"), try endpoint.hasTable("nope"),
                    try endpoint.columnTypes(of: "vals").map(\.name), try endpoint.columnTypes(of: "nope").count,
                    try endpoint.auditFacts().head
                )
            }
            #expect(facts.9 == facts.1, "the audit's head is the issued head")
            #expect(facts.0 == changes[3].seq)
            #expect(facts.1 >= changes[3].seq)
            #expect(facts.2 == "vals")
            #expect(facts.3 == changes.dropFirst().map(\.seq))
            #expect(facts.4 == ["vals": columns])
            #expect(facts.5 && !facts.6)
            #expect(facts.7 == columns)
            #expect(facts.8 == 0)

            let current = try await side.call {
                try $0.currentRows(
                    table: "vals", columns: columns, keyColumns: ["id"], keys: [[.integer(1)], [.integer(2)], [.integer(3)]])
            }
            #expect(try current.map { try $0.map { try SQLLiteral.parseList($0) } } == [updated, nil, nil])
        }
    }

    /// A batch commits with its checkpoints; its writes come back as echoes of the source change
    /// each one applied, with no row; a row the database refuses is reported and the batch goes on;
    /// a batch whose body fails keeps nothing. A text with a NUL byte: kept by SQLite, refused by
    /// PostgreSQL (its text cannot hold one).
    static func applyBatch(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            let plan = ContractSide.Carried(value: try await plan(side))
            let checkpoint = CheckpointID(map: "test.values", source: .erp)
            let nul: [SideValue] = [.integer(3), .text("a\u{0}b"), .null, .integer(0), .real(0), .null]
            let bad: [SideValue] = [.integer(4), .text("refused"), .null, .null, .null, .text("bad")]
            let changed = [second[0], .text("second, updated")] + second.dropFirst(2)
            let (refusals, found) = try await side.call { endpoint in
                try endpoint.applyBatch([], checkpoints: [checkpoint: 8], fastPath: false, logger: Logger(label: "contract")) {
                    target -> ([String], [Bool]) in
                    var refusals: [String] = []
                    try target.begin(.live)
                    for (seq, values) in [(5, first), (6, nul), (7, bad), (8, second)] {
                        try target.markSource("erp:\(seq)")
                        do {
                            try target.write(.insert, plan: plan.value, values: values, oldKey: nil)
                        } catch let refused as RowRefused {
                            refusals.append("\(seq): \(refused.message)")
                        }
                    }
                    try target.markSource("erp:8")
                    try target.write(.update, plan: plan.value, values: changed, oldKey: nil)
                    // Rows by key, as a row that leaves a filter's scope is looked for: written, refused, never there.
                    let found = try [[SideValue.integer(2)], [.integer(4)], [.integer(99)]].map {
                        try target.rowExists(plan.value, key: $0)
                    }
                    try target.finish()
                    return (refusals, found)
                }
            }
            #expect(found == [true, false, false])
            #expect(refusals.count == (dialect == .sqlite ? 1 : 2))
            #expect(refusals.contains { $0.hasPrefix("7: ") })
            if dialect == .postgresql {
                #expect(refusals.contains { $0.hasPrefix("6: ") && $0.contains("NUL byte") })
            }
            let rows = try await side.call { endpoint in
                try endpoint.currentRows(
                    table: "vals", columns: columns, keyColumns: ["id"],
                    keys: [[.integer(1)], [.integer(2)], [.integer(3)], [.integer(4)]])
            }
            let parsed = try rows.map { try $0.map { try SQLLiteral.parseList($0) } }
            #expect(parsed == [first, changed, dialect == .sqlite ? nul : nil, nil])
            #expect(try await side.call { try $0.storedCheckpoints() } == [checkpoint: 8])

            // Tandem's writes are echoes of the change each applied: never sent back, no row.
            let echoes = try await side.call { try $0.changes(after: 0, limit: 10) }
            #expect(echoes.allSatisfy { !$0.isApplicable && $0.row == nil })
            let expected = dialect == .sqlite ? ["erp:5", "erp:6", "erp:8", "erp:8"] : ["erp:5", "erp:8", "erp:8"]
            #expect(echoes.map(\.origin) == expected)
            #expect(try await side.call { try $0.applicationEdits(table: "vals", after: 0, limit: 10) }.isEmpty)

            // A batch whose body fails keeps neither its rows nor its checkpoint.
            struct Stop: Error {}
            let failed = try await side.call { endpoint -> Bool in
                do {
                    try endpoint.applyBatch([], checkpoints: [checkpoint: 20], fastPath: false, logger: Logger(label: "contract")) {
                        target in
                        try target.begin(.live)
                        try target.markSource("erp:20")
                        try target.write(.insert, plan: plan.value, values: [.integer(9)] + Array(second.dropFirst()), oldKey: nil)
                        throw Stop()
                    }
                    return false
                } catch is Stop {
                    return true
                }
            }
            #expect(failed)
            let after = try await side.call { endpoint in
                (
                    try endpoint.currentRows(table: "vals", columns: columns, keyColumns: ["id"], keys: [[.integer(9)]]),
                    try endpoint.storedCheckpoints()
                )
            }
            #expect(after.0 == [nil])
            #expect(after.1 == [checkpoint: 8])
        }
    }

    /// Parked changes and conflicts written in a batch read back as written; an operator's
    /// actions (mark, discard, delete, close) change them.
    static func bookkeeping(_ dialect: ContractSide.Dialect) async throws {
        /// A parked change of `key`: every field must read back as written.
        @Sendable func change(_ seq: Int64, _ key: String) -> Change {
            Change(
                seq: seq, table: "ContactPerson", operation: .update, key: key, row: "\(key),'it''s',X'00FF',1.5,NULL",
                at: 1_733_400_000_123.5, origin: nil, changed: "0101")
        }
        try await withSide(dialect) { side in
            let (ids, conflictID) = try await side.call { endpoint in
                try endpoint.applyBatch([], checkpoints: [:], fastPath: false, logger: Logger(label: "contract")) {
                    target -> ([Int64], Int64) in
                    var ids: [Int64] = []
                    for (seq, key, kind) in [(5, "'P1'", "parent"), (6, "'P1'", "behind"), (7, "'E1'", "error"), (8, "'G1'", "error")] {
                        ids.append(
                            try target.park(
                                ParkedChange(
                                    map: "contacts", source: "erp", change: change(Int64(seq), key), kind: kind, reason: "why \(seq)",
                                    errorClass: .application)))
                    }
                    try target.parkAgain(id: ids[2], kind: "error", reason: "again", errorClass: .application)
                    try target.unpark(id: ids[3])
                    let conflict = try target.recordConflict(
                        ConflictRecord(
                            map: "contacts", key: "'E1'", policy: "manual", winner: "", source: "erp", sourceSeq: 7,
                            sourceRow: "'E1','a'", targetSeq: 3, targetRow: "'E1','b'", status: "open", outcome: "",
                            sourceChanged: "name", targetChanged: nil, sourceTable: "ContactPerson", targetTable: "contact"))
                    try target.linkConflict(conflict, parked: ids[2])
                    return (ids, conflict)
                }
            }
            let known = try await side.call { endpoint in
                try endpoint.applyBatch([], checkpoints: [:], fastPath: false, logger: Logger(label: "contract")) { target in
                    [3, 4].map { try? target.hasConflict(map: "contacts", targetSeq: $0, policy: "manual") }
                }
            }
            #expect(known == [true, false])
            let read = try await side.call { endpoint in
                (
                    try endpoint.parkedChanges(map: "contacts", source: .erp, waitingForParents: true),
                    try endpoint.parkedChanges(map: "contacts", source: .erp, waitingForParents: false).map(\.change.seq),
                    try endpoint.parkedChanges(map: "contacts", source: .crm, waitingForParents: false).count,
                    try endpoint.parkedKeys(source: .erp, map: "contacts").map(\.key).sorted(),
                    try endpoint.parkedKeys(source: .erp, map: "other").count,
                    try endpoint.parkedErrors(map: nil).map(\.parked.change.seq),
                    try endpoint.parkedChange(id: ids[2]), try endpoint.parkedChange(id: ids[3]) == nil
                )
            }
            #expect(read.0.map(\.change.seq) == [5, 6])
            #expect(read.1 == [5, 6, 7])
            #expect(read.2 == 0)
            #expect(read.3 == ["'E1'", "'P1'", "'P1'"])
            #expect(read.4 == 0)
            #expect(read.5 == [5, 7])
            let stored = try #require(read.6)
            let expected = change(7, "'E1'")
            #expect(stored.parked.reason == "again")
            #expect(stored.parked.kind == "error")
            #expect(stored.parked.map == "contacts" && stored.parked.source == "erp")
            #expect(stored.parked.change.key == expected.key && stored.parked.change.row == expected.row)
            #expect(stored.parked.change.at == expected.at && stored.parked.change.changed == expected.changed)
            #expect(stored.parked.change.operation == .update && stored.parked.change.table == "ContactPerson")
            #expect(read.7)

            let conflicts = try await side.call { endpoint in
                let open = try endpoint.openConflicts(source: .erp).map(\.id)
                let linked = try endpoint.openConflict(parkedID: ids[2])
                try endpoint.closeConflict(id: conflictID, winner: "erp", outcome: "source wins", by: "tester")
                return (open, linked, try endpoint.conflict(id: conflictID), try endpoint.openConflicts(source: .erp).count)
            }
            #expect(conflicts.0 == [conflictID])
            #expect(conflicts.1 == conflictID)
            let closed = try #require(conflicts.2)
            #expect(closed.record.status == "resolved" && closed.record.winner == "erp" && closed.resolvedBy == "tester")
            #expect(closed.record.sourceRow == "'E1','a'" && closed.record.targetRow == "'E1','b'")
            #expect(closed.record.sourceChanged == "name" && closed.record.targetChanged == nil)
            #expect(closed.record.sourceSeq == 7 && closed.record.targetSeq == 3 && closed.parkedID == ids[2])
            #expect(conflicts.3 == 0)

            let actions = try await side.call { endpoint in
                try endpoint.markParkedError(id: ids[1])
                let errors = try endpoint.parkedErrors(map: "contacts").map(\.parked.change.seq)
                let discarded = try endpoint.discardParked(map: "contacts", source: .erp, key: "'P1'").map(\.parked.change.seq)
                try endpoint.deleteParked(id: ids[2])
                return (errors, discarded, try endpoint.parkedErrors(map: nil).count)
            }
            #expect(actions.0 == [5, 6, 7])
            #expect(actions.1 == [5, 6])
            #expect(actions.2 == 0)
        }
    }

    /// The applications' edits of the target table after a checkpoint are found by key, with the
    /// columns an update changed; superseded edits never travel; write-through markers are
    /// consumed once.
    static func localEdits(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            let plan = ContractSide.Carried(value: try await plan(side))
            try await insert([.integer(10)] + Array(first.dropFirst()), side)
            try await side.exec("UPDATE vals SET n = 'edited', t = 'edited' WHERE id = 10")
            try await insert([.integer(11)] + Array(second.dropFirst()), side)
            let logged = try await side.call { try $0.changes(after: 0, limit: 10) }
            try #require(logged.count == 3)
            let (all, updates, markers) = try await side.call { endpoint in
                try endpoint.applyBatch([], checkpoints: [:], fastPath: false, logger: Logger(label: "contract")) { target in
                    let all = try target.pendingLocalEdits(plan.value, after: 0)
                    let updates = try target.pendingLocalEdits(plan.value, after: logged[0].seq)
                    try target.supersede(table: "vals", key: "10", from: 0, note: "superseded by test")
                    try target.markWritten(source: "erp", seq: 5)
                    let markers = [
                        try target.consumeWrittenMarker(source: "erp", seq: 5),
                        try target.consumeWrittenMarker(source: "erp", seq: 5),
                    ]
                    return (all, updates, markers)
                }
            }
            #expect(Set(all.keys) == ["10", "11"])
            #expect(all["10"]?.seq == logged[0].seq && all["10"]?.wholeRow == true)
            #expect(all["10"]?.row == logged[1].row && all["10"]?.at == logged[1].at)
            // After the insert of 10: its update (two columns) and the insert of 11.
            #expect(Set(updates.keys) == ["10", "11"])
            #expect(updates["10"]?.wholeRow == false && updates["10"]?.columns == ["t", "n"])
            #expect(updates["11"]?.wholeRow == true)
            #expect(markers == [true, false])
            let remaining = try await side.call { try $0.applicationEdits(table: "vals", after: 0, limit: 10) }
            #expect(remaining.map(\.seq) == [logged[2].seq])
        }
    }

    /// A merged row takes the incoming values of the merged columns and keeps the target's
    /// others; the target's pending edits are superseded and the merged row travels back as one
    /// change of the columns the target edited; an operator's merged resolution does the same
    /// and removes the parked change; a row that is not there is not merged.
    static func merge(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            let plan = ContractSide.Carried(value: try await plan(side))
            try await insert([.integer(10)] + Array(first.dropFirst()), side)
            try await insert([.integer(11)] + Array(first.dropFirst()), side)
            try await side.exec("UPDATE vals SET n = 'local' WHERE id IN (10, 11)")
            let inserted = try await side.call { try $0.changes(after: 0, limit: 10) }
            try #require(inserted.count == 4)
            let incoming: [SideValue] = [.integer(10), .text("incoming"), .blob(Data([1])), .integer(5), .real(2.5), .text("theirs")]
            let results = try await side.call { endpoint in
                try endpoint.applyBatch([], checkpoints: [:], fastPath: false, logger: Logger(label: "contract")) { target in
                    let edits = try target.pendingLocalEdits(plan.value, after: inserted[1].seq)
                    // Not #require: this runs on the endpoint's thread, outside the test's task.
                    guard let ten = edits["10"], let eleven = edits["11"] else { throw Missing(what: "pending edits") }
                    try target.begin(.live)
                    try target.markMerge("erp:5 merged")
                    let merged = try target.writeMerged(
                        plan.value, values: incoming, columns: ["t", "i"], local: ten, note: "merged with erp:5")
                    let missing = try target.writeMerged(
                        plan.value, values: [.integer(99)] + Array(incoming.dropFirst()), columns: ["t"],
                        local: ten, note: "merged with erp:6")
                    let parked = try target.park(
                        ParkedChange(
                            map: "test.values", source: "erp", change: inserted[0], kind: "conflict", reason: "open",
                            errorClass: .application))
                    try target.finish()
                    return (merged, missing, parked, eleven)
                }
            }
            #expect(results.0 && !results.1)
            let resolved = try await side.call { endpoint in
                try endpoint.writeMergedResolution(
                    plan.value, values: [.integer(11)] + Array(incoming.dropFirst()), columns: ["r"], local: results.3,
                    origin: "operator", note: "merged by operator", parkedID: results.2)
            }
            #expect(resolved)
            let after = try await side.call { endpoint in
                (
                    try endpoint.currentRows(table: "vals", columns: columns, keyColumns: ["id"], keys: [[.integer(10)], [.integer(11)]]),
                    try endpoint.applicationEdits(table: "vals", after: 0, limit: 10), try endpoint.parkedChange(id: results.2) == nil
                )
            }
            let rows = try after.0.map { try $0.map { try SQLLiteral.parseList($0) } }
            #expect(rows[0] == [.integer(10), .text("incoming"), first[2], .integer(5), first[4], .text("local")])
            #expect(rows[1] == [.integer(11), first[1], first[2], first[3], .real(2.5), .text("local")])
            // The applications' updates (the pending edits merged) are superseded, their inserts
            // (before the edits) stay; the merged rows travel, one change each.
            #expect(after.1.prefix(2).map(\.seq) == [inserted[0].seq, inserted[1].seq])
            let travelling = Array(after.1.dropFirst(2))
            #expect(travelling.map(\.operation) == [.update, .update])
            #expect(travelling.map(\.key) == ["10", "11"])
            #expect(try travelling.map { try SQLLiteral.parseList(try #require($0.row)) } == rows.map { $0! })
            #expect(travelling.map(\.changed) == ["000001", "000001"])
            #expect(after.2)
        }
    }

    /// A write through Tandem with this side as origin: its rows are written (the columns given,
    /// a missing row inserted), captured with the write's tag and their rows, and kept only once
    /// the write commits; a write that does not commit keeps nothing.
    static func writeThrough(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            try await insert(first, side)
            let types = ContractSide.Carried(value: try await side.call { try $0.columnTypes(of: "vals") })
            let captured = try await side.call { endpoint in
                try endpoint.writeThrough(tag: "write:a1") { write -> [Change] in
                    try write.write(
                        [["id": .integer(20), "t": .text("new"), "b": .blob(Data([0, 1]))], ["id": .integer(1), "n": .text("through")]],
                        operation: .upsert, table: "vals", columns: types.value, key: ["id"])
                    let changes = try write.capturedChanges()
                    try write.commit()
                    return changes
                }
            }
            #expect(captured.map(\.operation) == [.insert, .update])
            #expect(captured.allSatisfy { $0.origin == "write:a1" && $0.isWriteThrough && $0.isApplicable })
            #expect(try captured.map { try SQLLiteral.parseList(try #require($0.row)) } == [
                [.integer(20), .text("new"), .blob(Data([0, 1])), .null, .null, .null],
                Array(first.dropLast()) + [.text("through")],
            ])
            let logged = try await side.call { try $0.changes(after: 0, limit: 10) }
            #expect(logged.dropFirst().map(\.row) == captured.map(\.row))

            // Not committed: nothing is kept.
            try await side.call { endpoint in
                try endpoint.writeThrough(tag: "write:a2") { write in
                    try write.write([["id": .integer(20)]], operation: .delete, table: "vals", columns: types.value, key: ["id"])
                    try write.write([["id": .integer(21), "t": .text("gone")]], operation: .upsert, table: "vals", columns: types.value, key: ["id"])
                }
            }
            let rows = try await side.call {
                try $0.currentRows(table: "vals", columns: ["id", "t"], keyColumns: ["id"], keys: [[.integer(20)], [.integer(21)]])
            }
            #expect(rows == ["20,'new'", nil])
            #expect(try await side.call { try $0.changes(after: 0, limit: 10) }.count == 3)
        }
    }

    /// While a batch that writes a table is applied, an application's write to that table waits
    /// for it from the batch's first read (SQLite's write lock; PostgreSQL's table lock): no edit
    /// slips in between the reads that decide and the writes.
    static func batchLocksItsTables(_ dialect: ContractSide.Dialect) async throws {
        try await withSide(dialect) { side in
            let plan = try await plan(side)
            let item = ContractSide.Carried(
                value: ApplyItem(
                    plan: plan,
                    change: Change(seq: 1, table: "VALS", operation: .insert, key: "1", row: nil, at: 0, origin: nil),
                    mapped: .success(first), sourceRow: first, parkedID: nil))
            let locked = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            async let batch: Bool = side.call { endpoint in
                try endpoint.applyBatch([item.value], checkpoints: [:], fastPath: false, logger: Logger(label: "contract")) {
                    target -> Bool in
                    // A read that decides: from here to the commit no application's edit may slip in
                    // (a PostgreSQL side sends its BEGIN and LOCK with a batch's first statement).
                    _ = try target.rowExists(item.value.plan, key: [.integer(1)])
                    locked.signal()
                    // Bounded: a failing test must not hold the lock for ever. Generous, because
                    // on a loaded two-core machine the test's next step can wait minutes for a
                    // thread; a lock let go early would let the application's write through and
                    // read as a lock that never held (CI of 2026-12-06 saw exactly that at 30 s).
                    return release.wait(timeout: .now() + 900) == .success
                }
            }
            _ = try await side.call { _ in locked.wait() }
            var refusal = ""
            do {
                try await side.exec(dialect == .postgresql ? "SET lock_timeout = '300ms'" : "SELECT 1")
                try await side.exec("INSERT INTO vals (id) VALUES (50)")
            } catch {
                refusal = "\(error)"
            }
            release.signal()
            let heldUntilReleased = try await batch
            #expect(heldUntilReleased, "the batch let its lock go before the application tried to write")
            #expect(refusal.contains(dialect == .postgresql ? "lock timeout" : "database is locked"))
            // Once the batch ended, the application writes.
            try await side.exec("INSERT INTO vals (id) VALUES (51)")
        }
    }
}
