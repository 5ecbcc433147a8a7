import Foundation
import TandemEngine
import Testing

/// `notifications:` and `alerts:` in tandem.yaml: what loads, and the errors
/// (file, line, setting, what to do) for what does not.
@Suite("Alert rules and notifications in tandem.yaml")
struct AlertConfigTests {
    static let base = """
        version: 1
        name: shop
        sides:
          erp: {database: erp.sqlite}
          crm: {database: crm.sqlite}
        maps:
          - sample.groups
          - sample.customers
        notifications:
          ops:
            webhook: https://alice:pw-123@hooks.example.com/services/T0/B0/tok3n?key=qv-secret
            headers:
              Authorization: Bearer hdr-s3cret
            retry: {attempts: 4, backoff_ms: 250, max_backoff_s: 10}
            timeout_s: 3
          pager:
            command: [/usr/local/bin/page, --team, data]
          audit:
            file: alerts.jsonl
        alerts:
          - name: customer-errors
            maps: [sample.customers]
            condition: errors
            class: application
            threshold: 10
            within: 15m
            notify: [ops, pager]
            action: pause
          - name: slow
            condition: lag-seconds
            threshold: 300
            notify: audit
          - name: left
            condition: left-running
            action: stop

        """

    @Test(
        "Subscriptions (webhook with headers and retry, command, file) and rules of every kind load with their settings"
    )
    func valid() throws {
        let config = try ConfigLoader.parse(Self.base, file: "tandem.yaml")
        #expect(config.notifications.map(\.name) == ["ops", "pager", "audit"])
        let ops = config.notifications[0]
        guard case .webhook(let url, let headers) = ops.target else {
            Issue.record("ops is not a webhook: \(ops)")
            return
        }
        #expect(url.host == "hooks.example.com")
        #expect(headers == ["Authorization": "Bearer hdr-s3cret"])
        #expect(
            ops.retry
                == NotificationSubscription.RetryPolicy(attempts: 4, backoffMilliseconds: 250, maxBackoffSeconds: 10))
        #expect(ops.timeoutSeconds == 3)
        #expect(ops.retry.delay(afterFailures: 1) == 250)
        #expect(ops.retry.delay(afterFailures: 3) == 1000)
        #expect(ops.retry.delay(afterFailures: 10) == 10_000)
        #expect(config.notifications[1].target == .command(["/usr/local/bin/page", "--team", "data"]))
        #expect(config.notifications[2].target == .file("alerts.jsonl"))

