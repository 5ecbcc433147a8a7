import ArgumentParser

/// `tandem plugins`: list, inspect, validate and pack plugins.
struct PluginsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List, inspect, validate and pack plugins.",
        discussion: """
            Plugins are loaded from the bundled directory next to the tandem executable
            (tandem-plugins/), from the directories in TANDEM_PLUGIN_PATH (colon-separated)
            and from every --plugins DIR. `list` and `inspect` add an environment's plugin
            folders (--env DIR, $TANDEM_ENV, or the current folder if it holds a
            tandem.yaml). Each library needs its manifest, <library>.manifest.json, which
            `tandem plugins pack` writes.
            """,
        subcommands: [PluginsList.self, PluginsInspect.self, PluginsValidate.self, PluginsPack.self, PluginsTrialLoad.self]
    )
}
