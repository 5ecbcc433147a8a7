import ArgumentParser
import Foundation
import TandemEngine

/// `tandem sides show|relink`: what each side database says it is.
struct SidesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sides",
        abstract: "Show the sides' identities, or make a database this environment's side.",
        discussion: """
            Each side database records which environment it belongs to, which side it
            is and an id made when it joined (table _tandem_side); the state database
            records the environment's id and each side's id. Tandem refuses to sync a
            database that is another environment's (a production copy in a sandbox),
            the other side's (swapped paths), or the same file for both sides.
            """,
        subcommands: [Show.self, Relink.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what each side database and the state database say they are.")

        @OptionGroup var options: EnvironmentOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            let state = try environment.openState()
            let known = try state.environmentID()
            let recorded = try state.sideIDs()
            struct Entry: Encodable {
                var side, file: String
                var environment, sideID, expectedSideID: String?
            }
            var entries: [Entry] = []
            for role in SideRole.allCases {
                let (path, identity) = try SideIdentity.inspect(environment, role: role)
                entries.append(
                    Entry(
                        side: role.rawValue, file: path, environment: identity?.environment, sideID: identity?.id,
                        expectedSideID: recorded[role]))
            }
            if output.json {
                struct Report: Encodable {
                    var environment: String?
                    var sides: [Entry]
                }
                return printJSON(Report(environment: known, sides: entries))
            }
            print("environment: \(known ?? "(unknown to the state database)")")
            print(
                renderTable(
                    header: ["SIDE", "ENVIRONMENT", "SIDE ID", "EXPECTED", "FILE"],
                    rows: entries.map {
                        [$0.side, $0.environment ?? "-", $0.sideID ?? "-", $0.expectedSideID ?? "-", $0.file]
                    }))
        }
    }

    struct Relink: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the database tandem.yaml names for a side this environment's side.",
            discussion: """
                Use it when the file is meant to be this environment's side from now on:
                a database moved in from another environment, a side set up again, a
                backup from before side identities. It gives the file a new side id,
                records it in the state database and writes a `side relinked` entry to
                the activity log with what the file was before. The engine must be
                stopped. Asks first on a terminal; --yes confirms in a script.

                The maps' checkpoints come with the file: the next `tandem run` checks
                them against the other side and fails a map that does not fit, with
                its recovery (docs/OPERATIONS.md).
                """)

        @OptionGroup var options: EnvironmentOptions

        @Option(help: ArgumentHelp("The side to relink: erp or crm.", valueName: "SIDE"))
        var side: String

        @Flag(help: "Relink without asking.")
        var yes = false

        func run() throws {
            guard let side = SideRole(rawValue: side) else {
                throw CLIError("--side must be erp or crm, not '\(self.side)'")
            }
            let environment = try options.loadEnvironment()
            let lock: EnvironmentLock
            do { lock = try EnvironmentLock(environment, as: .command, wait: .zero) } catch {
                throw CLIError("\(error.message); the engine must be stopped to relink a side")
            }
            let (path, before) = try SideIdentity.inspect(environment, role: side)
            let was = before.map { "it is the \($0.summary)" } ?? "it has no side identity"
            if !yes {
                guard isatty(0) == 1, isatty(1) == 1 else {
                    throw CLIError("\(path): \(was). Pass --yes to make it this environment's \(side) side")
                }
                print("\(path): \(was). Make it this environment's \(side) side? [y/N] ", terminator: "")
                guard readLine()?.lowercased().hasPrefix("y") == true else {
                    print("nothing changed")
                    return
                }
            }
            let result = try SideIdentity.relink(
                environment, role: side, state: environment.openState(), actor: CLIActor.current)
            withExtendedLifetime(lock) {}
            print("\(result.path) is now the \(result.after.summary)")
        }
    }
}
