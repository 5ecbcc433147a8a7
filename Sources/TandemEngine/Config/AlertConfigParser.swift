import Foundation
import Yams

/// Parses `tandem.yaml`'s `notifications:` and `alerts:` sections and checks
/// what they refer to (subscriptions, maps), with file, line and a fix in
/// every error.
enum AlertConfigParser {
    /// Parses the sections in `nodes` (by top-level key) into `config`; called
    /// once the maps are known, so that rules can be checked against them.
    static func parse(
        _ nodes: [String: Node], into config: inout EnvironmentConfig, _ reader: YAMLReader
    ) throws(ConfigError) {
        if let node = nodes["notifications"] { config.notifications = try notifications(node, reader) }
        if let node = nodes["alerts"] { config.alerts = try alerts(node, config, reader) }
    }

    // MARK: Notifications

    static func notifications(_ node: Node, _ reader: YAMLReader) throws(ConfigError) -> [NotificationSubscription] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return []
        }
        guard case .mapping(let entries) = node else {
            throw reader.error(
                node, "notifications",
                "expected named subscriptions (ops: {webhook: URL}), found \(reader.describe(node))")
        }
        var result: [NotificationSubscription] = []
        for (keyNode, value) in entries {
            let name = try reader.string(keyNode, "notifications")
            guard !result.contains(where: { $0.name == name }) else {
                throw reader.error(keyNode, "notifications.\(name)", "'\(name)' is set twice")
            }
            result.append(try subscription(name, value, reader))
        }
        return result
    }

    private static func subscription(
        _ name: String, _ node: Node, _ reader: YAMLReader
    ) throws(ConfigError) -> NotificationSubscription {
        let path = "notifications.\(name)"
        let settings = try reader.mapping(
            node, path, allowed: ["webhook", "headers", "command", "file", "retry", "timeout_s"])
        var target: NotificationSubscription.Target?
        var headers: [String: String]?
        var headersNode: Node?
        var retry = NotificationSubscription.RetryPolicy()
        var timeout = 10
        for (key, value, keyNode) in settings {
            let place = "\(path).\(key)"
            func setTarget(_ new: NotificationSubscription.Target) throws(ConfigError) {
                guard target == nil else {
                    throw reader.error(
                        keyNode, place,
                        "a subscription has one target; use webhook, command or file, or make two subscriptions")
                }
                target = new
            }
            switch key {
            case "webhook":
                let text = try reader.string(value, place)
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    ["http", "https"].contains(scheme),
                    url.host?.isEmpty == false
                else {
                    // The text may hold a token: never echo it whole.
                    throw reader.error(
                        value, place,
                        "'\(SecretRedactor.redact(text: text))' is not an http or https URL; write e.g. https://hooks.example.com/path"
                    )
                }
                try setTarget(.webhook(url: url, headers: [:]))
            case "headers":
                guard case .mapping(let pairs) = value else {
                    throw reader.error(
                        value, place,
                        "expected header names and values (Authorization: Bearer ...), found \(reader.describe(value))")
                }
                var parsed: [String: String] = [:]
                for (header, headerValue) in pairs {
                    let headerName = try reader.string(header, place)
                    guard case .scalar(let scalar) = headerValue, !scalar.string.isEmpty else {
                        throw reader.error(headerValue, "\(place).\(headerName)", "expected the header's value as text")
                    }
                    parsed[headerName] = scalar.string
                }
                headers = parsed
                headersNode = keyNode
            case "command":
                let argv: [String]
                if case .scalar = value {
                    argv = [try reader.string(value, place)]
                } else {
                    argv = try reader.sequence(value, place).enumerated().map { (index, item) throws(ConfigError) in
                        try reader.string(item, "\(place)[\(index)]")
                    }
                }
                guard !argv.isEmpty else {
                    throw reader.error(
                        value, place,
                        "empty; give the program and its arguments, e.g. [/usr/local/bin/page, --team, data]")
                }
                try setTarget(.command(argv))
            case "file":
                try setTarget(.file(try reader.string(value, place)))
            case "timeout_s":
                timeout = try reader.integer(value, place, range: 1...600)
            default:
                for (setting, number, _) in try reader.mapping(
                    value, place, allowed: ["attempts", "backoff_ms", "max_backoff_s"])
                {
                    let at = "\(place).\(setting)"
                    switch setting {
                    case "attempts": retry.attempts = try reader.integer(number, at, range: 1...100)
                    case "backoff_ms": retry.backoffMilliseconds = try reader.integer(number, at, range: 1...3_600_000)
                    default: retry.maxBackoffSeconds = try reader.integer(number, at, range: 1...86_400)
                    }
                }
            }
        }
        guard var target else {
            throw reader.error(
                node, path, "no target; give one of 'webhook: URL', 'command: [PROGRAM, ARG...]' or 'file: PATH'")
        }
        if let headers {
            guard case .webhook(let url, _) = target else {
                throw reader.error(
                    headersNode, "\(path).headers", "headers go with a webhook; remove them or use 'webhook: URL'")
            }
            target = .webhook(url: url, headers: headers)
        }
        return NotificationSubscription(name: name, target: target, retry: retry, timeoutSeconds: timeout)
    }

    // MARK: Alerts

    static func alerts(
        _ node: Node, _ config: EnvironmentConfig, _ reader: YAMLReader
    ) throws(ConfigError) -> AlertSettings {
        var settings = AlertSettings()
        var rulesNode = node
        var rulesPath = "alerts"
        // Either the list of rules, or {check_interval_ms: N, rules: [...]}.
        if case .mapping = node {
            rulesNode = Node("")
            for (key, value, _) in try reader.mapping(node, "alerts", allowed: ["check_interval_ms", "rules"]) {
                if key == "rules" {
                    rulesNode = value
                    rulesPath = "alerts.rules"
                } else {
                    settings.checkIntervalMilliseconds = try reader.integer(
                        value, "alerts.check_interval_ms", range: 50...3_600_000)
                }
            }
        }
        for (index, item) in try reader.sequence(rulesNode, rulesPath).enumerated() {
            let path = "\(rulesPath)[\(index)]"
            let parsed = try rule(item, path, config, reader)
            guard !settings.rules.contains(where: { $0.name == parsed.name }) else {
                throw reader.error(
                    item, "\(path).name", "rule '\(parsed.name)' is defined twice; give each rule its own name")
            }
            settings.rules.append(parsed)
        }
        return settings
    }

    private static let conditionHelp = AlertRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")

    private static func rule(
        _ node: Node, _ path: String, _ config: EnvironmentConfig, _ reader: YAMLReader
    ) throws(ConfigError) -> AlertRule {
        let allowed = ["name", "maps", "condition", "class", "threshold", "within", "notify", "action"]
        let settings = try reader.mapping(node, path, allowed: allowed)
        func entry(_ key: String) -> (node: Node, keyNode: Node)? {
            settings.first { $0.key == key }.map { ($0.node, $0.keyNode) }
        }
        guard let nameNode = entry("name")?.node else {
            throw reader.error(node, "\(path).name", "missing; name the rule (its activity entries say rule:<name>)")
        }
        let name = try reader.string(nameNode, "\(path).name")
        guard let conditionNode = entry("condition")?.node else {
            throw reader.error(node, "\(path).condition", "missing; say what the rule watches: one of \(conditionHelp)")
        }
        let kind = try reader.choice(conditionNode, "\(path).condition", AlertRule.Kind.self)
        var rule = AlertRule(name: name, kind: kind)

        if let (value, _) = entry("maps") {
            let enabled = config.maps.map(\.name)
            var names: [String] = []
            for (index, item) in try reader.sequence(value, "\(path).maps").enumerated() {
                let map = try reader.string(item, "\(path).maps[\(index)]")
                guard enabled.contains(map) else {
                    throw reader.error(
                        item, "\(path).maps[\(index)]",
                        "map '\(map)' is not enabled in this environment (enabled: \(enabled.joined(separator: ", "))); fix the name or add the map under maps:"
                    )
                }
                names.append(map)
            }
            guard !names.isEmpty else {
                throw reader.error(
                    value, "\(path).maps", "empty; name the maps to watch, or leave 'maps' out to watch every map")
            }
            rule.maps = names
        }

        if let (value, keyNode) = entry("class") {
            guard kind == .errors else {
                throw reader.error(keyNode, "\(path).class", "only 'condition: errors' takes a class; remove it")
            }
            let text = try reader.string(value, "\(path).class")
            if text != "any" {
                guard let errorClass = ErrorClass(rawValue: text) else {
                    throw reader.error(
                        value, "\(path).class",
                        "'\(text)' is not an error class; use one of \(ErrorClass.allCases.map(\.rawValue).joined(separator: ", ")) or any"
                    )
                }
                rule.errorClass = errorClass
            }
        }

        if let (value, keyNode) = entry("threshold") {
            guard kind != .leftRunning else {
                throw reader.error(
                    keyNode, "\(path).threshold", "'condition: left-running' takes no threshold; remove it")
            }
            rule.threshold = try reader.integer(value, "\(path).threshold", range: 1...Int(Int32.max))
        } else if kind != .leftRunning {
            let unit =
                switch kind {
                case .lagSeconds: "seconds"
                case .lagChanges, .queueDepth: "changes"
                case .conflicts: "conflicts"
                case .crashes: "crashes"
                default: "errors"
                }
            throw reader.error(
                node, "\(path).threshold",
                "missing; give the number of \(unit) at which the rule fires, e.g. 'threshold: 10' (fires at 10 or more)"
            )
        }

        let windowed = kind == .errors || kind == .conflicts || kind == .crashes
        if let (value, keyNode) = entry("within") {
            guard windowed else {
                throw reader.error(
                    keyNode, "\(path).within", "only errors, conflicts and crashes are counted within a window; remove it")
            }
            rule.windowSeconds = try duration(value, "\(path).within", reader)
        } else if windowed {
            throw reader.error(
                node, "\(path).within", "missing; give the window to count in, e.g. 'within: 15m' (s, m, h or d)")
        }

        if let (value, _) = entry("notify") {
            let known = config.notifications.map(\.name)
            let items: [Node] =
                if case .scalar = value { [value] } else { try reader.sequence(value, "\(path).notify") }
            for (index, item) in items.enumerated() {
                let subscription = try reader.string(item, "\(path).notify[\(index)]")
                guard known.contains(subscription) else {
                    let have = known.isEmpty ? "none are defined" : "defined: \(known.joined(separator: ", "))"
                    throw reader.error(
                        item, "\(path).notify[\(index)]",
                        "no subscription '\(subscription)' under notifications: (\(have)); add it there or fix the name"
                    )
                }
                rule.notify.append(subscription)
            }
        }
        if let (value, _) = entry("action") {
            rule.action = try reader.choice(value, "\(path).action", AlertRule.Action.self)
        }
        return rule
    }

    /// `90s`, `15m`, `2h`, `1d` → seconds.
    static func duration(_ node: Node, _ path: String, _ reader: YAMLReader) throws(ConfigError) -> Int {
        let text = try reader.string(node, path)
        let units = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[String($0)] }), let number = Int(text.dropLast()), number > 0 else {
            throw reader.error(
                node, path, "'\(text)' is not a duration; write a whole number and a unit: 90s, 15m, 2h or 1d")
        }
        return number * unit
    }
}
