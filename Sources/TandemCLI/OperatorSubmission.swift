import ArgumentParser
import Foundation
import TandemEngine

/// Hands an operator request to the engine: queued in the state database for
/// the running engine, or carried out here (holding the environment lock)
/// when none runs.
enum OperatorSubmission {
    /// How long to wait for a running engine to handle the request.
    static let timeout: Duration = .seconds(60)

    static func submit(_ request: OperatorRequest, options: EnvironmentOptions) throws -> [OperatorRequest.Result] {
        let environment = try options.loadEnvironment()
        if let map = request.map { try environment.requireMap(map) }
        let state = try environment.openState()
        let id = try state.enqueue(request, actor: CLIActor.current)
        // No engine: handle it here. If one starts in between, the lock fails and that engine handles it.
        if !EnvironmentLock.isHeld(environment), let lock = try? EnvironmentLock(environment, as: .command) {
            let engine = try SyncEngine(
                environment: environment, catalog: options.loadCatalog(environment), logger: options.makeLogger("tandem.engine"))
            try engine.processPendingRequests()
            withExtendedLifetime(lock) {}
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let results = try state.results(of: id) { return results }
            guard ContinuousClock.now < deadline else {
                throw CLIError(
                    "the engine has not handled request \(id) within \(timeout); it stays queued and the engine will handle it. `tandem status` shows whether the engine is running")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Prints the results (as text, then `summary`); exits 1 when any entry failed or was refused.
    static func report(_ results: [OperatorRequest.Result], json: Bool, summary: String? = nil) throws {
        if json {
            printJSON(results)
        } else {
            for result in results {
                print("\(result.id): \(result.outcome)\(result.detail.map { " — \($0)" } ?? "")")
            }
            if let summary { print(summary) }
        }
        if results.contains(where: { $0.outcome == "failed" || $0.outcome == "refused" }) { throw ExitCode(1) }
    }
}
