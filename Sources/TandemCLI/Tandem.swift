import ArgumentParser

/// The `tandem` command.
@main
struct Tandem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "An open dual-write engine: keeps an ERP and a CRM database in step, both ways.",
        discussion: """
            Everything table-specific is a plugin: a shared library loaded through a stable
            C ABI (SDK/include/tandem_plugin.h). Start with `tandem plugins list` to see what
            is loaded, and `tandem plugins validate FILE` to check a plugin you built.
            """,
        version: "0.1.0",
        subcommands: [PluginsCommand.self, BenchCommand.self]
    )
}
