import Foundation
import Logging
import TandemEngine
import TandemPluginHost

/// What the console does, on the engine's own operations: the same overview
/// as `tandem status`, the same lifecycle as `tandem maps pause` (through
/// ``MapLifecycleOperation``) and the same retry/discard as `tandem errors`
/// and resolution as `tandem conflicts resolve` (through
/// ``RequestSubmission``). Every answer is built from plain values
/// here, field by field, so that nothing the page does not need (and no
/// secret) is sent; every call blocks, so the server runs each off the pool.
struct ConsoleOperations: Sendable {
    /// The environment folder; tandem.yaml is read again for each request, so that an edit shows at once.
    let directory: String
    /// The plugins and map files, loaded once at start (loading runs plugin code: not once per click).
    let catalog: PluginCatalog
    /// The engine's logger, for a request carried out here when no engine runs.
    let logger: Logger

    /// The maps overview: what `tandem status` shows, one entry per map.
    struct MapsOverview: Encodable, Sendable {
        /// Whether an engine runs for the environment (a change waits for one).
        var engineRunning: Bool
        /// The maps, in tandem.yaml's order.
        var maps: [MapLine]
        /// Sides that could not be read now, with why: their figures are null, never zero.
        var unreadable: [SideLine]
    }

    /// One map of the overview.
    struct MapLine: Encodable, Sendable {
        /// The map id.
        var name: String
        /// Its state (`running`, `paused`, ...).
        var state: String
        /// Why it is in that state, when given.
        var reason: String?
        /// The maps it depends on.
        var dependsOn: [String]
        /// One entry per direction it syncs.
        var directions: [DirectionLine]
    }

    /// One direction of a map.
    struct DirectionLine: Encodable, Sendable {
        /// `erp-to-crm` or `crm-to-erp`.
        var direction: String
        /// Captured changes not applied yet; null when the side cannot be read.
        var queued: Int?
        /// Age of the oldest of them, in seconds.
        var lagSeconds: Double?
        /// Changes parked (waiting for a parent or after an error).
        var parked: Int?
        /// Changes applied per second over the engine's last second.
        var rate: Double
        /// The current error of this direction, as `tandem status` says it.
        var lastError: String?
    }

    /// A side that could not be read.
    struct SideLine: Encodable, Sendable {
        /// `erp` or `crm`.
        var side: String
        /// Why.
        var error: String
    }

    /// What a lifecycle action did.
    struct LifecycleAnswer: Encodable, Sendable {
        /// The state changes made, `{map, from, to}`.
        var transitions: [MapLifecycle.Transition]
        /// Dependencies started first (run with `withDependencies`).
        var started: [String]
        /// Maps that depend on this one and keep their state (without `withDependents`).
        var dependentsUnchanged: [String]
        /// Why some maps did not start (blocking findings), when some did not.
        var notStarted: String?
        /// Maps started for the first time with rows that live sync does not carry, and how many
        /// (the CLI offers initial sync here; the console says `tandem maps initial-sync` brings them).
        var rowsNotCarried: [String: Int]
        /// Whether a running engine will carry the change out now; else `tandem run` must start.
        var engineRunning: Bool
    }

    /// A page of the log.
    struct LogPage: Encodable, Sendable {
        /// The entries, newest first.
        var entries: [LogEntry]
        /// The cursor that pages on to older entries (`before=`), null at the end.
        var next: String?
    }

    /// The environment as tandem.yaml says now.
    func environment() throws -> TandemEnvironment {
        try TandemEnvironment(directory: directory)
    }

    /// Every secret of the config scrubbed from `text`.
    func scrub(_ text: String?, _ environment: TandemEnvironment) -> String? {
        text.map { SecretRedactor(secrets: environment.config.secrets).scrub($0) }
    }

    /// The maps overview.
    func maps() throws -> MapsOverview {
        let environment = try environment()
        // No filtered-row counts: the page does not show them, and each is a scan of a table.
        let report = try StatusReport.collect(environment, catalog: catalog, countFiltered: false)
        let parentWait = environment.config.engine.parentWaitSeconds
        return MapsOverview(
            engineRunning: report.engineRunning,
            maps: report.maps.map { map in
                MapLine(
                    name: map.name, state: map.state.rawValue, reason: scrub(map.reason, environment),
                    dependsOn: map.dependsOn,
                    directions: map.directions.map { direction in
                        DirectionLine(
                            direction: direction.direction.rawValue, queued: direction.queued,
                            lagSeconds: direction.lagSeconds,
                            parked: direction.parked, rate: direction.stats?.rate ?? 0,
                            lastError: scrub(direction.lastError(parentWait: parentWait), environment))
                    })
            },
            unreadable: report.unreadable.map {
                SideLine(side: $0.side.rawValue, error: scrub($0.error, environment) ?? "")
            })
    }

