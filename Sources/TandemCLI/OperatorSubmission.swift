import ArgumentParser
import Foundation
import TandemEngine

/// Hands an operator request to the engine: queued in the state database for
/// the running engine, or carried out here (holding the environment lock)
/// when none runs.
enum OperatorSubmission {
    /// Queues `request` as the CLI's user through ``RequestSubmission`` (the console's way too).
    static func submit(_ request: OperatorRequest, options: EnvironmentOptions) throws -> [OperatorRequest.Result] {
        let environment = try options.loadEnvironment()
        return try RequestSubmission.submit(
            request, environment: environment, actor: CLIActor.current,
            catalog: { options.loadCatalog(environment) }, logger: options.makeLogger("tandem.engine"))
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
