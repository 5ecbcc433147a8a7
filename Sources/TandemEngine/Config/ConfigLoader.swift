import Foundation
import TandemDocuments
import TandemPostgreSQL
import Yams

/// Reads and validates `tandem.yaml`.
package enum ConfigLoader {
    /// Loads the config file at `path`.
    package static func load(path: String) throws(ConfigError) -> EnvironmentConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(
                file: path, path: "",
                reason: "cannot read the config file (\(error.localizedDescription)); `tandem init DIR` creates one")
        }
        return try parse(text, file: path)
    }

    /// Parses config text; `file` names it in errors.
    package static func parse(_ text: String, file: String) throws(ConfigError) -> EnvironmentConfig {
        let reader = YAMLReader(file: file)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, path: "", reason: "the file is empty; `tandem init DIR` writes a documented one")
            }
            root = composed
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw ConfigError(file: file, path: "", reason: "not valid YAML: \(error)")
        }
        let top = try reader.mapping(root, "", allowed: ["version", "name", "sides", "state", "plugins", "engine", "maps", "notifications", "alerts", "log"])
        var config = EnvironmentConfig(name: "", sides: [:])
        var sawVersion = false
        // Parsed after the loop: rules name maps and subscriptions, which may come later in the file.
        var alerting: [String: Node] = [:]
        for (key, node, keyNode) in top {
            switch key {
            case "version":
                config.version = try reader.integer(node, key, range: 1...1)
                sawVersion = true
            case "name": config.name = try reader.string(node, key)
            case "notifications", "alerts": alerting[key] = node
            case "state": config.state = try reader.string(node, key)
            case "sides":
                for (role, sideNode, _) in try reader.mapping(node, key, allowed: SideRole.allCases.map(\.rawValue)) {
                    config.sides[SideRole(rawValue: role)!] = try side(sideNode, "sides.\(role)", reader)
                }
                for role in SideRole.allCases where config.sides[role] == nil {
                    throw reader.error(keyNode, "sides", "side '\(role)' is missing; both erp and crm need an endpoint")
                }
            case "plugins":
                for (setting, value, _) in try reader.mapping(node, key, allowed: ["bundled", "directories", "settings"]) {
                    let place = "plugins.\(setting)"
                    if setting == "bundled" {
                        config.plugins.bundled = try reader.bool(value, place)
                    } else if setting == "settings" {
                        for (plugin, settings, _) in try reader.mapping(value, place, allowed: nil) {
                            config.plugins.isolation[plugin] = try isolation(settings, "\(place).\(plugin)", reader)
                        }
                    } else {
                        config.plugins.directories = try reader.sequence(value, place).enumerated().map {
                            (index, item) throws(ConfigError) in try reader.string(item, "\(place)[\(index)]")
                        }
                    }
                }
            case "engine":
                let allowed = [
                    "batch_size", "poll_interval_ms", "fallback_poll_ms", "prune_interval_s", "busy_timeout_s", "transient_error_after_s",
                    "applied_retention_h", "applied_retention_changes", "parent_wait_s", "plugin_crash_limit",
                    "plugin_crash_window_s", "plugin_call_stuck_s",
                ]
                for (setting, value, _) in try reader.mapping(node, key, allowed: allowed) {
                    let place = "engine.\(setting)"
                    switch setting {
                    case "batch_size": config.engine.batchSize = try reader.integer(value, place, range: 1...100_000)
                    case "poll_interval_ms": config.engine.pollIntervalMilliseconds = try reader.integer(value, place, range: 1...1000)
                    case "fallback_poll_ms":
                        config.engine.fallbackPollMilliseconds = try reader.integer(value, place, range: 1...3_600_000)
                    case "busy_timeout_s": config.engine.busyTimeoutSeconds = try reader.integer(value, place, range: 1...3600)
                    case "applied_retention_h": config.engine.appliedRetentionHours = try reader.integer(value, place, range: 0...8760)
                    case "applied_retention_changes":
                        config.engine.appliedRetentionChanges = try reader.integer(value, place, range: 0...1_000_000_000)
                    case "parent_wait_s":
                        config.engine.parentWaitSeconds = try reader.integer(value, place, range: 1...31_536_000)
                    case "plugin_crash_limit":
                        config.engine.pluginCrashLimit = try reader.integer(value, place, range: 1...1000)
                    case "plugin_crash_window_s":
                        config.engine.pluginCrashWindowSeconds = try reader.integer(value, place, range: 1...604_800)
                    case "plugin_call_stuck_s":
                        config.engine.pluginCallStuckSeconds = try reader.integer(value, place, range: 1...86_400)
                    case "transient_error_after_s":
                        config.engine.transientErrorAfterSeconds = try reader.integer(value, place, range: 1...86_400)
                    default: config.engine.pruneIntervalSeconds = try reader.integer(value, place, range: 1...86_400)
                    }
                }
            case "log": config.log = try LogSettings.parse(node, reader)
            default:
                var names: Set<String> = []
                for (index, item) in try reader.sequence(node, key).enumerated() {
                    let settings = try map(item, "maps[\(index)]", reader)
                    guard names.insert(settings.name).inserted else {
                        throw reader.error(item, "maps[\(index)].name", "map '\(settings.name)' is enabled twice")
                    }
                    config.maps.append(settings)
                }
            }
        }
        guard sawVersion else { throw reader.error(root, "version", "missing; write 'version: 1' at the top") }
        if config.sides.isEmpty { throw reader.error(root, "sides", "missing; name the erp and crm sides and their databases") }
        if config.name.isEmpty { config.name = "tandem" }
        try AlertConfigParser.parse(alerting, into: &config, reader)
        return config
    }

    /// One plugin's `isolation` and `call_timeout_ms`.
    private static func isolation(_ node: Node, _ path: String, _ reader: YAMLReader) throws(ConfigError) -> PluginIsolation {
        var result = PluginIsolation()
        var timeout: (value: Int, node: Node)?
        for (key, value, _) in try reader.mapping(node, path, allowed: ["isolation", "call_timeout_ms"]) {
            let place = "\(path).\(key)"
            if key == "isolation" {
                result.mode = try reader.choice(value, place, PluginIsolation.Mode.self)
            } else {
                timeout = (try reader.integer(value, place, range: 1...86_400_000), value)
            }
        }
        if let timeout {
            // An in-process call cannot be cut short: a limit there would promise what the engine cannot do.
            guard result.mode == .process else {
                throw reader.error(
                    timeout.node, "\(path).call_timeout_ms", "applies with 'isolation: process' only; add that, or remove call_timeout_ms")
            }
            result.callTimeoutMilliseconds = timeout.value
        }
        return result
    }

    private static func side(_ node: Node, _ path: String, _ reader: YAMLReader) throws(ConfigError) -> SideConfig {
        var side = SideConfig(name: "", database: "")
        var given: [String: Node] = [:]
        for (key, value, _) in try reader.mapping(
            node, path, allowed: ["name", "endpoint", "database", "url", "schema", "password_file"])
        {
            let place = "\(path).\(key)"
            given[key] = value
            switch key {
            case "name": side.name = try reader.string(value, place)
            case "endpoint": side.endpoint = try reader.choice(value, place, SideConfig.Endpoint.self)
            case "url": side.url = try reader.string(value, place)
            case "schema": side.schema = try reader.string(value, place)
            case "password_file": side.passwordFile = try reader.string(value, place)
            default: side.database = try reader.string(value, place)
            }
        }
        switch side.endpoint {
        case .sqlite:
            for key in ["url", "schema", "password_file"] {
                if let value = given[key] {
                    throw reader.error(
                        value, "\(path).\(key)",
                        "only a PostgreSQL side has \(key); set endpoint: postgresql, or leave \(key) out of a SQLite side")
                }
            }
            guard !side.database.isEmpty else {
                throw reader.error(
                    node, "\(path).database", "missing; give the side's SQLite file, e.g. 'database: erp.sqlite'")
            }
        case .postgresql:
            if let value = given["database"] {
                throw reader.error(
                    value, "\(path).database",
                    "a PostgreSQL side names its database in url (postgresql://USER@HOST:PORT/DATABASE), not in database")
            }
            guard let url = side.url else {
                throw reader.error(
                    node, "\(path).url", "missing; give the server, e.g. 'url: postgresql://tandem@localhost:5432/erp'")
            }
            do {
                // Checked here, so that a bad url is a config error at its line; the password is
                // read only when the side connects.
                _ = try PostgreSQLSideConfig(url: url, schema: side.schema ?? "public", environment: [:])
            } catch {
                // The endpoint's message starts with the setting it is about ("url: …", "schema: …").
                let setting = error.message.hasPrefix("schema:") ? "schema" : "url"
                let reason = error.message.dropFirst(setting.count + 1).drop(while: { $0 == " " })
                throw reader.error(given[setting] ?? node, "\(path).\(setting)", String(reason))
            }
        }
        if side.name.isEmpty { side.name = String(path.split(separator: ".").last!) }
        return side
    }

    private static func map(_ node: Node, _ path: String, _ reader: YAMLReader) throws(ConfigError) -> MapSettings {
        if case .scalar = node { return MapSettings(name: try reader.string(node, path)) }
        var settings = MapSettings(name: "")
        let allowed = [
            "name", "direction", "master", "conflict_policy", "field_policies", "filters", "filters_sql", "out_of_scope",
        ]
        for (key, value, _) in try reader.mapping(node, path, allowed: allowed) {
            let place = "\(path).\(key)"
            switch key {
            case "name": settings.name = try reader.string(value, place)
            case "direction": settings.direction = try reader.choice(value, place, MapDirection.self)
            case "master": settings.master = try reader.choice(value, place, SideRole.self)
            case "conflict_policy": settings.conflictPolicy = try reader.choice(value, place, ConflictPolicy.self)
            case "out_of_scope": settings.outOfScope = try reader.choice(value, place, OutOfScope.self)
            case "field_policies":
                guard case .mapping(let columns) = value else {
                    throw reader.error(value, place, "expected column: erp-wins | crm-wins | newest-wins")
                }
                for (column, policy) in columns {
                    let name = try reader.string(column, place)
                    let chosen = try reader.choice(policy, "\(place).\(name)", ConflictPolicy.self)
                    guard [.erpWins, .crmWins, .newestWins].contains(chosen) else {
                        throw reader.error(policy, "\(place).\(name)", "a column is won by erp-wins, crm-wins or newest-wins, not \(chosen.rawValue)")
                    }
                    settings.fieldPolicies[name] = chosen
                }
            case "filters_sql":
                // Raw SQL, run as written: admin-only (the console edits `filters`, never this key).
                var filters = Filters()
                for (direction, predicate, _) in try reader.mapping(value, place, allowed: ["erp_to_crm", "crm_to_erp"]) {
                    let text = try reader.string(predicate, "\(place).\(direction)")
                    if direction == "erp_to_crm" { filters.erpToCrm = text } else { filters.crmToErp = text }
                }
                settings.filtersSQL = filters
            default:
                var filters = Filters()
                for (direction, predicate, _) in try reader.mapping(value, place, allowed: ["erp_to_crm", "crm_to_erp"]) {
                    let text = try reader.string(predicate, "\(place).\(direction)")
                    let mark = Self.filterMark(predicate, text: text, path: "\(place).\(direction)", file: reader.file)
                    // Parsed when the map's plan is made (``MapFilter``), as its columns are checked
                    // then: a filter that does not parse fails its map alone, at its character.
                    settings.filterMarks["filters.\(direction)"] = mark
                    if direction == "erp_to_crm" { filters.erpToCrm = text } else { filters.crmToErp = text }
                }
                settings.filters = filters
            }
        }
        for direction in ["erp_to_crm", "crm_to_erp"] {
            /// The direction's member of `filters`.
            func pick(_ filters: Filters?) -> String? { direction == "erp_to_crm" ? filters?.erpToCrm : filters?.crmToErp }
            if pick(settings.filters) != nil, pick(settings.filtersSQL) != nil {
                throw reader.error(
                    node, "\(path).filters_sql.\(direction)",
                    "set either filters.\(direction) (the filter language) or filters_sql.\(direction) (raw SQL), not both")
            }
        }
        guard !settings.name.isEmpty else {
            throw reader.error(node, "\(path).name", "missing; give the map id a plugin provides (`tandem plugins list`)")
        }
        if !settings.fieldPolicies.isEmpty, settings.conflictPolicy != .merge {
            throw reader.error(node, "\(path).field_policies", "decide columns within a merge; set conflict_policy: merge")
        }
        return settings
    }

    /// Where the text of the filter scalar `node` starts, and whether a
    /// character's column can be counted from there (one line, no escapes).
    private static func filterMark(_ node: Node, text: String, path: String, file: String) -> FilterMark {
        let line = node.mark?.line ?? 1
        let column = node.mark?.column ?? 1
        guard case .scalar(let scalar) = node, !text.contains("\n") else {
            return FilterMark(file: file, path: path, line: line, column: column, oneLine: false)
        }
        let characters = Array(text)
        switch scalar.style {
        case .plain, .any:
            return FilterMark(file: file, path: path, line: line, column: column, oneLine: true)
        case .singleQuoted:
            // Each ' of the text is written '' in the file.
            let doubled = characters.indices.filter { characters[$0] == "'" }
            return FilterMark(file: file, path: path, line: line, column: column + 1, oneLine: true, doubled: doubled)
        case .doubleQuoted:
            let escaped = characters.indices.filter { characters[$0] == "\"" || characters[$0] == "\\" }
            return FilterMark(file: file, path: path, line: line, column: column + 1, oneLine: true, doubled: escaped)
        case .literal, .folded:
            return FilterMark(file: file, path: path, line: line, column: column, oneLine: false)
        }
    }

    /// A Yams error as a ``ConfigError`` at its line and column; map files (``MapFileReader``) are read with it too.
    static func yamlError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ConfigError(file: file, line: mark.line, column: mark.column, path: "", reason: "not valid YAML: \(what)")
        default:
            return ConfigError(file: file, path: "", reason: "not valid YAML: \(error)")
        }
    }
}
