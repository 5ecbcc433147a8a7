import Foundation
import GRDB

/// What alert rules keep in the state database: which rule has fired on
/// which map (so that a restart neither repeats nor forgets a firing), and
/// the notification outbox (so that a pending notification survives a
/// restart and is retried from where it was).
extension StateStore {
    /// One notification waiting in the outbox.
    struct PendingNotification: Sendable {
        let id: Int64
        let subscription: String
        let rule: String
        let map: String?
        let body: String
        /// Delivery attempts made so far.
        let attempts: Int
    }

    /// Creates the alert tables; idempotent.
    func prepareAlertTables() throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS alert_state (
                        rule TEXT NOT NULL, map TEXT NOT NULL, fired_at REAL NOT NULL, value REAL NOT NULL, PRIMARY KEY (rule, map));
                    CREATE TABLE IF NOT EXISTS notifications (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, subscription TEXT NOT NULL, rule TEXT NOT NULL, map TEXT,
                        body TEXT NOT NULL, created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending', last_error TEXT, done_at REAL);
                    CREATE INDEX IF NOT EXISTS notifications_due ON notifications (next_at) WHERE status = 'pending';
                    """)
        }
    }

    /// Rule → the maps it has fired on and not cleared.
    func firedAlerts() throws -> [String: Set<String>] {
        try queue.read { db in
            var result: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule, map FROM alert_state") {
                result[row[0], default: []].insert(row[1])
            }
            return result
        }
    }

    /// Forgets firings of rules no longer in config.
    func forgetAlerts(except rules: Set<String>) throws {
        try queue.write { db in
            for rule in try String.fetchAll(db, sql: "SELECT DISTINCT rule FROM alert_state")
            where !rules.contains(rule) {
                try db.execute(sql: "DELETE FROM alert_state WHERE rule = ?", arguments: [rule])
            }
        }
    }

    /// Records that `rule` fired on `map`, in one transaction: the firing, its
    /// activity entry, one outbox row per subscription and the map action
    /// (only from a state it applies to; returns whether the map changed).
    @discardableResult
    func alertFired(
        rule: AlertRule, map: String, value: Double, details: String, body: String, actionReason: String
    ) throws -> Bool {
        let actor = "rule:\(rule.name)"
        return try queue.write { db in
            let now = Self.now
            // Once per firing: another evaluator (a second engine object in one process) that saw the
            // same condition finds the rule fired already and does nothing.
            try db.execute(
                sql: "INSERT INTO alert_state (rule, map, fired_at, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [rule.name, map, now, value])
            guard db.changesCount > 0 else { return false }
            try Self.log(db, actor: actor, map: map, event: "alert fired", details: details)
            for subscription in rule.notify {
                try db.execute(
                    sql:
                        "INSERT INTO notifications (subscription, rule, map, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [subscription, rule.name, map, body, now, now])
            }
            guard let action = rule.action else { return false }
            // Only from the states the operator's `tandem maps pause|stop` leaves from,
            // and never over a state an operator (or another rule) set meanwhile.
            let target: MapState = action == .pause ? .paused : .stopped
            let from: [MapState] = [.running, .resuming]
            try db.execute(
                sql: """
                    UPDATE maps SET state = ?, reason = ?, changed_at = ?, changed_by = ?
                    WHERE name = ? AND state IN (\(from.map { "'\($0.rawValue)'" }.joined(separator: ", ")))
                    """,
                arguments: [target.rawValue, actionReason, now, actor, map])
            guard db.changesCount > 0 else { return false }
            try Self.log(db, actor: actor, map: map, event: "state", details: "\(target.rawValue): \(actionReason)")
            return true
        }
    }

    /// Records that `rule`'s condition on `map` cleared: it is armed again, and
    /// the subscriptions in `notify` get `body`; one transaction, done once.
    func alertCleared(rule: String, map: String, details: String, notify: [String] = [], body: String = "") throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM alert_state WHERE rule = ? AND map = ?", arguments: [rule, map])
            guard db.changesCount > 0 else { return }
            try Self.log(db, actor: "rule:\(rule)", map: map, event: "alert cleared", details: details)
            let now = Self.now
            for subscription in notify {
                try db.execute(
                    sql:
                        "INSERT INTO notifications (subscription, rule, map, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [subscription, rule, map, body, now, now])
            }
        }
    }

    /// Outbox rows due now, oldest first.
    func dueNotifications(limit: Int = 20) throws -> [PendingNotification] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, subscription, rule, map, body, attempts FROM notifications
                    WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?
                    """,
                arguments: [Self.now, limit]
            ).map {
                PendingNotification(
                    id: $0[0], subscription: $0[1], rule: $0[2], map: $0[3], body: $0[4], attempts: $0[5])
            }
        }
    }

    /// Records a delivery attempt of notification `id`: delivered (`error` nil),
    /// to be retried at `retryAt` (ms), or given up (`retryAt` nil), with an
    /// activity entry when it is done either way. `error` and `target` must be redacted.
    func notificationAttempted(
        _ notification: PendingNotification, target: String, error: String?, retryAt: Double?
    ) throws {
        let attempts = notification.attempts + 1
        try queue.write { db in
            let now = Self.now
            let about = "\(target): rule \(notification.rule)\(notification.map.map { ", map \($0)" } ?? "")"
            if let error, let retryAt {
                try db.execute(
                    sql: "UPDATE notifications SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?",
                    arguments: [attempts, retryAt, error, notification.id])
            } else if let error {
                try db.execute(
                    sql:
                        "UPDATE notifications SET attempts = ?, status = 'failed', last_error = ?, done_at = ? WHERE id = ?",
                    arguments: [attempts, error, now, notification.id])
                try Self.log(
                    db, actor: "engine", map: notification.map, event: "notification failed",
                    details: "\(about): gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(error)")
            } else {
                try db.execute(
                    sql: "UPDATE notifications SET attempts = ?, status = 'delivered', done_at = ? WHERE id = ?",
                    arguments: [attempts, now, notification.id])
                try Self.log(
                    db, actor: "engine", map: notification.map, event: "notification delivered",
                    details: "\(about): attempt \(attempts)")
            }
        }
    }
}
