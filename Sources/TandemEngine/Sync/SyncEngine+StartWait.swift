import Foundation
package import Logging
package import TandemPluginHost
import TandemPostgreSQL

/// Starting while a side's server is down: the engine waits for it instead
/// of exiting, as a service manager restarting `tandem run` in a loop would
/// otherwise have to (issue 15: "a server that is not up at start → a clear
/// error; the engine retries with backoff and `status` says it waits").
extension SyncEngine {
    /// The longest wait between two attempts to reach the sides.
    static let startRetryCap = Duration.seconds(30)

    /// An engine for `environment`, made as soon as its sides can be
    /// reached. While a side's server does not answer, the engine records
    /// an open incident (shown by `tandem status` and `tandem errors list`,
    /// counted by alert rules) and a heartbeat, logs each attempt and tries
    /// again after 1, 2, 4 … up to 30 s. Errors that waiting does not cure
    /// (a wrong password, a missing schema, a side of another environment)
    /// are thrown at once. Returns nil when `shouldStop` says so first.
    package static func waitingForSides(
        environment: TandemEnvironment, catalog: PluginCatalog, logger: Logger, until shouldStop: () -> Bool
    ) throws -> SyncEngine? {
        var delay = Duration.seconds(1)
        var incident: Int64?
        var state: StateStore?
        while true {
            do {
                let engine = try SyncEngine(environment: environment, catalog: catalog, logger: logger)
                if let incident {
                    // Logged as "transient error cleared", as when the sides come back while it runs.
                    try? engine.state.resolveIncident(incident)
                    logger.notice("the sides answer again; transient error engine-\(incident) cleared")
                }
                return engine
            } catch let error as PostgreSQLError where error.code == .notReachable || error.code == .connectionLost {
                let store = try state ?? environment.openState()
                state = store
                let message = "\(error.message); the engine waits for it, retrying with backoff (up to every 30 s)"
                if let open = incident {
                    try store.touchIncident(open, error: message)
                } else {
                    // Recorded as a start, so that `status` shows this process and its heartbeat.
                    try store.engineStarted(pid: ProcessInfo.processInfo.processIdentifier)
                    incident = try store.openIncident(
                        since: StateStore.now, error: message, maps: environment.config.maps.map(\.name))
                }
                try store.writeStats([])
                logger.error("cannot start yet: \(error.message); retrying in \(delay)")
                let wake = ContinuousClock.now + delay
                while ContinuousClock.now < wake {
                    if shouldStop() {
                        // Nothing waits any more: the incident is history (`tandem log` keeps it).
                        if let incident { try? store.resolveIncident(incident) }
                        try? store.engineStopped()
                        return nil
                    }
                    Thread.sleep(forTimeInterval: 0.1)
                }
                delay = min(delay * 2, startRetryCap)
            }
        }
    }
}
