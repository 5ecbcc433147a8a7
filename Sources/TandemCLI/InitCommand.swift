import ArgumentParser
import Foundation
import TandemEngine
import TandemPluginHost

/// `tandem init DIR`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an environment: tandem.yaml, the state database and the sides.",
        discussion: """
            Each --map is enabled in tandem.yaml; its plugin's DDL creates its tables on
            both sides and capture triggers are installed. Without --map the config lists
            no maps: edit it, then `tandem capture install --create-tables`.

            A map runs after the maps it depends on, so those must be named too: init
            names every missing one at once, and --with-dependencies adds them all. Maps
            come from the bundled plugins, DIR/plugins (where `tandem plugins pack
            --into` puts yours), TANDEM_PLUGIN_PATH and --plugins (listed in tandem.yaml,
            so later commands find them too). A failed init leaves DIR as it was.

            Each side is a SQLite file in DIR unless --erp or --crm names a PostgreSQL
            database (postgresql://USER@HOST:PORT/DB; the database and schema must
            exist). The password comes from PGPASSWORD or --password-file, never the
            url. Either side may stay SQLite. Both sides may share one database, each
            in its own schema (--erp-schema, --crm-schema).

            Example:
              tandem init demo --map sample.customers --with-dependencies
              tandem maps run sample.groups sample.customers --env demo
              tandem run --env demo
              PGPASSWORD=... tandem init prod --map sample.customers \\
                --with-dependencies --erp postgresql://tandem@db:5432/erp
              tandem init both --map sample.notes --erp postgresql://tandem@db/apps \\
                --crm postgresql://tandem@db/apps --erp-schema erp --crm-schema crm
            """)

    @Argument(help: "The folder to create (may exist, but must not hold a tandem.yaml).")
    var directory: String

    @Option(name: .customLong("map"), help: ArgumentHelp("Enable this map (repeatable); ids from `tandem plugins list`.", valueName: "ID"))
    var maps: [String] = []

    @Flag(help: "Also enable every map the named ones depend on, directly or not.")
    var withDependencies = false

    @Option(help: ArgumentHelp("The ERP side's PostgreSQL database (default: DIR/erp.sqlite).", valueName: "URL"))
    var erp: String?

    @Option(help: ArgumentHelp("The CRM side's PostgreSQL database (default: DIR/crm.sqlite).", valueName: "URL"))
    var crm: String?

    @Option(help: ArgumentHelp("The schema of a PostgreSQL side (default: public).", valueName: "NAME"))
    var schema: String?

    @Option(help: ArgumentHelp("The ERP side's schema, if not --schema's.", valueName: "NAME"))
    var erpSchema: String?

    @Option(help: ArgumentHelp("The CRM side's schema, if not --schema's.", valueName: "NAME"))
    var crmSchema: String?

    @Option(help: ArgumentHelp("A file whose first line is the PostgreSQL password.", valueName: "FILE"))
    var passwordFile: String?

    @OptionGroup var plugins: PluginOptions

    /// The sides as --erp and --crm give them (nil: both SQLite files).
    private func sides() throws -> [SideRole: SideConfig]? {
        guard erp != nil || crm != nil else {
            guard schema == nil, erpSchema == nil, crmSchema == nil, passwordFile == nil else {
                throw ValidationError(
                    "--schema, --erp-schema, --crm-schema and --password-file are for a PostgreSQL side: "
                        + "add --erp URL or --crm URL")
            }
            return nil
        }
        for (role, url, own) in [(SideRole.erp, erp, erpSchema), (.crm, crm, crmSchema)] where url == nil && own != nil {
            throw ValidationError("--\(role)-schema is for a PostgreSQL \(role) side: add --\(role) URL")
        }
        var result = ConfigTemplate.defaultSides
        for (role, url, own) in [(SideRole.erp, erp, erpSchema), (.crm, crm, crmSchema)] {
            guard let url else { continue }
            guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
                throw ValidationError("--\(role) \(url): give a PostgreSQL url, postgresql://USER@HOST:PORT/DATABASE")
            }
            // Said of the flag the admin typed, before any file is written: the same check in
            // tandem.yaml would name a file that a failed init never leaves behind.
            if let components = URLComponents(string: url), components.password != nil {
                var masked = components
                masked.password = "***"
                throw ValidationError(
                    "--\(role) \(masked.string ?? "url"): the url holds a password; give it with --password-file "
                        + "FILE or the PGPASSWORD environment variable instead, so that it is in no file and no log")
            }
            result[role] = SideConfig(
                name: result[role]!.name, url: url, schema: own ?? schema,
                passwordFile: passwordFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        }
        if let erp, let crm, erp == crm, (erpSchema ?? schema ?? "public") == (crmSchema ?? schema ?? "public") {
            throw ValidationError(
                "--erp and --crm name the same database and schema (\(erpSchema ?? schema ?? "public")); give each "
                    + "side its own, e.g. --erp-schema erp --crm-schema crm (the schemas must exist)")
        }
        return result
    }

    func run() throws {
        let catalog = plugins.loadCatalog(creating: directory)
        for refusal in catalog.refusals { printError("warning: \(refusal.description)") }
        for refusal in catalog.mapFileRefusals { printError("warning: \(refusal.message)") }
        var enabled = maps
        let selection = MapSelection(maps, catalog: catalog)
        if withDependencies {
            // Names no plugin provides stay in, so that create refuses them before writing anything.
            enabled = selection.ordered + selection.unprovided
        }
        // Recorded in tandem.yaml: a map found there must be found by every later command too.
        let extra = plugins.directories.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let environment = try TandemEnvironment.create(
            at: directory, maps: enabled, catalog: catalog, actor: CLIActor.current, pluginDirectories: extra,
            sides: try sides()
        ) { environment, resolved in
            // Inside create: should recording fail, the environment is removed like any failed init.
            try EnvironmentHistory.record(environment, maps: resolved, state: environment.openState(), actor: CLIActor.current)
        }
        let names = environment.config.maps.map(\.name)
        print("created environment \(environment.directory)")
        print("  config: \(environment.configPath)")
        for role in SideRole.allCases {
            print("  \(role): \(try environment.location(role))")
        }
        print("  maps:   \(names.isEmpty ? "none yet (edit tandem.yaml)" : names.joined(separator: ", "))")
        if !extra.isEmpty {
            print("  plugins: \(extra.joined(separator: ", ")) (from --plugins, listed in tandem.yaml)")
        }
        if withDependencies, !selection.dependencies.isEmpty {
            print("  added:  \(selection.dependencies.joined(separator: ", ")) (what \(maps.joined(separator: ", ")) depend\(maps.count == 1 ? "s" : "") on)")
        }
        print("next: tandem maps run \(names.isEmpty ? "MAP" : names.joined(separator: " ")) --env \(directory) && tandem run --env \(directory)")
    }
}