        #expect(config.alerts.checkIntervalMilliseconds == 1000)
        let rules = config.alerts.rules
        #expect(rules.map(\.name) == ["customer-errors", "slow", "left"])
        #expect(
            rules[0]
                == AlertRule(
                    name: "customer-errors", maps: ["sample.customers"], kind: .errors, errorClass: .application,
                    threshold: 10,
                    windowSeconds: 900, notify: ["ops", "pager"], action: .pause))
        #expect(rules[0].conditionText == "application errors >= 10 within 15m")
        #expect(rules[0].actionTexts == ["notify ops", "notify pager", "pause"])
        #expect(rules[1] == AlertRule(name: "slow", kind: .lagSeconds, threshold: 300, notify: ["audit"]))
        #expect(rules[2] == AlertRule(name: "left", kind: .leftRunning, action: .stop))

        // The second form: a check interval and the rules under `rules:`.
        let mapped = Self.base.replacingOccurrences(
            of: "alerts:\n  - name: customer-errors",
            with: "alerts:\n check_interval_ms: 250\n rules:\n  - name: customer-errors")
        let other = try ConfigLoader.parse(mapped, file: "tandem.yaml")
        #expect(other.alerts.checkIntervalMilliseconds == 250)
        #expect(other.alerts.rules == rules)
    }

    @Test("A subscription's description hides the URL's user info, path and query, and the header values")
    func redactedDescription() throws {
        let config = try ConfigLoader.parse(Self.base, file: "tandem.yaml")
        let text = "\(config.notifications)"
        #expect(text.contains("ops (webhook https://hooks.example.com/***)"), "\(text)")
        for secret in ["alice", "pw-123", "tok3n", "qv-secret", "hdr-s3cret", "services"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        #expect(SecretRedactor.redact(URL(string: "http://127.0.0.1:8080/")!) == "http://127.0.0.1:8080/")
        #expect(
            SecretRedactor.redact(URL(string: "http://127.0.0.1:8080/hook?token=abc")!) == "http://127.0.0.1:8080/***")
        let redactor = SecretRedactor(secrets: ["tok3n", "hdr-s3cret"])
        #expect(redactor.scrub("GET /x/tok3n failed with hdr-s3cret") == "GET /x/*** failed with ***")
    }

    static func replacing(_ old: String, _ new: String) -> String {
        precondition(base.contains(old), old)
        return base.replacingOccurrences(of: old, with: new)
    }

    @Test(
        "Bad alert settings name file, line, setting and what to do",
        arguments: [
            (
                replacing("notify: [ops, pager]", "notify: [ops, pagr]"),
                "tandem.yaml:27:19: alerts[0].notify[1]: no subscription 'pagr' under notifications: (defined: ops, pager, audit); add it there or fix the name"
            ),
            (
                replacing("class: application", "class: data"),
                "tandem.yaml:24:12: alerts[0].class: 'data' is not an error class; use one of application, transient, conflict, plugin or any"
            ),
            (
                replacing("    threshold: 300\n", ""),
                "tandem.yaml:29:5: alerts[1].threshold: missing; give the number of seconds at which the rule fires, e.g. 'threshold: 10' (fires at 10 or more)"
            ),
            (
                replacing("within: 15m", "within: 15 minutes"),
                "tandem.yaml:26:13: alerts[0].within: '15 minutes' is not a duration; write a whole number and a unit: 90s, 15m, 2h or 1d"
            ),
            (replacing("within: 15m", "within: 0m"), "alerts[0].within: '0m' is not a duration"),
            (
                replacing("    within: 15m\n", ""),
                "alerts[0].within: missing; give the window to count in, e.g. 'within: 15m'"
            ),
            (
                replacing("maps: [sample.customers]", "maps: [sample.custmers]"),
                "tandem.yaml:22:12: alerts[0].maps[0]: map 'sample.custmers' is not enabled in this environment (enabled: sample.groups, sample.customers); fix the name or add the map under maps:"
            ),
            (
                replacing("condition: lag-seconds", "condition: lag"),
                "tandem.yaml:30:16: alerts[1].condition: 'lag' is not one of errors, lag-seconds, lag-changes, queue-depth, conflicts, left-running, crashes"
            ),
            (
                replacing("    condition: left-running\n", "    condition: left-running\n    threshold: 1\n"),
                "alerts[2].threshold: 'condition: left-running' takes no threshold; remove it"
            ),
            (
                replacing("    threshold: 300\n", "    threshold: 300\n    class: plugin\n"),
                "alerts[1].class: only 'condition: errors' takes a class; remove it"
            ),
            (replacing("action: stop", "action: reboot"), "alerts[2].action: 'reboot' is not one of pause, stop"),
            (
                replacing("  - name: slow", "  - name: left"),
                "alerts[2].name: rule 'left' is defined twice; give each rule its own name"
            ),
            (replacing("  - name: slow\n", "  - \n"), "alerts[1].name: missing; name the rule"),
            (
                replacing(
                    "webhook: https://alice:pw-123@hooks.example.com/services/T0/B0/tok3n?key=qv-secret",
                    "webhook: ftp://alice:pw-123@hooks.example.com/tok3n"),
                "tandem.yaml:11:14: notifications.ops.webhook: 'ftp://hooks.example.com/***' is not an http or https URL; write e.g. https://hooks.example.com/path"
            ),
            (
                replacing("    file: alerts.jsonl\n", "    file: alerts.jsonl\n    command: [cat]\n"),
                "notifications.audit.command: a subscription has one target; use webhook, command or file, or make two subscriptions"
            ),
            (
                replacing("    file: alerts.jsonl\n", "    headers: {X: y}\n    file: alerts.jsonl\n"),
                "notifications.audit.headers: headers go with a webhook; remove them or use 'webhook: URL'"
            ),
            (
                replacing("    file: alerts.jsonl\n", "    timeout_s: 5\n"),
                "notifications.audit: no target; give one of 'webhook: URL', 'command: [PROGRAM, ARG...]' or 'file: PATH'"
            ),
            (
                replacing("attempts: 4", "attempts: 0"),
                "notifications.ops.retry.attempts: 0 is out of range; use 1...100"
            ),
            (replacing("retry: {", "retry: {tries: 3, "), "notifications.ops.retry.tries: unknown setting 'tries'"),
        ])
    func errors(_ text: String, _ expected: String) {
        #expect {
            try ConfigLoader.parse(text, file: "tandem.yaml")
        } throws: { error in
            let message = "\(error)"
            // Whatever is wrong, the webhook's secrets stay out of the message.
            return message.contains(expected) && !message.contains("pw-123") && !message.contains("tok3n")
        }
    }
}
