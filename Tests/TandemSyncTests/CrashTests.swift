import Foundation
import GRDB
import TandemTestSupport
import Testing

/// `kill -9` at random moments while writers keep writing: nothing lost,
/// nothing duplicated. `TANDEM_SOAK_ROUNDS` runs a longer soak
/// (scripts/crash-soak.sh).
@Suite("Crash safety", .serialized)
struct CrashTests {
    @Test("SIGKILL the engine at random moments (20 rounds) while both sides keep writing: the sides end equal, nothing parked")
    func killNineLoop() async throws {
        let rounds = Int(ProcessInfo.processInfo.environment["TANDEM_SOAK_ROUNDS"] ?? "") ?? 20
        let fixture = try SyncFixture.make("crash", maps: ["sample.notes"]) {
            $0.replacingOccurrences(of: "batch_size: 2000", with: "batch_size: 50")
                .replacingOccurrences(of: "prune_interval_s: 5", with: "prune_interval_s: 1")
        }
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let stop = fixture.directory + "/stop-writers"
        // Each writer journals what it committed: the independent record the end state is checked against.
        let journals = (erp: fixture.directory + "/erp-writes.jsonl", crm: fixture.directory + "/crm-writes.jsonl")
        let writers = [
            try fixture.startWriter(
                "erp", ["--until-file", stop, "--rate", "600", "--seed", "21", "--keys", "300", "--journal", journals.erp]),
            try fixture.startWriter(
                "crm", ["--until-file", stop, "--rate", "600", "--seed", "22", "--keys", "300", "--journal", journals.crm]),
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<rounds {
            // --verbose: the log shows which batches recorded their echoes with the triggers off.
            let engine = try fixture.startEngine(["--verbose"])
            try await Task.sleep(for: .milliseconds(Int.random(in: 80...700, using: &generator)))
            kill(engine.processIdentifier, SIGKILL)
            _ = try await engine.awaitExit()
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        for writer in writers { #expect(try await writer.awaitExit() == 0) }

        let engine = try fixture.startEngine()
        let (erp, crm) = try await SideReader.awaitNotesConverged(fixture, timeout: .seconds(120))
        kill(engine.processIdentifier, SIGTERM)
        _ = try await engine.awaitExit()
        #expect(erp.count > 50)
        #expect(erp == crm, "after \(rounds) kills the sides differ: \(SideReader.differences(erp, crm))")
        // Checked against the writers' own journals, not the engine's view: every key ends as the last
        // write of one of the two applications (the conflict policy picks which), and a key that
        // neither wrote is on neither side. A lost change, an older value applied over a newer one,
        // or a row that comes back after its last delete fails here.
        let finals = try Self.finalRows(fixture.crm)
        let (erpLast, crmLast) = (try Self.lastWrites(journals.erp), try Self.lastWrites(journals.crm))
        #expect(!erpLast.isEmpty && !crmLast.isEmpty)
        var wrong: [String] = []
        for key in Set(erpLast.keys).union(crmLast.keys).union(finals.keys).sorted() {
            let allowed = [erpLast[key], crmLast[key]].compactMap { $0 }
            let final = finals[key] ?? .absent
            if !allowed.contains(final) { wrong.append("key \(key): \(final), but the last writes were \(allowed)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) keys end in a state no application wrote last: \(wrong.prefix(10))")
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        // Both write paths were killed into: batches with the capture triggers off (catch-up after
        // a restart) and with them on (the live trickle).
        #expect(fixture.engineLog.contains(EchoLineageTests.quietLine))
    }

    /// A key's state: no row, or a row with this text (nil: NULL).
    enum RowState: Equatable, CustomStringConvertible {
        case absent
        case text(String?)

        var description: String {
            switch self {
            case .absent: "no row"
            case .text(let text): text.map { "'\($0)'" } ?? "NULL"
            }
        }
    }

    /// The state each key's last committed write left on the writer's side, from its journal.
    static func lastWrites(_ journal: String) throws -> [Int: RowState] {
        var result: [Int: RowState] = [:]
        for line in try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n") {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let key = try #require(entry["key"] as? Int)
            switch entry["op"] as? String {
            case "delete": result[key] = .absent
            case "null": result[key] = .text(nil)
            default: result[key] = .text(try #require(entry["value"] as? String))
            }
        }
        return result
    }

    /// The notes on a side, by key.
    static func finalRows(_ database: String) throws -> [Int: RowState] {
        try DatabaseQueue(path: database).read { db in
            var result: [Int: RowState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT annotationid, notetext FROM annotation") {
                result[row[0]] = .text(row[1])
            }
            return result
        }
    }
}
