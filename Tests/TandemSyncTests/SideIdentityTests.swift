import Foundation
import TandemTestSupport
import Testing

/// Each side database says which environment and side it is; a database that
/// is not this environment's side is refused before anything is synced.
@Suite("Side identity", .serialized)
struct SideIdentityTests {
    static func setDatabase(_ fixture: SyncFixture, side: String, to path: String) throws {
        let config = fixture.directory + "/tandem.yaml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        let line = "    database: \(side).sqlite\n"
        #expect(text.contains(line))
        try text.replacingOccurrences(of: line, with: "    database: \(path)\n").write(
            toFile: config, atomically: true, encoding: .utf8)
    }

    @Test("init records the environment's id in the state database and an identity in each side")
    func initRecordsIdentities() throws {
        let fixture = try SyncFixture.make("identity-init", maps: ["sample.notes"])
        let environment = try SideReader.rows(fixture.directory + "/state.sqlite", "SELECT environment FROM identity")
        #expect(environment.count == 1)
        for side in ["erp", "crm"] {
            let path = side == "erp" ? fixture.erp : fixture.crm
            #expect(
                try SideReader.rows(path, "SELECT environment || ' ' || side FROM _tandem_side") == [
                    "\(environment[0]) \(side)"
                ])
            let id = try SideReader.rows(path, "SELECT side_id FROM _tandem_side")
            #expect(
                try SideReader.rows(
                    fixture.directory + "/state.sqlite", "SELECT side_id FROM sides WHERE side = '\(side)'") == id)
        }
        let shown = try fixture.tandem(["sides", "show", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\"environment\" : \"\(environment[0])\""), "\(shown.stdout)")
    }

    @Test("The same file for both sides is refused, however the path is spelled, naming both settings")
    func sameFileRefused() throws {
        let fixture = try SyncFixture.make("identity-same", maps: ["sample.notes"])
        for spelling in ["./erp.sqlite", "../env/erp.sqlite", "erp-link.sqlite"] {
            if spelling == "erp-link.sqlite" {
                try FileManager.default.createSymbolicLink(
                    atPath: fixture.directory + "/erp-link.sqlite", withDestinationPath: fixture.erp)
            }
            try Self.setDatabase(fixture, side: "crm", to: spelling)
            let result = try fixture.tandem(["run"])
            #expect(result.status != 0)
            #expect(
                result.stderr.contains(
                    "sides.erp.database (\(fixture.erp)) and sides.crm.database (\(fixture.directory)/\(spelling)) are the same file"
                ),
                "\(result.stderr)")
            #expect(result.stderr.contains("each side needs its own database"))
            try Self.setDatabase(
                fixture, side: spelling.replacingOccurrences(of: ".sqlite", with: ""), to: "crm.sqlite")
        }
        // Nothing of the ERP file was touched as a CRM side.
        #expect(try SideReader.rows(fixture.erp, "SELECT side FROM _tandem_side") == ["erp"])
    }

    @Test(
        "A side copied from another environment is refused with the relink command; relink, confirmed, makes it this environment's side"
    )
    func otherEnvironmentRefusedThenRelinked() async throws {
        let sandbox = try SyncFixture.make("identity-sandbox", maps: ["sample.notes"])
        let production = try SyncFixture.make("identity-production", maps: ["sample.notes"])
        try SideReader.execute(production.crm, "INSERT INTO annotation VALUES (1, 'production data')")
        try SideFiles.backup(production.crm, to: sandbox.crm + ".copy")
        try SideFiles.restore(sandbox.crm + ".copy", to: sandbox.crm)
        let productionID = try SideReader.rows(
            production.directory + "/state.sqlite", "SELECT environment FROM identity")[0]

        let refused = try await sandbox.tandem(["run"])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("\(sandbox.crm) belongs to another environment: it is the crm side"),
            "\(refused.stderr)")
        #expect(refused.stderr.contains("of environment \(productionID)"))
        #expect(refused.stderr.contains("`tandem sides relink --env \(sandbox.directory) --side crm`"))
        // Refused before capture was installed or anything written.
        #expect(try SideReader.rows(sandbox.crm, "SELECT environment FROM _tandem_side") == [productionID])

        let unconfirmed = try await sandbox.tandem(["sides", "relink", "--side", "crm"])
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.stderr.contains("it is the crm side"), "\(unconfirmed.stderr)")
        #expect(unconfirmed.stderr.contains("Pass --yes to make it this environment's crm side"))
        let wrongSide = try await sandbox.tandem(["sides", "relink", "--side", "cmr", "--yes"])
        #expect(wrongSide.stderr.contains("--side must be erp or crm, not 'cmr'"), "\(wrongSide.stderr)")

        let relinked = try await sandbox.tandem(["sides", "relink", "--side", "crm", "--yes"])
        #expect(relinked.status == 0, "\(relinked.stderr)")
        let sandboxID = try SideReader.rows(sandbox.directory + "/state.sqlite", "SELECT environment FROM identity")[0]
        #expect(try SideReader.rows(sandbox.crm, "SELECT environment FROM _tandem_side") == [sandboxID])
        let log = try await sandbox.tandem(["log", "--kind", "side relinked"])
        #expect(log.stdout.contains("\(sandbox.crm): crm side"), "\(log.stdout)")
        #expect(log.stdout.contains("of environment \(productionID) → crm side"))

        // The engine takes the relinked side, and syncs into it.
        #expect(try await sandbox.tandem(["maps", "run", "sample.notes"]).status == 0)
        let engine = try sandbox.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(engine.isRunning, "\(sandbox.engineLog)")
        try SideFiles.insertERPNotes(sandbox, 2...2)
        try await waitUntil { try SideReader.scalar(sandbox.crm, "SELECT COUNT(*) FROM annotation") == 2 }
        try await SideFiles.stop(engine)
    }

    @Test("init refuses a folder whose side file already belongs to another environment")
    func initRefusesAnotherEnvironmentsSide() throws {
        let production = try SyncFixture.make("identity-init-other", maps: ["sample.notes"])
        let directory = try Fixtures.temporaryDirectory("identity-init-target") + "/env"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try SideFiles.backup(production.crm, to: directory + "/crm.sqlite")
        let result = try production.tandem(["init", directory, "--map", "sample.notes"])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "\(directory)/crm.sqlite already belongs to another environment (it is the crm side"),
            "\(result.stderr)")
        let productionID = try SideReader.rows(
            production.directory + "/state.sqlite", "SELECT environment FROM identity")[0]
        #expect(
            try SideReader.rows(directory + "/crm.sqlite", "SELECT environment FROM _tandem_side") == [productionID])
    }

    @Test("Swapped side paths are refused, naming the setting to fix")
    func swappedRefused() throws {
        let fixture = try SyncFixture.make("identity-swap", maps: ["sample.notes"])
        try Self.setDatabase(fixture, side: "erp", to: "crm-swap.sqlite")
        try Self.setDatabase(fixture, side: "crm", to: "erp.sqlite")
        try Self.setDatabase(fixture, side: "crm-swap", to: "crm.sqlite")
        let result = try fixture.tandem(["run"])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "\(fixture.crm) is this environment's crm database, but tandem.yaml gives it as sides.erp.database"),
            "\(result.stderr)")
        #expect(result.stderr.contains("Fix sides.erp.database in \(fixture.directory)/tandem.yaml"))
    }

    @Test("An environment made before side identities gets them on its first run, without a refusal")
    func olderEnvironmentAdopted() async throws {
        let fixture = try SyncFixture.make("identity-legacy", maps: ["sample.notes"])
        #expect(try await fixture.tandem(["maps", "run", "sample.notes"]).status == 0)
        let state = fixture.directory + "/state.sqlite"
        try SideReader.execute(state, "DELETE FROM identity; DELETE FROM sides")
        try SideReader.execute(fixture.erp, "DROP TABLE _tandem_side")
        try SideReader.execute(fixture.crm, "DROP TABLE _tandem_side")
        let engine = try fixture.startEngine()
        defer { kill(engine.processIdentifier, SIGKILL) }
        #expect(engine.isRunning, "\(fixture.engineLog)")
        try SideFiles.insertERPNotes(fixture, 1...3)
        let (erp, crm) = try await SideFiles.convergedNotes(fixture)
        #expect(erp == crm && erp.count == 3)
        try await SideFiles.stop(engine)
        let environment = try SideReader.rows(state, "SELECT environment FROM identity")
        #expect(environment.count == 1)
        #expect(
            try SideReader.rows(fixture.erp, "SELECT environment || ' ' || side FROM _tandem_side") == [
                "\(environment[0]) erp"
            ])
        #expect(
            try SideReader.rows(fixture.crm, "SELECT environment || ' ' || side FROM _tandem_side") == [
                "\(environment[0]) crm"
            ])
        let log = try await fixture.tandem(["log", "--kind", "side identity recorded", "--json"])
        #expect(log.stdout.contains("\"actor\" : \"engine\""), "\(log.stdout)")
    }
}
