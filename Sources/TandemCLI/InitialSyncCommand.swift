import ArgumentParser
import Foundation
import TandemEngine

/// `tandem maps initial-sync NAME...`: bring existing rows into step before live sync.
struct InitialSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initial-sync",
        abstract: "Bring the rows that existed before capture into step, from a master side, then start live sync.",
        discussion: """
            Maps go in dependency order (parents first); their dependencies must already be
            in step or be named too. For each map: every master row is applied to the other
            side; where both sides have the key with different values the master's version
            is kept, and each such row is recorded as a conflict (policy initial-sync). For
            maps that sync both ways, the rows only the other side has are then applied to
            the master. Rows that fail (a missing parent, a refused value) go to the error
            list; `tandem errors retry --all --map NAME` reruns only those. Work goes in
            chunks in key order, each committed with its progress: a run that is killed
            resumes after its last finished chunk when started again. No row cap. The work
            runs in a child process that is started again if a plugin crashes it: the
            crashing row is found (the batch runs in halves) and goes to the error list
            with class plugin, and the rest goes on, as under `tandem run`.

            Maps made of plain column copies, constants and lookups take the bulk path:
            each chunk is copied by SQLite itself (INSERT … SELECT across ATTACH), and only
            the rows that need a decision (differing, edited meanwhile, missing a parent,
            refused) go one by one. Maps with plugin transforms take the row path.
            Into a PostgreSQL side every map takes the bulk path: each chunk is
            mapped and decided like live changes, and the rows the side lacks go
            in with one COPY. Into a SQLite side from PostgreSQL, rows go one by
            one. The progress says which path each map took. Initial sync's own
            writes are not recorded in the change logs; the applications' writes
            made meanwhile are, and live sync carries them afterwards.

            The maps are set to initializing while this runs (live sync leaves them alone;
            changes are captured) and to running afterwards (unless --no-run): live sync
            then replays every change made since this started.
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "The maps.") var names: [String]
    @Option(help: "erp or crm (default: each map's `master` setting).") var master: String?
    @Option(
        help: "Rows per chunk (transaction); default \(SyncEngine.initialSyncChunk) on the row path, \(SyncEngine.initialSyncBulkChunk) on the bulk path.")
    var chunk: Int?
    @Flag(help: "Leave the maps initializing afterwards instead of starting live sync.") var noRun = false
    @Flag(help: "Apply every row like a live change, even where the bulk path could copy it.") var noBulk = false
    @OptionGroup var output: OutputOptions
    /// Set by the supervising `tandem maps initial-sync` on the process that does the work.
    @Flag(help: .hidden) var engineProcess = false

    func run() throws {
        let side = try master.map { text in
            guard let side = SideRole(rawValue: text) else { throw CLIError("--master must be erp or crm, not '\(text)'") }
            return side
        }
        guard (chunk ?? 1) > 0 else { throw CLIError("--chunk must be at least 1") }
        // Supervised as `tandem run` is (issue 17 §2): the work runs in a child process, started
        // again after a crash; it resumes after its last finished chunk, and the plugin call
        // journal narrows a crashing plugin's batch down to its row, which goes to the error list.
        guard engineProcess else {
            var supervisor = EngineSupervisor(
                arguments: Array(CommandLine.arguments.dropFirst()) + ["--engine-process"],
                directory: try? options.loadEnvironment().directory)
            supervisor.journal = PluginCallJournal.initialSyncFile
            supervisor.label = "initial sync process"
            supervisor.restartsOutsidePluginCalls = false
            let code = supervisor.run()
            if code != 0 { throw ExitCode(code) }
            return
        }
        let crash = EngineSupervisor.engineProcessStarted()
        try Self.perform(
            names: names, master: side, chunk: chunk, bulk: !noBulk, run: !noRun, json: output.json, options: options,
            containment: (journal: PluginCallJournal.initialSyncFile, crash: crash))
    }

    /// Runs initial sync of `names` (and starts them when `run`); `tandem maps run` uses it too.
    static func perform(
        names: [String], master side: SideRole?, chunk: Int?, bulk: Bool = true, run: Bool, json: Bool, options: EnvironmentOptions,
        quiet: Bool = false, containment: (journal: String, crash: String?)? = nil
    ) throws {
        let environment = try options.loadEnvironment()
        for name in names { try environment.requireMap(name) }
        let catalog = options.loadCatalog(environment)
        let resolved = try environment.resolveMaps(catalog)
        // Parents first.
        var ordered: [String] = []
        func visit(_ name: String) {
            guard !ordered.contains(name), let map = resolved.first(where: { $0.name == name }) else { return }
            for parent in map.map.dependsOn ?? [] where names.contains(parent) { visit(parent) }
            ordered.append(name)
        }
        names.forEach(visit)
        let state = try environment.openState()
        try EnvironmentHistory.record(environment, maps: resolved, state: state, actor: CLIActor.current)
        let current = try state.mapStates()
        for name in ordered {
            let now = current[name]?.state ?? .notRunning
            guard [.notRunning, .stopped, .initializing].contains(now) else {
                throw CLIError("map \(name) is \(now.rawValue); initial sync runs before live sync (`tandem maps stop \(name)` first)")
            }
        }
        try state.setStates(ordered, to: .initializing, actor: CLIActor.current)
        let engine = try SyncEngine(environment: environment, catalog: catalog, logger: options.makeLogger("tandem.engine"))
        if let containment {
            engine.containPluginCrashes(
                journal: try PluginCallJournal(directory: environment.directory, file: containment.journal),
                crashSignal: containment.crash)
            try engine.handleCrash()
        }
        let terminal = isatty(STDERR_FILENO) == 1 && !json
        var results: [SyncEngine.InitialSyncProgress] = []
        for name in ordered {
            var start = ContinuousClock.now
            var doneAtStart = 0
            var lastLine = ContinuousClock.now - .seconds(2)
            var lastPhase = ""
            let result = try engine.initialSync(map: name, master: side, chunk: chunk, bulk: bulk, actor: CLIActor.current) { progress in
                if progress.phase != lastPhase {
                    // Which path each phase took, once, on its own line; the rate counts from here.
                    if terminal, !lastPhase.isEmpty { printError("") }
                    lastPhase = progress.phase
                    start = ContinuousClock.now
                    doneAtStart = progress.done
                    if !json {
                        let path = progress.path == "skipped" ? "skipped" : "\(progress.path) path"
                        printError("\(name) [\(progress.phase)]: \(path)" + (progress.pathReason.map { " (\($0))" } ?? ""))
                    }
                }
                let now = ContinuousClock.now
                let finished = progress.done >= progress.total
                guard terminal || finished || now - lastLine >= .seconds(1) else { return }
                lastLine = now
                let elapsed = (now - start).components
                let seconds = max(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18, 0.001)
                let rate = Double(progress.done - doneAtStart) / seconds
                let eta = rate > 0 ? Double(max(progress.total - progress.done, 0)) / rate : 0
                let line = "\(name) [\(progress.phase)] \(progress.done)/\(progress.total) rows, \(Int(rate)) rows/s, ETA \(Int(eta)) s"
                    + (progress.resumed ? " (resumed)" : "")
                if terminal {
                    let width = 30
                    let filled = progress.total == 0 ? width : min(width, width * progress.done / progress.total)
                    FileHandle.standardError.write(
                        Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(line)\u{1B}[K".utf8))
                } else {
                    printError(line)
                }
            }
            if terminal { printError("") }
            results.append(result)
            if !json, !quiet {
                print(
                    "\(name): in step from the \(result.master) side; \(result.conflicts) row(s) differed (the \(result.master) version kept), \(result.errors) in the error list\(result.errors > 0 ? " (`tandem errors list --map \(name)`)" : "")")
                if let count = result.filteredOut, count > 0 {
                    // Not carried and no error: said here, where the rows were expected to arrive.
                    print(
                        "  \(count) row(s) of the \(result.master) side left out by \(result.filterOrigin ?? "its filter") (\(result.filter ?? "")): "
                            + "`tandem maps compare \(name)` names them, `tandem maps validate \(name)` finds NULLs and wrong case")
                }
            }
        }
        if run { try state.setStates(ordered, to: .running, actor: CLIActor.current) }
        if json { printJSON(results) }
    }
}
