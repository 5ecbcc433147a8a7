import Foundation
import GRDB
import Testing

@testable import TandemEngine

/// The SQLite side behind the endpoint interface, on a real file: what the
/// live loop reads and stores through it.
@Suite("SQLite side endpoint")
struct SideEndpointTests {
    /// A side with capture installed on one table, in a new folder.
    private static func side() throws -> (SideDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-endpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let side = try SideDatabase(role: .crm, path: folder.appendingPathComponent("crm.sqlite").path, create: true)
        try side.queue.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE account (id TEXT PRIMARY KEY, name TEXT)")
            // Install runs its own transaction.
            try CaptureSchema.install(db, tables: [(name: "account", key: ["id"])])
        }
        return (side, folder)
    }

    @Test("Checkpoints move forward only, per map and source side")
    func checkpoints() throws {
        let (side, folder) = try Self.side()
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint: any SideEndpoint = side
        let accounts = CheckpointID(map: "accounts", source: .erp)
        let contacts = CheckpointID(map: "contacts", source: .erp)
        try endpoint.storeCheckpoints([accounts: 10, contacts: 3])
        try endpoint.storeCheckpoints([accounts: 7])
        #expect(try endpoint.storedCheckpoints() == [accounts: 10, contacts: 3])
        try endpoint.storeCheckpoints([accounts: 12])
        #expect(try endpoint.storedCheckpoints()[accounts] == 12)
    }

    @Test("An application's writes are read in order with their rows; the commit token moves with another connection's commit")
    func changes() throws {
        let (side, folder) = try Self.side()
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint: any SideEndpoint = side
        let before = try endpoint.commitToken()
        // Another connection, as an application writes.
        let application = try DatabaseQueue(path: side.path)
        try application.write { db in
            try db.execute(sql: "INSERT INTO account VALUES ('A1', 'Alpha'), ('A2', 'Beta')")
            try db.execute(sql: "UPDATE account SET name = 'Alpha 2' WHERE id = 'A1'")
        }
        #expect(try endpoint.commitToken() != before)
        let changes = try endpoint.changes(after: 0, limit: 10)
        #expect(changes.map(\.operation) == [.insert, .insert, .update])
        #expect(changes.map(\.key) == ["'A1'", "'A2'", "'A1'"])
        #expect(changes.last?.row == "'A1','Alpha 2'")
        #expect(try endpoint.changes(after: changes[0].seq, limit: 1).map(\.seq) == [changes[1].seq])
    }

    @Test("A scan reads every row once in chunks, negative rowids first, text with its NUL byte as it is")
    func scan() throws {
        let (side, folder) = try Self.side()
        defer { try? FileManager.default.removeItem(at: folder) }
        try side.queue.write { db in
            try db.execute(sql: "INSERT INTO account (rowid, id, name) VALUES (-5, 'N', 'Negative'), (0, 'Z', NULL)")
            try db.execute(sql: "INSERT INTO account (rowid, id, name) VALUES (7, 'A', CAST(X'6100' || X'62' AS TEXT))")
        }
        let endpoint: any SideEndpoint = side
        let first = try endpoint.scanRows(table: "account", columns: ["id", "name"], after: nil, limit: 2)
        #expect(first.map(\.position) == [[.integer(-5)], [.integer(0)]])
        #expect(first.map(\.values) == [[.text("N"), .text("Negative")], [.text("Z"), .null]])
        let rest = try endpoint.scanRows(table: "account", columns: ["id", "name"], after: first.last?.position, limit: 2)
        #expect(rest.map(\.values) == [[.text("A"), .text("a\u{0}b")]])
        #expect(try endpoint.scanRows(table: "account", columns: ["id"], after: rest.last?.position, limit: 2).isEmpty)
    }

    @Test("The engine's retries take only keys whose first parked change waits for a parent; an operator's take all")
    func parked() throws {
        let (side, folder) = try Self.side()
        defer { try? FileManager.default.removeItem(at: folder) }
        try side.queue.write { db in
            for (seq, key, kind) in [(5, "'P1'", "parent"), (6, "'P1'", "behind"), (7, "'E1'", "error")] {
                try db.execute(
                    sql: """
                        INSERT INTO _tandem_parked (map, source, seq, tbl, op, key, row, at, kind, reason, parked_at)
                        VALUES ('contacts', 'erp', ?, 'ContactPersons', 'I', ?, ?, 0, ?, 'why', 0)
                        """,
                    arguments: [seq, key, "\(key),'x'", kind])
            }
        }
        let endpoint: any SideEndpoint = side
        let automatic = try endpoint.parkedChanges(map: "contacts", source: .erp, waitingForParents: true)
        #expect(automatic.map(\.change.seq) == [5, 6])
        #expect(automatic.map(\.change.row) == ["'P1','x'", "'P1','x'"])
        let all = try endpoint.parkedChanges(map: "contacts", source: .erp, waitingForParents: false)
        #expect(all.map(\.change.seq) == [5, 6, 7])
        #expect(try endpoint.parkedChanges(map: "contacts", source: .crm, waitingForParents: false).isEmpty)
        #expect(try endpoint.parkedKeys(source: .erp, map: "contacts").map(\.key).sorted() == ["'E1'", "'P1'", "'P1'"])
        #expect(try endpoint.parkedKeys(source: .erp, map: "other").isEmpty)
    }
}
