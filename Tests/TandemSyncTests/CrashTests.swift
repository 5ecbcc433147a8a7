import Foundation
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
        #expect(try fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let stop = fixture.directory + "/stop-writers"
        let writers = [
            try fixture.startWriter("erp", ["--until-file", stop, "--rate", "600", "--seed", "21", "--keys", "300"]),
            try fixture.startWriter("crm", ["--until-file", stop, "--rate", "600", "--seed", "22", "--keys", "300"]),
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
        #expect(try SideReader.scalar(fixture.crm, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        #expect(try SideReader.scalar(fixture.erp, "SELECT COUNT(*) FROM _tandem_parked") == 0)
        // Both write paths were killed into: batches with the capture triggers off (catch-up after
        // a restart) and with them on (the live trickle).
        #expect(fixture.engineLog.contains(EchoLineageTests.quietLine))
    }
}
