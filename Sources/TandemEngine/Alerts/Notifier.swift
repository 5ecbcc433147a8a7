import Foundation
import Logging

/// The thread that delivers notifications from the outbox in the state
/// database: off the sync thread, each retried with exponential backoff up to
/// its subscription's attempts. A notification still pending when the engine
/// stops is delivered by the next engine (at least once).
final class Notifier: Sendable {
    /// How often the outbox is looked at for new rows (the alert checker
    /// writes them) when nothing is due sooner.
    static let outboxInterval = Duration.milliseconds(250)

    private let signal = StopSignal()

    /// Starts the thread.
    init(
        subscriptions: [NotificationSubscription], environmentDirectory: String, statePath: String, logger: Logger
    ) throws {
        let state = try StateStore(path: statePath)
        try state.prepareAlertTables()
        let byName = Dictionary(subscriptions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let signal = self.signal
        let thread = Thread {
            var reported = false
            var backoff = Duration.milliseconds(100)
            while !signal.isStopped {
                var due: [StateStore.PendingNotification] = []
                do {
                    due = try state.dueNotifications()
                    for notification in due where !signal.isStopped {
                        try Self.deliver(
                            notification, byName[notification.subscription], environmentDirectory, state, logger)
                    }
                    reported = false
                    backoff = .milliseconds(100)
                } catch {
                    if !reported { logger.warning("delivering notifications failed, retrying: \(error)") }
                    reported = true
                    // The outbox could not be read or updated (the state database busy, full or
                    // read-only): a notification sent but not marked would be sent again at once,
                    // so wait, longer each time, before the next round.
                    signal.wait(until: .now + backoff)
                    backoff = min(backoff * 2, .seconds(30))
                    continue
                }
                // A round that found some may have left more due at once. Otherwise sleep (a
                // retry falls due at most this late); a stop wakes the thread at once.
                if due.isEmpty { signal.wait(until: .now + Self.outboxInterval) }
            }
        }
        thread.name = "tandem-notifier"
        thread.start()
    }

    private static func deliver(
        _ notification: StateStore.PendingNotification, _ subscription: NotificationSubscription?, _ directory: String,
        _ state: StateStore, _ logger: Logger
    ) throws {
        guard let subscription else {
            try state.notificationAttempted(
                notification, target: notification.subscription,
                error: "subscription '\(notification.subscription)' is no longer in tandem.yaml", retryAt: nil)
            return
        }
        let redactor = SecretRedactor(secrets: subscription.secrets)
        let target = redactor.scrub(subscription.description)
        guard
            let failure = NotificationSender.deliver(
                notification.body, to: subscription, environmentDirectory: directory)
        else {
            try state.notificationAttempted(notification, target: target, error: nil, retryAt: nil)
            logger.info("notification to \(target) delivered (rule \(notification.rule))")
            return
        }
        let error = redactor.scrub(failure)
        let failures = notification.attempts + 1
        if failures >= subscription.retry.attempts {
            try state.notificationAttempted(notification, target: target, error: error, retryAt: nil)
            logger.error("notification to \(target) failed \(failures) times, giving up: \(error)")
        } else {
            let delay = subscription.retry.delay(afterFailures: failures)
            try state.notificationAttempted(notification, target: target, error: error, retryAt: StateStore.now + delay)
            logger.warning(
                "notification to \(target) failed (attempt \(failures) of \(subscription.retry.attempts)), retrying in \(Int(delay)) ms: \(error)"
            )
        }
    }

    /// Stops the thread after its current delivery.
    func stop() {
        signal.stop()
    }

    deinit { stop() }
}
