import Foundation
import GRDB
package import TandemPluginHost

/// Notices what changed in an environment's setup since it was last loaded,
/// and writes it to the activity log: maps created and removed, settings and
/// map definitions changed (with before and after), plugins loaded and refused.
///
/// The last seen setup is kept in the state database as one flat snapshot
/// (setting → value) per subject: `environment`, and `map:NAME` (the map's
/// settings in `tandem.yaml`, its plugin's id and version, and the plugin's
/// definition of it). Comparing flat snapshots gives a readable diff without
/// knowing every setting: a new setting shows up by itself.
package enum EnvironmentHistory {
    /// Compares `environment` and its resolved `maps` with the last snapshot,
    /// logs each difference with `actor` (who noticed it), and stores the new one.
    /// The first load of an environment logs `map created` for each map.
    package static func record(
        _ environment: TandemEnvironment, maps: [ResolvedMap], state: StateStore, actor: String
    ) throws {
        var current: [String: [String: String]] = ["environment": environmentSettings(environment.config)]
        for map in maps { current["map:" + map.name] = try mapSettings(map, environment: environment) }
        try state.queue.write { db in
            try db.execute(
                sql:
                    "CREATE TABLE IF NOT EXISTS snapshots (subject TEXT PRIMARY KEY, body TEXT NOT NULL, at REAL NOT NULL)"
            )
            var stored: [String: [String: String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subject, body FROM snapshots") {
                stored[row[0]] =
                    (try? JSONDecoder().decode([String: String].self, from: Data((row[1] as String).utf8))) ?? [:]
            }
            for (subject, now) in current.sorted(by: { $0.key < $1.key }) {
                let map = subject.hasPrefix("map:") ? String(subject.dropFirst(4)) : nil
                if let before = stored[subject] {
                    guard before != now else { continue }
                    let event = map == nil ? ActivityEvent.configChanged : ActivityEvent.mappingChanged
                    try StateStore.log(db, actor: actor, map: map, event: event, details: diff(before, now))
                } else if let map {
                    let settings = ["plugin", "settings.direction", "settings.master"].compactMap { key in
                        now[key].map { "\(key) \($0)" }
                    }
                    try StateStore.log(
                        db, actor: actor, map: map, event: ActivityEvent.mapCreated,
                        details: settings.joined(separator: ", "))
                }
                let body = String(decoding: try canonical.encode(now), as: UTF8.self)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO snapshots (subject, body, at) VALUES (?, ?, ?)",
                    arguments: [subject, body, StateStore.now])
            }
            // Removed means gone from tandem.yaml: a map still enabled whose plugin did not load this
            // time is failed (and said so), not removed, and keeps its snapshot for when it loads again.
            let enabled = Set(environment.config.maps.map(\.name))
            for subject in stored.keys.sorted()
            where subject.hasPrefix("map:") && current[subject] == nil && !enabled.contains(String(subject.dropFirst(4))) {
                try StateStore.log(
                    db, actor: actor, map: String(subject.dropFirst(4)), event: ActivityEvent.mapRemoved,
                    details:
                        "no longer enabled in \(environment.configPath); its checkpoints, queued changes and history stay"
                )
                try db.execute(sql: "DELETE FROM snapshots WHERE subject = ?", arguments: [subject])
            }
        }
    }

    /// Logs each plugin `catalog` loaded and each file it refused, with the reason.
    package static func recordPlugins(_ catalog: PluginCatalog, state: StateStore, actor: String) throws {
        try state.queue.write { db in
            for plugin in catalog.plugins {
                try StateStore.log(
                    db, actor: actor, map: nil, event: ActivityEvent.pluginLoaded,
                    details: "\(plugin.id) \(plugin.version) from \(plugin.file)")
            }
            for refusal in catalog.refusals {
                try StateStore.log(
                    db, actor: actor, map: nil, event: ActivityEvent.pluginRefused,
                    details: "\(refusal.file): \(refusal.code): \(refusal.reason)")
            }
        }
    }

    /// The environment-wide settings, flat.
    static func environmentSettings(_ config: EnvironmentConfig) -> [String: String] {
        var result: [String: String] = [
            "name": config.name, "state": config.state, "plugins.bundled": String(config.plugins.bundled),
            "plugins.directories": config.plugins.directories.joined(separator: ", "),
            "engine.batch_size": String(config.engine.batchSize),
            "engine.poll_interval_ms": String(config.engine.pollIntervalMilliseconds),
            "engine.fallback_poll_ms": String(config.engine.fallbackPollMilliseconds),
            "engine.prune_interval_s": String(config.engine.pruneIntervalSeconds),
            "engine.busy_timeout_s": String(config.engine.busyTimeoutSeconds),
            "engine.transient_error_after_s": String(config.engine.transientErrorAfterSeconds),
            "engine.parent_wait_s": String(config.engine.parentWaitSeconds),
            "engine.applied_retention_h": String(config.engine.appliedRetentionHours),
            "engine.applied_retention_changes": String(config.engine.appliedRetentionChanges),
            "engine.plugin_crash_limit": String(config.engine.pluginCrashLimit),
            "engine.plugin_crash_window_s": String(config.engine.pluginCrashWindowSeconds),
            "engine.plugin_call_stuck_s": String(config.engine.pluginCallStuckSeconds),
            "log.retention_days": String(config.log.retentionDays),
            "log.conflict_retention_days": String(config.log.conflictRetentionDays),
        ]
        // Alert rules and subscriptions: what they do, never a URL or header value (the
        // activity log is readable by more people than tandem.yaml).
        if !config.alerts.rules.isEmpty { result["alerts.check_interval_ms"] = String(config.alerts.checkIntervalMilliseconds) }
        for rule in config.alerts.rules {
            result["alerts.\(rule.name)"] =
                rule.conditionText + " on " + (rule.maps?.joined(separator: ", ") ?? "every map")
                + (rule.actionTexts.isEmpty ? "" : " → " + rule.actionTexts.joined(separator: ", "))
        }
        for subscription in config.notifications {
            result["notifications.\(subscription.name)"] =
                SecretRedactor(secrets: subscription.secrets).scrub(subscription.description)
                + ", \(subscription.retry.attempts) attempts, timeout \(subscription.timeoutSeconds) s"
        }
        for (role, side) in config.sides {
            result["sides.\(role).name"] = side.name
            result["sides.\(role).endpoint"] = side.endpoint.rawValue
            switch side.endpoint {
            case .sqlite: result["sides.\(role).database"] = side.database
            case .postgresql:
                // The url never holds a password (the config refuses one); password_file is a path.
                result["sides.\(role).url"] = side.url
                result["sides.\(role).schema"] = side.schema ?? "public"
                if let file = side.passwordFile { result["sides.\(role).password_file"] = file }
            }
        }
        return result
    }

    /// One map's settings as written in the config, its plugin, and the plugin's definition, flat.
    static func mapSettings(_ map: ResolvedMap, environment: TandemEnvironment) throws -> [String: String] {
        let settings = environment.config.map(map.name) ?? map.settings
        var result: [String: String] = [
            "settings.direction": settings.direction.rawValue,
            "settings.master": settings.master.rawValue,
        ]
        // A plugin map keeps the key it always had, so that older snapshots compare without a spurious change.
        var source = map.source
        if case .override(let override, let base) = source {
            // The override's differences are in the definition below; this names the file that makes them.
            result["override"] = override.version.map { "\(override.name) \($0)" } ?? override.name
            source = base
        }
        switch source {
        case .plugin(let plugin): result["plugin"] = "\(plugin.id) \(plugin.version)"
        case .file(let file):
            result["map_file"] = "\(file.name) \(file.map.version)"
            if let publisher = file.publisher { result["publisher"] = publisher }
        case .override: break
        }
        if let policy = settings.conflictPolicy { result["settings.conflict_policy"] = policy.rawValue }
        if let filter = settings.filters?.erpToCrm { result["settings.filters.erp_to_crm"] = filter }
        if let filter = settings.filters?.crmToErp { result["settings.filters.crm_to_erp"] = filter }
        if let filter = settings.filtersSQL?.erpToCrm { result["settings.filters_sql.erp_to_crm"] = filter }
        if let filter = settings.filtersSQL?.crmToErp { result["settings.filters_sql.crm_to_erp"] = filter }
        for (column, policy) in settings.fieldPolicies { result["settings.field_policies.\(column)"] = policy.rawValue }
        // Only when set otherwise: a snapshot taken before the setting existed must not read as a change.
        if settings.outOfScope != .report { result["settings.out_of_scope"] = settings.outOfScope.rawValue }
        let definition = try JSONSerialization.jsonObject(with: canonical.encode(map.map), options: [.fragmentsAllowed])
        flatten(definition, path: "definition", into: &result)
        return result
    }

    private static func flatten(_ value: Any, path: String, into result: inout [String: String]) {
        switch value {
        case let object as [String: Any]:
            for (key, item) in object { flatten(item, path: "\(path).\(key)", into: &result) }
        case let array as [Any]:
            for (index, item) in array.enumerated() { flatten(item, path: "\(path)[\(index)]", into: &result) }
        case is NSNull:
            break
        default:
            // Numbers and booleans print as JSON does; text as is.
            result[path] = (value as? String) ?? String(describing: value)
        }
    }

    /// An encoder with sorted keys: the same value always gives the same text.
    private static var canonical: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `setting: before → after` for each setting that differs, most 30, in setting order.
    static func diff(_ before: [String: String], _ after: [String: String]) -> String {
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        var lines = changed.prefix(30).map { "\($0): \(before[$0] ?? "(unset)") → \(after[$0] ?? "(unset)")" }
        if changed.count > 30 { lines.append("and \(changed.count - 30) more") }
        return lines.joined(separator: "; ")
    }
}
