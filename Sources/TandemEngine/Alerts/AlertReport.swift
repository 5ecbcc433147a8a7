import Foundation
import GRDB

/// What `tandem alerts` shows: each rule of `tandem.yaml` with the maps it has
/// fired on (and not cleared), and the notification outbox. Read from the
/// state database, so it works with or without a running engine.
package struct AlertReport: Codable, Sendable {
    /// One rule and where it stands.
    package struct Rule: Codable, Sendable {
        /// The rule's name.
        package var name: String
        /// The condition in words, e.g. `application errors >= 10 within 15m`.
        package var condition: String
        /// The maps it watches (nil: every map).
        package var maps: [String]?
        /// What it does when it fires, e.g. `notify ops`, `pause`.
        package var actions: [String]
        /// The maps it has fired on and not cleared, oldest firing first.
        package var fired: [Firing]
    }

    /// A rule that fired on a map and has not cleared.
    package struct Firing: Codable, Sendable {
        /// The map.
        package var map: String
        /// When it fired (ms since the epoch).
        package var at: Double
        /// The value measured then.
        package var value: Double
    }

    /// One notification of the outbox.
    package struct Notification: Codable, Sendable {
        /// Its id in the outbox.
        package var id: Int64
        /// The subscription's name (never its URL).
        package var subscription: String
        /// The rule that sent it.
        package var rule: String
        /// The map the rule fired on.
        package var map: String?
        /// `pending` (to be tried, or retried at ``nextAt``), `delivered` or `failed` (given up).
        package var status: String
        /// Delivery attempts so far.
        package var attempts: Int
        /// When the rule fired (ms since the epoch).
        package var createdAt: Double
        /// When a pending notification is tried next (ms since the epoch).
        package var nextAt: Double?
        /// When it was delivered or given up.
        package var doneAt: Double?
        /// The last attempt's error, secrets redacted.
        package var lastError: String?
    }

    /// Every rule in the config's order.
    package var rules: [Rule]
    /// The newest notifications first (at most the limit asked for).
    package var notifications: [Notification]

    /// Reads the report of `environment`: its rules and at most `limit` notifications,
    /// only those with `status` when given.
    package static func load(_ environment: TandemEnvironment, status: String? = nil, limit: Int = 50) throws -> Self {
        let state = try environment.openState()
        return try state.queue.read { db in
            let hasTables = try db.tableExists("alert_state") && db.tableExists("notifications")
            var firings: [String: [Firing]] = [:]
            if hasTables {
                for row in try Row.fetchAll(db, sql: "SELECT rule, map, fired_at, value FROM alert_state ORDER BY fired_at") {
                    firings[row[0], default: []].append(Firing(map: row[1], at: row[2], value: row[3]))
                }
            }
            let rules = environment.config.alerts.rules.map { rule in
                Rule(
                    name: rule.name, condition: rule.conditionText, maps: rule.maps, actions: rule.actionTexts,
                    fired: firings[rule.name] ?? [])
            }
            guard hasTables else { return Self(rules: rules, notifications: []) }
            let notifications = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, subscription, rule, map, status, attempts, created_at, next_at, done_at, last_error FROM notifications
                    WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2
                    """,
                arguments: [status, limit]
            ).map { row in
                Notification(
                    id: row[0], subscription: row[1], rule: row[2], map: row[3], status: row[4], attempts: row[5],
                    createdAt: row[6], nextAt: row[4] as String == "pending" ? row[7] : nil, doneAt: row[8], lastError: row[9])
            }
            return Self(rules: rules, notifications: notifications)
        }
    }
}
