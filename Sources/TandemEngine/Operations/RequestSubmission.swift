import Foundation
package import Logging
package import TandemPluginHost

/// Hands an operator request (retry, discard, resolve, write) to the engine,
/// for the CLI and the console alike (issue 20: one way to do each thing):
/// queued in the state database for the running engine, or carried out here
/// (holding the environment lock) when none runs. Blocks until it is handled:
/// call it off Swift's cooperative pool.
package enum RequestSubmission {
    /// How long to wait for a running engine to handle the request.
    package static let timeout: Duration = .seconds(60)

    /// Queues `request` as `actor` and waits for its results; `catalog`
    /// is loaded only when no engine runs and the request is handled here.
    package static func submit(
        _ request: OperatorRequest, environment: TandemEnvironment, actor: String,
        catalog: () -> PluginCatalog, logger: Logger
    ) throws -> [OperatorRequest.Result] {
        if let map = request.map { try environment.requireMap(map) }
        let state = try environment.openState()
        let id = try state.enqueue(request, actor: actor)
        // No engine: handle it here. If one starts in between, the lock fails and that engine handles it.
        if !EnvironmentLock.isHeld(environment), let lock = try? EnvironmentLock(environment, as: .command) {
            let engine = try SyncEngine(environment: environment, catalog: catalog(), logger: logger)
            try engine.processPendingRequests()
            withExtendedLifetime(lock) {}
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let results = try state.results(of: id) { return results }
            guard ContinuousClock.now < deadline else {
                throw SyncError(
                    .state,
                    "the engine has not handled request \(id) within \(timeout); it stays queued and the engine will handle it. `tandem status` shows whether the engine is running"
                )
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}
