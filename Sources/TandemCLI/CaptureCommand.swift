import ArgumentParser
import Foundation
import TandemEngine

/// `tandem capture install|remove`.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Install or remove the change capture (triggers and change log) in both sides' databases.",
        subcommands: [Install.self, Remove.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install capture for every enabled map's tables (idempotent; `tandem run` does it too).")

        @OptionGroup var options: EnvironmentOptions

        @Flag(
            help: "Create missing tables first, from the maps' plugin DDL or the ddl: section of their map files.")
        var createTables = false

        func run() throws {
            let environment = try options.loadEnvironment()
            let maps = try environment.resolveMaps(options.loadCatalog(environment))
            if createTables { try environment.createTables(maps) }
            try environment.installCapture(maps)
            let tables = SideRole.allCases.map { role in
                "\(role): " + Set(maps.map { role == .erp ? $0.map.erp.table : $0.map.crm.table }).sorted().joined(separator: ", ")
            }
            print("capture installed for \(maps.count) map(s); \(tables.joined(separator: "; "))")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every trigger and table Tandem installed from both sides, or one table's triggers.",
            discussion: """
                Captured changes that were not applied yet, checkpoints and parked changes go
                with them, so this refuses while changes are pending unless --force. The engine
                must be stopped.

                --table TABLE removes only that table's capture triggers and keeps everything
                else: SQLite refuses to drop a column that a trigger names, so a schema change
                that drops a column of a captured table goes
                  1. stop the engine and the applications' writes to TABLE
                  2. tandem capture remove --table TABLE
                  3. ALTER TABLE TABLE DROP COLUMN ... (fix the map first if it names it)
                  4. tandem capture install (or tandem run), which puts the triggers back
                Writes to TABLE between 2 and 4 are not captured.
                """)

        @OptionGroup var options: EnvironmentOptions

        @Flag(help: "Remove even though captured changes are still pending.")
        var force = false

        @Option(help: "Remove only this table's capture triggers (on the side that has them).")
        var table: String?

        func run() throws {
            let environment = try options.loadEnvironment()
            guard !EnvironmentLock.isHeld(environment) else {
                throw CLIError("the engine is running for \(environment.directory); stop it (SIGINT/SIGTERM) before removing capture")
            }
            if let table {
                let sides = try environment.removeCaptureTriggers(table: table)
                print(
                    "capture triggers of \(table) removed on the \(sides.map(\.rawValue).joined(separator: " and ")) side; change log, checkpoints and queue kept. Writes to \(table) are not captured until `tandem capture install` (or `tandem run`) puts them back"
                )
                return
            }
            if !force {
                let report = try StatusReport.collect(environment, catalog: options.loadCatalog(environment))
                if let problem = report.unreadable.first {
                    throw CLIError(
                        "cannot tell whether captured changes wait: the \(problem.side) side cannot be read (\(problem.error)); fix that first, or pass --force to drop them")
                }
                let pending = report.maps.flatMap(\.directions).reduce(0) { $0 + ($1.queued ?? 0) }
                if pending > 0 {
                    throw CLIError(
                        "\(pending) captured change(s) are not applied yet (`tandem status` shows where); run the engine until they are, or pass --force to drop them")
                }
            }
            try environment.removeCapture()
            // The change logs start over: what the engine had applied no longer says anything about them.
            try environment.openState().forgetApplied()
            print("capture removed from both sides; `tandem capture install` puts it back (sync restarts from new changes)")
        }
    }
}
