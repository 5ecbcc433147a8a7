import ArgumentParser
import Foundation
import TandemEngine

/// `tandem alerts list|notifications`.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "See the alert rules, which have fired, and the notifications they sent.",
        discussion: """
            Rules and subscriptions are set in tandem.yaml (alerts:, notifications:; see
            docs/OPERATIONS.md). The running engine checks the rules: a rule fires on a map
            once when its condition becomes true (activity entry 'alert fired', its
            notifications, its pause or stop) and is armed again when the condition clears
            ('alert cleared').

            list shows each rule and the maps it has fired on and not cleared.
            notifications shows the outbox: pending ones (with their next attempt),
            delivered ones and the ones given up after their last attempt, with the last
            error. A subscription is shown by its name, never by its URL.
            """,
        subcommands: [List.self, Notifications.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the alert rules and the maps each has fired on.")

        @OptionGroup var options: EnvironmentOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            let report = try AlertReport.load(environment, limit: 0)
            if output.json { return printJSON(report.rules) }
            guard !report.rules.isEmpty else {
                return print("no alert rules; add some under alerts: in \(environment.configPath) (see docs/OPERATIONS.md)")
            }
            print(
                renderTable(
                    header: ["RULE", "CONDITION", "MAPS", "ACTIONS", "FIRED ON"],
                    rows: report.rules.map { rule in
                        [
                            rule.name, rule.condition, rule.maps?.joined(separator: ", ") ?? "every map",
                            rule.actions.isEmpty ? "-" : rule.actions.joined(separator: ", "),
                            rule.fired.isEmpty
                                ? "-"
                                : rule.fired.map { "\($0.map) (\(TimeFilter.ago($0.at)), measured \(Self.number($0.value)))" }
                                    .joined(separator: "; "),
                        ]
                    }))
        }

        static func number(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        }
    }

    struct Notifications: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the notifications the rules sent, newest first.")

        @OptionGroup var options: EnvironmentOptions
        @Option(help: "Only pending, delivered or failed ones.") var status: String?
        @Option(help: "At most this many.") var limit = 50
        @OptionGroup var output: OutputOptions

        func run() throws {
            if let status, !["pending", "delivered", "failed"].contains(status) {
                throw CLIError("--status must be pending, delivered or failed, not '\(status)'")
            }
            guard limit >= 1 else { throw CLIError("--limit must be at least 1, not \(limit)") }
            let environment = try options.loadEnvironment()
            let report = try AlertReport.load(environment, status: status, limit: limit)
            if output.json { return printJSON(report.notifications) }
            guard !report.notifications.isEmpty else { return print("no notifications" + (status.map { " \($0)" } ?? "")) }
            print(
                renderTable(
                    header: ["ID", "SUBSCRIPTION", "RULE", "MAP", "STATUS", "TRIES", "SENT", "NEXT / DONE", "LAST ERROR"],
                    rows: report.notifications.map {
                        [
                            String($0.id), $0.subscription, $0.rule, $0.map ?? "-", $0.status, String($0.attempts),
                            TimeFilter.ago($0.createdAt),
                            $0.nextAt.map { "next in \(max(0, Int(($0 - Date().timeIntervalSince1970 * 1000) / 1000))) s" }
                                ?? $0.doneAt.map { TimeFilter.ago($0) } ?? "-",
                            String(($0.lastError ?? "").prefix(100)),
                        ]
                    }))
        }
    }
}
