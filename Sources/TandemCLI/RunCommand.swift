import ArgumentParser
import Foundation
import TandemEngine
import TandemMetrics

/// `tandem run`: the engine, until SIGINT or SIGTERM.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the sync engine for an environment until SIGINT or SIGTERM.",
        discussion: """
            Installs capture (idempotent), then applies every running map's changes both
            ways. Steer it while it runs with `tandem maps pause|resume|stop|run NAME` and
            watch it with `tandem status --watch`. One engine per environment: a second one
            is refused.

            The engine runs in a child process that `tandem run` starts again when
            it crashes (a plugin transform that segfaults): the row it crashed on
            is found and parked with class plugin, everything else goes on; after
            engine.plugin_crash_limit crashes the plugin's maps are failed.
            See docs/OPERATIONS.md, "A plugin that crashes the engine".

            With --metrics HOST:PORT (e.g. 127.0.0.1:9464; port 0 picks a free port,
            printed) it also serves GET /metrics in Prometheus text format. Every
            series has the labels map and direction (erp-to-crm, crm-to-erp):
              tandem_changes_applied_total   counter: changes written to the target
              tandem_changes_skipped_total   counter: consumed without a write
                                             (echoes, filtered out, conflicts lost)
              tandem_errors_total{class}     counter: changes parked by an error:
                                             application, plugin, conflict (manual);
                                             transient: engine passes that failed
              tandem_conflicts_total         counter: conflicts detected
              tandem_queue_depth             gauge: captured changes not consumed yet
                                             (grows while the map is paused)
              tandem_parked_changes          gauge: changes in the parking table
              tandem_lag_changes             gauge: queue depth + parked
              tandem_lag_seconds             gauge: age of the oldest queued change
              tandem_apply_latency_seconds   histogram: capture on the source to
                                             commit on the target, per change
            Counters move with each committed batch, gauges once a second.
            Scrape config and PromQL examples: docs/OPERATIONS.md.
            """)

    @OptionGroup var options: EnvironmentOptions

    @Option(
        name: .customLong("metrics"),
        help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics while the engine runs.", valueName: "HOST:PORT"))
    var metricsAddress: String?

    /// Set by the supervisor on the engine process it starts (see EngineSupervisor).
    @Flag(name: .customLong("engine-process"), help: .private)
    var engineProcess = false

    func validate() throws {
        if let metricsAddress {
            do { _ = try MetricsAddress(parsing: metricsAddress) } catch { throw ValidationError(error.message) }
        }
    }

    func run() throws {
        // `tandem run` supervises; the engine runs in a child process it starts again after a crash.
        guard engineProcess else {
            let directory = try? options.loadEnvironment().directory
            let code = EngineSupervisor(arguments: Array(CommandLine.arguments.dropFirst()) + ["--engine-process"], directory: directory).run()
            if code != 0 { throw ExitCode(code) }
            return
        }
        let crash = EngineSupervisor.engineProcessStarted()
        let environment = try options.loadEnvironment()
        let lock = try EnvironmentLock(environment)
        let catalog = options.loadCatalog(environment)
        var metricsServer: MetricsServer?
        if let metricsAddress {
            // Before the engine: it creates its metric objects against the bootstrapped backend.
            let registry = MetricsServer.bootstrapMetrics(
                help: Dictionary(EngineMetric.all.map { ($0.name, $0.help) }, uniquingKeysWith: { first, _ in first }))
            metricsServer = try MetricsServer.start(
                MetricsAddress(parsing: metricsAddress), registry: registry, logger: options.makeLogger("tandem.metrics"))
        }
        defer { metricsServer?.stop() }
        let signals = StopSignals()
        // A side's server that is down at start is waited for (status shows it), not a reason to exit.
        guard
            let engine = try SyncEngine.waitingForSides(
                environment: environment, catalog: catalog, logger: options.makeLogger("tandem.engine"),
                until: { signals.received })
        else {
            signals.cancel()
            printError("engine stopped before the sides could be reached")
            return
        }
        engine.containPluginCrashes(journal: try PluginCallJournal(directory: environment.directory), crashSignal: crash)
        if let metricsServer { printError("metrics at \(metricsServer.url)") }
        printError("engine running for \(environment.directory) (pid \(getpid())); Ctrl-C or SIGTERM stops it")
        try engine.run { signals.received }
        signals.cancel()
        metricsServer?.stop()
        withExtendedLifetime(lock) {}
        printError("engine stopped cleanly")
    }
}
