import ArgumentParser
import Foundation
import TandemDemo
import TandemEngine
import TandemPluginHost

/// `tandem demo [DIR]`: the whole product on two SQLite files, in one command.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a full demo environment: standard maps, sample data, initial sync, live sync, a checked summary.",
        discussion: """
            1. Creates DIR with two SQLite sides and every standard map from the
               bundled plugins (reference data, parties and addresses, customers,
               vendors, products), their tables set up from the plugins' DDL.
            2. Writes sample data: companies and currencies, parties with several
               addresses (past, current and future-dated) and electronic addresses,
               customers, vendors, contacts and products with units and conversions,
               names in several scripts. The CRM side gets a few accounts of its own
               and a few that differ from the ERP's.
            3. Runs initial sync of every map in dependency order, with progress.
            4. Starts live sync and lets both applications write for --seconds,
               staging a conflict, a bad row, an edit on the CRM side of a one-way map
               and a new party with three addresses.
            5. Checks every map row by row and prints a summary: rows per side, in step
               or not, latency percentiles, conflicts and errors, and the commands to
               look closer.
            The environment stays: explore it with `tandem status --env DIR`, `tandem
            errors list`, `tandem conflicts list`, `tandem maps compare` and `sqlite3
            DIR/crm.sqlite`, or keep it syncing with `tandem run --env DIR`.

            --erp URL and --crm URL put a side on PostgreSQL instead
            (postgresql://USER@HOST:PORT/DB, the password from --password-file or
            PGPASSWORD): the demo makes the schema NAME_erp or NAME_crm there
            (--schema NAME, default tandem_demo), which must not exist yet.
            """)

    @Argument(help: "The folder to create (must not hold an environment yet).")
    var directory = "tandem-demo"

    @Option(help: "Customers to create (parties, addresses, vendors and products scale with them).")
    var customers = 2000

    @Option(help: "Seconds of live application writes.")
    var seconds = 5.0

    @Option(help: ArgumentHelp("Put the ERP side on this PostgreSQL database.", valueName: "URL"))
    var erp: String?

    @Option(help: ArgumentHelp("Put the CRM side on this PostgreSQL database.", valueName: "URL"))
    var crm: String?

    @Option(help: ArgumentHelp("Prefix of the schemas made there (default: tandem_demo).", valueName: "NAME"))
    var schema: String?

    @Option(help: ArgumentHelp("A file whose first line is the PostgreSQL password.", valueName: "FILE"))
    var passwordFile: String?

    @OptionGroup var plugins: PluginOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard customers >= 20 else { throw CLIError("--customers must be at least 20") }
        guard seconds >= 1 else { throw CLIError("--seconds must be at least 1") }
        guard !FileManager.default.fileExists(atPath: directory + "/tandem.yaml") else {
            throw CLIError("\(directory) already holds an environment; explore it (`tandem status --env \(directory)`), delete it, or name another folder: tandem demo OTHER")
        }
        let say: @Sendable (String) -> Void = { line in if !output.json { print(line) } else { printError(line) } }
        let catalog = plugins.loadCatalog()
        for refusal in catalog.refusals { printError("warning: \(refusal.description)") }
        let maps = try Self.standardMaps(catalog)
        let sides = try DemoSides(erp: erp, crm: crm, schema: schema, passwordFile: passwordFile)
        say("== 1. environment \(directory): \(sides.description), \(maps.count) standard maps")
        let environment = try TandemEnvironment.create(at: directory, maps: maps, catalog: catalog, sides: try sides.configs())
        say("   \(maps.joined(separator: ", "))")

        say("== 2. sample data")
        let started = ContinuousClock.now
        let counts = try DemoData.seed(environment, catalog: catalog, size: DemoData.Size(customers: customers)) { say("   \($0)") }
        say("   \(counts.values.reduce(0, +)) rows in \(String(format: "%.1f", (ContinuousClock.now - started).timeInterval)) s")

        say("== 3. initial sync, parents first, the ERP side as master")
        let options = try EnvironmentOptions.parse(["--env", environment.directory])
        try InitialSyncCommand.perform(
            names: maps, master: nil, chunk: SyncEngine.initialSyncChunk, run: true, json: false, options: options, quiet: output.json)

        say("== 4. live sync: both applications write for \(Int(seconds)) s")
        let live = try DemoLiveRun(environment: environment, catalog: catalog, log: { say("   \($0)") })
        let report = try live.run(seconds: seconds)
        for event in report.events { say("   staged \(event)") }

        if output.json { return printJSON(report) }
        print("== 5. summary (checked row by row: `tandem maps compare`)")
        print(Self.summary(report, directory: directory, crmLook: sides.lookCommand))
        let staged = report.stagedErrors.values.map(\.count).reduce(0, +)
        if report.asExpected {
            print(
                "\nEverything is in step\(staged > 0 ? "; \(staged) row\(staged == 1 ? "" : "s") wait\(staged == 1 ? "s" : "") in the error list, as staged (`tandem errors list --env \(directory)`)" : "").")
        } else {
            print("\nNot everything is in step: the rows marked NO above say which and why. This was not staged; `tandem maps compare --env \(directory)` names the keys and columns.")
        }
    }

    /// Every map of the bundled standard plugins, parents first.
    static func standardMaps(_ catalog: PluginCatalog) throws -> [String] {
        let maps = catalog.plugins.filter { $0.id.hasPrefix("tandem.std.") }.flatMap { $0.maps?.maps ?? [] }
        guard !maps.isEmpty else {
            throw CLIError(
                "the standard map plugins did not load (`tandem plugins list` shows what did); run the demo through ./tandem, which builds and stages them")
        }
        let byID = Dictionary(maps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var ordered: [String] = []
        func visit(_ id: String) {
            guard !ordered.contains(id), let map = byID[id] else { return }
            for parent in map.dependsOn ?? [] where parent != id { visit(parent) }
            ordered.append(id)
        }
        maps.map(\.id).sorted().forEach(visit)
        return ordered
    }

    static func summary(_ report: DemoLiveRun.Report, directory: String, crmLook: String? = nil) -> String {
        var lines: [String] = []
        lines.append(
            renderTable(
                header: ["MAP", "ERP ROWS", "CRM ROWS", "IN STEP", "NOTE"],
                rows: report.comparisons.map { result in
                    let (erp, crm) = result.direction == .erpToCrm ? (result.sourceRows, result.targetRows) : (result.targetRows, result.sourceRows)
                    var notes: [String] = []
                    if result.carried != result.sourceRows { notes.append("the filter carries \(result.carried) of the \(result.sourceRows) \(result.direction.source) rows") }
                    if result.differing > 0 { notes.append("\(result.differing) differ") }
                    if result.missing > 0 { notes.append("\(result.missing) missing on \(result.direction.target)") }
                    if result.onlyTarget > 0 { notes.append("\(result.onlyTarget) only on \(result.direction.target)") }
                    // A table several maps share (annotation): say which of its rows are this map's.
                    if result.otherMaps > 0 {
                        notes.append("\(result.otherMaps) of the \(result.direction.target) rows are other maps'")
                    }
                    if result.unmappable > 0 { notes.append("\(result.unmappable) cannot be mapped (error list)") }
                    if let keys = result.examples.values.first?.prefix(2) { notes.append("e.g. \(keys.joined(separator: "; "))") }
                    if report.differsOnlyAsStaged(result) {
                        let count = report.stagedErrors[result.map]?.count ?? 0
                        return [result.map, "\(erp)", "\(crm)", "yes", "\(count) waits in the error list, as staged"]
                    }
                    return [result.map, "\(erp)", "\(crm)", result.inStep ? "yes" : "NO", notes.joined(separator: ", ")]
                }))
        let written = report.written.sorted { $0.key > $1.key }.map { "\($0.value) on the \($0.key) side" }.joined(separator: ", ")
        lines.append("")
        lines.append("live: \(written) in \(String(format: "%.1f", report.seconds)) s; queues \(report.drained ? "empty" : "NOT empty after 120 s")")
        lines.append(
            String(
                format: "latency, commit on one side to commit on the other (%d changes): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                report.measured, report.latencyP50, report.latencyP95, report.latencyP99, report.latencyMax))
        lines.append("conflicts recorded: \(report.conflicts)   errors waiting: \(report.errors)")
        lines.append("")
        lines.append("look closer:")
        for command in [
            "tandem status --env \(directory)", "tandem conflicts list --env \(directory)", "tandem errors list --env \(directory)",
            "tandem maps compare --env \(directory)", crmLook ?? "sqlite3 \(directory)/crm.sqlite 'SELECT * FROM msdyn_postaladdress LIMIT 5'",
            "tandem run --env \(directory)   # keep syncing",
        ] {
            lines.append("  \(command)")
        }
        return lines.joined(separator: "\n")
    }
}
