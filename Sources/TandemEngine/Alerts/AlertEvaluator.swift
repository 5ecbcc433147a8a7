import Foundation
import Logging

/// The thread that checks the alert rules while the engine runs: every
/// `check_interval_ms` it measures each rule on each of its maps with cheap
/// aggregate queries on connections of its own, so the applying thread never
/// waits for it.
///
/// A rule fires on a map when its condition becomes true and is re-armed when
/// the condition clears; which rule has fired on which map is kept in the
/// state database, so a restart neither repeats a notification nor forgets
/// to clear. Firing (with its notifications and its pause or stop) and
/// clearing are each one transaction with their activity entry.
final class AlertEvaluator: Sendable {
    private let thread: PeriodicThread

    /// Starts the thread.
    init(
        environment: String, rules: [AlertRule], maps: [AlertProbe.WatchedMap], sides: [SideRole: SideLocation],
        statePath: String,
        interval: Duration, logger: Logger
    ) throws {
        let worker = try Worker(
            environment: environment, rules: rules, maps: maps, sides: sides, statePath: statePath,
            logger: logger)
        // A side or the state database busy for longer than the timeout: check again next round.
        thread = PeriodicThread(
            name: "tandem-alerts", interval: interval, logger: logger, failure: "checking alert rules failed"
        ) { _ in try worker.check() }
    }

    /// Stops the thread after its current check.
    func stop() {
        thread.stop()
    }

    /// The evaluator's state: touched only by its thread once started
    /// (hence `@unchecked Sendable`: it crosses into the thread once).
    private final class Worker: @unchecked Sendable {
        let environment: String
        let rules: [AlertRule]
        let allMaps: [String]
        let state: StateStore
        let probe: AlertProbe
        let logger: Logger
        /// Rule → maps it has fired on and not cleared.
        var fired: [String: Set<String>]

        init(
            environment: String, rules: [AlertRule], maps: [AlertProbe.WatchedMap], sides: [SideRole: SideLocation],
            statePath: String,
            logger: Logger
        ) throws {
            self.environment = environment
            self.rules = rules
            allMaps = maps.map(\.name)
            state = try StateStore(path: statePath)
            try state.prepareAlertTables()
            try state.forgetAlerts(except: Set(rules.map(\.name)))
            fired = try state.firedAlerts()
            probe = try AlertProbe(sides: sides, state: state, maps: maps)
            self.logger = logger
        }

        func check() throws {
            probe.reset()
            let states = try state.mapStates()
            let now = StateStore.now
            for rule in rules {
                for map in rule.maps ?? allMaps {
                    let mapState = states[map]?.state ?? .notRunning
                    let reading = try measure(rule, map: map, state: mapState, now: now)
                    // Why a map failed is what the operator needs from a left-running notice.
                    let why = mapState == .failed ? states[map]?.reason : nil
                    let threshold = rule.kind == .leftRunning ? 1 : Double(rule.threshold)
                    let isTrue = reading.value >= threshold
                    let wasFired = fired[rule.name]?.contains(map) == true
                    if isTrue, !wasFired {
                        try fire(rule, map: map, reading: reading, state: mapState, reason: why)
                        fired[rule.name, default: []].insert(map)
                    } else if !isTrue, wasFired {
                        let details = "\(rule.conditionText): measured \(Self.text(reading.value, rule))"
                        // The subscribers heard it fire, so they hear it clear (with the value now).
                        let notice = notice(
                            "cleared", rule, map: map, reading: reading, actions: rule.notify.map { "notify \($0)" },
                            summary: "Tandem \(environment): rule \(rule.name) cleared on map \(map): \(details)")
                        try state.alertCleared(
                            rule: rule.name, map: map, details: details, notify: rule.notify, body: try notice.json())
                        fired[rule.name]?.remove(map)
                        logger.notice("alert \(rule.name) cleared on map \(map): \(details)")
                    }
                }
            }
        }

        private func measure(_ rule: AlertRule, map: String, state: MapState, now: Double) throws -> AlertProbe.Reading
        {
            let since = now - Double(rule.windowSeconds ?? 0) * 1000
            // A map never started has nothing in flight: its captured changes wait for `tandem maps run`.
            let started = state != .notRunning && state != .initializing
            switch rule.kind {
            case .errors: return try probe.errors(map: map, errorClass: rule.errorClass, since: since)
            case .conflicts: return try probe.conflicts(map: map, since: since)
            case .crashes: return try probe.crashes(map: map, since: since)
            case .lagSeconds: return started ? try probe.lagSeconds(map: map) : .init(value: 0)
            case .lagChanges: return started ? try probe.lagChanges(map: map) : .init(value: 0)
            case .queueDepth: return started ? try probe.queueDepth(map: map) : .init(value: 0)
            case .leftRunning: return .init(value: [.paused, .stopped, .failed].contains(state) ? 1 : 0)
            }
        }

        private func fire(
            _ rule: AlertRule, map: String, reading: AlertProbe.Reading, state mapState: MapState, reason: String?
        ) throws {
            let value = Self.text(reading.value, rule)
            let measured =
                rule.kind == .leftRunning
                ? "map is \(mapState.rawValue)" + (reason.map { ": \($0)" } ?? "") : "measured \(value)"
            let direction = reading.direction.map { " (\($0))" } ?? ""
            let actions = rule.actionTexts
            let details =
                "\(rule.conditionText): \(measured)\(direction)"
                + (actions.isEmpty ? "" : "; \(actions.joined(separator: ", "))")
            let notice = notice(
                "fired", rule, map: map, reading: reading, actions: actions,
                summary: "Tandem \(environment): rule \(rule.name) fired on map \(map): \(details)")
            let reason = "alert rule \(rule.name): \(rule.conditionText), \(measured)"
            let changed = try state.alertFired(
                rule: rule, map: map, value: reading.value, details: details, body: try notice.json(),
                actionReason: reason)
            logger.warning("alert \(rule.name) fired on map \(map): \(details)")
            if let action = rule.action, changed {
                logger.notice("map \(map): \(action == .pause ? "paused" : "stopped") by rule \(rule.name)")
            }
        }

        /// The JSON the subscriptions receive when `rule` fires or clears on `map`.
        private func notice(
            _ event: String, _ rule: AlertRule, map: String, reading: AlertProbe.Reading, actions: [String], summary: String
        ) -> AlertNotice {
            AlertNotice(
                event: event, environment: environment, rule: rule.name, map: map, condition: rule.kind.rawValue,
                conditionText: rule.conditionText,
                errorClass: rule.kind == .errors ? rule.errorClass?.rawValue ?? "any" : nil,
                windowSeconds: rule.windowSeconds, direction: reading.direction?.rawValue, value: reading.value,
                threshold: rule.kind == .leftRunning ? 1 : rule.threshold, actions: actions,
                time: Date().formatted(.iso8601), summary: summary)
        }

        /// Counts as whole numbers, seconds with one decimal.
        static func text(_ value: Double, _ rule: AlertRule) -> String {
            rule.kind == .lagSeconds ? String(format: "%.1f s", value) : String(Int(value.rounded()))
        }
    }
}
