import Foundation
import GRDB

/// What `tandem alerts` shows: each rule of `tandem.yaml` with the maps it has
/// fired on (and not cleared), and the notification outbox. Read from the
/// state database, so it works with or without a running engine.
public struct AlertReport: Codable, Sendable {
    /// One rule and where it stands.
    public struct Rule: Codable, Sendable {
        /// The rule's name.
        public var name: String
        /// The condition in words, e.g. `application errors >= 10 within 15m`.
        public var condition: String
        /// The maps it watches (nil: every map).
        public var maps: [String]?
        /// What it does when it fires, e.g. `notify ops`, `pause`.
        public var actions: [String]
        /// The maps it has fired on and not cleared, oldest firing first.
        public var fired: [Firing]
    }

    /// A rule that fired on a map and has not cleared.
    public struct Firing: Codable, Sendable {
        /// The map.
        public var map: String
        /// When it fired (ms since the epoch).
        public var at: Double
        /// The value measured then.
        public var value: Double
    }

    /// One notification of the outbox.
    public struct Notification: Codable, Sendable {
        /// Its id in the outbox.
        public var id: Int64
        /// The subscription's name (never its URL).
        public var subscription: String
        /// The rule that sent it.
        public var rule: String
        /// The map the rule fired on.
        public var map: String?
        /// `pending` (to be tried, or retried at ``nextAt``), `delivered` or `failed` (given up).
        public var status: String
        /// Delivery attempts so far.
        public var attempts: Int
        /// When the rule fired (ms since the epoch).
        public var createdAt: Double
        /// When a pending notification is tried next (ms since the epoch).
        public var nextAt: Double?
        /// When it was delivered or given up.
        public var doneAt: Double?
        /// The last attempt's error, secrets redacted.
        public var lastError: String?
    }

    /// Every rule in the config's order.
    public var rules: [Rule]
    /// The newest notifications first (at most the limit asked for).
    public var notifications: [Notification]

    /// Reads the report of `environment`: its rules and at most `limit` notifications,
    /// only those with `status` when given.
    public static func load(_ environment: TandemEnvironment, status: String? = nil, limit: Int = 50) throws -> Self {
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
