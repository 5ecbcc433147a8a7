import ArgumentParser

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
            WriteCommand.self, ErrorsCommand.self, ConflictsCommand.self, LogCommand.self, AlertsCommand.self, BenchCommand.self, DemoCommand.self,
        ]
    )
}
