import Foundation
import Logging

/// Alert rules and notifications for a running engine: the rule checker and
/// the notifier, each on a thread of its own, started only when tandem.yaml
/// has rules or subscriptions.
final class Alerting: Sendable {
    private let evaluator: AlertEvaluator?
    private let notifier: Notifier?

    /// Starts what `engine`'s config asks for.
    init(engine: SyncEngine) throws {
        let config = engine.environment.config
        let statePath = engine.state.path
        if config.alerts.rules.isEmpty {
            evaluator = nil
        } else {
            let maps = AlertProbe.WatchedMap.all(engine)
            evaluator = try AlertEvaluator(
                environment: config.name, rules: config.alerts.rules, maps: maps,
                sides: engine.locations, statePath: statePath,
                interval: .milliseconds(config.alerts.checkIntervalMilliseconds), logger: engine.logger)
        }
        notifier =
            config.notifications.isEmpty
            ? nil
            : try Notifier(
                subscriptions: config.notifications, environmentDirectory: engine.environment.directory,
                statePath: statePath,
                logger: engine.logger)
    }

    /// Stops both threads.
    func stop() {
        evaluator?.stop()
        notifier?.stop()
    }
}