    /// Throws 404 when `name` is not a map of the environment.
    func requireMap(_ name: String, _ environment: TandemEnvironment) throws(ConsoleError) {
        let enabled = environment.config.maps.map(\.name)
        guard enabled.contains(name) else {
            throw ConsoleError(
                .notFound,
                "map '\(name)' is not enabled in this environment (enabled: \(enabled.joined(separator: ", ")))",
                hint: "GET /api/v1/maps lists the maps; add it to tandem.yaml to enable it")
        }
    }

    /// Runs, pauses, resumes or stops `name` as `actor`, the way `tandem maps ACTION NAME` does
    /// (without its questions: dependents keep their state unless asked for, and are named).
    func lifecycle(
        _ action: MapLifecycle.Action, map name: String, withDependents: Bool, withDependencies: Bool, actor: String
    ) throws -> LifecycleAnswer {
        let environment = try environment()
        try requireMap(name, environment)
        let operation = try MapLifecycleOperation.prepare(
            action, names: [name], all: false, withDependencies: withDependencies, environment: environment,
            catalog: catalog, actor: actor)
        try operation.refuseSidesGoneBack()
        let transitions = try operation.plan(including: withDependents)
        let fresh = try operation.neverSynced(transitions)
        try operation.apply(transitions)
        return LifecycleAnswer(
            transitions: transitions, started: operation.added,
            dependentsUnchanged: withDependents ? [] : operation.dependents,
            notStarted: operation.notStarted,
            rowsNotCarried: Dictionary(fresh.map { ($0.map, $0.rows) }) { first, _ in first },
            engineRunning: EnvironmentLock.isHeld(environment))
    }

    /// The parked changes, oldest first, as `tandem errors list` shows them.
    func errors(map: String?, errorClass: String?) throws -> [ErrorEntry] {
        let environment = try environment()
        var filter = ErrorList.Filter(map: map)
        if let map { try requireMap(map, environment) }
        if let errorClass {
            guard let parsed = ErrorClass(rawValue: errorClass) else {
                throw ConsoleError(
                    .badRequest, "'\(errorClass)' is not an error class",
                    hint: "use one of \(ErrorClass.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.errorClass = parsed
        }
        return try ErrorList.readableEntries(environment, filter: filter).entries.map { entry in
            var entry = entry
            entry.reason = scrub(entry.reason, environment) ?? ""
            return entry
        }
    }

    /// Retries or discards the parked change `id` as `actor`, the way `tandem errors retry|discard ID` does.
    func resolveError(
        _ action: OperatorRequest.Action, id text: String, actor: String
    ) throws -> [OperatorRequest.Result] {
        let environment = try environment()
        let id: ErrorID
        do { id = try ErrorID(parsing: text) } catch {
            throw ConsoleError(
                .badRequest, error.message, hint: "GET /api/v1/errors lists the entries and their ids (crm-12)")
        }
        // Checked before queuing: an unknown id changes nothing and says so as a 404.
        do { _ = try ErrorList.entry(environment, id: id) } catch {
            throw ConsoleError(
                .notFound, "there is no parked change \(id) (applied or discarded already?)",
                hint: "GET /api/v1/errors lists the current ones")
        }
        return try RequestSubmission.submit(
            OperatorRequest(action: action, ids: [id.description]), environment: environment, actor: actor,
            catalog: { catalog }, logger: logger)
    }

    /// A page of the merged log, newest first, older than `before`.
    func log(_ filter: LogFilter, limit: Int, before: String?) throws -> LogPage {
        let environment = try environment()
        for map in filter.maps { try requireMap(map, environment) }
        var cursor: LogCursor?
        if let before {
            do { cursor = try LogCursor(parsing: before) } catch {
                throw ConsoleError(
                    .badRequest, error.message, hint: "pass the `next` value of the previous page as before=")
            }
        }
        let page = try LogReader(environment).page(filter, limit: limit, before: cursor)
        let entries = page.entries.reversed().map { entry in
            var entry = entry
            entry.details = scrub(entry.details, environment)
            return entry
        }
        return LogPage(entries: entries, next: page.more ? entries.last?.cursor : nil)
    }
}
