import ArgumentParser
import Foundation

/// The `tandem` command.
@main
struct Tandem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "An open dual-write engine: keeps an ERP and a CRM database in step, both ways.",
        discussion: """
            Everything table-specific is a plugin: a shared library loaded through a stable
            C ABI (SDK/include/tandem_plugin.h). Start with `tandem plugins list` to see
            what is loaded, and `tandem plugins validate FILE` to check a plugin you built.

            A quick start on two SQLite databases:
              tandem init demo --map sample.groups --map sample.customers
              tandem maps run sample.groups sample.customers --env demo
              tandem run --env demo &
              sqlite3 demo/erp.sqlite "INSERT INTO CustGroup VALUES ('usmf','10','Retail')"
              tandem status --env demo
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, RunCommand.self, StatusCommand.self, MapsCommand.self, CaptureCommand.self, SidesCommand.self, StateCommand.self, PluginsCommand.self,
            WriteCommand.self, ErrorsCommand.self, ConflictsCommand.self, LogCommand.self, AlertsCommand.self, ConsoleCommand.self, BenchCommand.self, DemoCommand.self,
            PluginHostCommand.self,
        ]
    )

    /// Parses the command line and runs the command. A synchronous command
    /// runs on a thread of its own, off Swift's cooperative pool: commands
    /// block (the engine's loop, a PostgreSQL side's calls, which wait for
    /// the endpoint's async work on that same pool, see `BlockingAwait`), and
    /// a pool thread blocked that way could be the one the work needs.
    static func main() async {
        do {
            let command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                let handed = Handed(command: command)
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let thread = Thread {
                        do {
                            try handed.command.run()
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                    thread.name = "tandem-command"
                    // As much stack as the main thread: the engine and plugins were written for it.
                    thread.stackSize = 8 << 20
                    thread.start()
                }
            }
        } catch {
            exit(withError: error)
        }
    }

    /// The parsed command, handed to the thread that runs it (`@unchecked
    /// Sendable`: only that thread touches it until it ends).
    private final class Handed: @unchecked Sendable {
        var command: any ParsableCommand
        init(command: any ParsableCommand) { self.command = command }
    }
}
