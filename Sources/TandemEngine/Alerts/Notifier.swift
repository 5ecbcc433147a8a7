import Foundation
import Logging
import Synchronization

/// The thread that delivers notifications from the outbox in the state
/// database: off the sync thread, each retried with exponential backoff up to
/// its subscription's attempts. A notification still pending when the engine
/// stops is delivered by the next engine (at least once).
final class Notifier: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// Starts the thread.
    init(
        subscriptions: [NotificationSubscription], environmentDirectory: String, statePath: String, logger: Logger
    ) throws {
        let state = try StateStore(path: statePath)
        try state.prepareAlertTables()
        let byName = Dictionary(subscriptions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let thread = Thread { [self] in
            var reported = false
            var backoff = 0.1
            while !stopped.load(ordering: .relaxed) {
                var due: [StateStore.PendingNotification] = []
                do {
                    due = try state.dueNotifications()
                    for notification in due where !stopped.load(ordering: .relaxed) {
                        try Self.deliver(
                            notification, byName[notification.subscription], environmentDirectory, state, logger)
                    }
                    reported = false
                    backoff = 0.1
                } catch {
                    if !reported { logger.warning("delivering notifications failed, retrying: \(error)") }
                    reported = true
                    // The outbox could not be read or updated (the state database busy, full or
                    // read-only): a notification sent but not marked would be sent again at once,
                    // so wait, longer each time, before the next round.
                    Thread.sleep(forTimeInterval: backoff)
                    backoff = min(backoff * 2, 30)
                    continue
                }
                if due.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
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
        stopped.store(true, ordering: .relaxed)
    }

    deinit { stop() }
}
