import ArgumentParser
import Foundation
import TandemEngine

/// `tandem errors list|show|retry|discard`.
struct ErrorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "See, retry and discard the changes that could not be applied.",
        discussion: """
            A change that fails (a value that does not fit, a constraint the target
            refuses, a plugin error, a missing parent row) is parked on the side it was
            going to, with the reason; the other keys go on, and the later changes of the
            same key wait behind it, in order. IDs name the side that holds the entry:
            crm-12, erp-3.

            Classes: application (the data or config, such as a value a transform refuses:
            fix it, then retry), plugin (a transform failed, whatever the data), transient
            (a side stayed busy or failed to write; usually passes), conflict (waits for
            `tandem conflicts resolve`).

            A change waiting for its parent row (kind parent) applies by itself when the
            parent arrives. Once it has waited longer than engine.parent_wait_s in
            tandem.yaml (default 3600), it is listed as "parent, overdue" with what to
            check: the parent may never come (a reference in the wrong case, 'usd' for
            USD). Alert rules on errors of class application count it from then on.

            retry applies the change again together with the ones waiting behind it. When
            it fails again but a later change of the same key applies (you fixed the source
            row, which captured a newer version), the failed one is superseded by it and
            logged. discard drops the change (its content goes to the activity log) and
            lets the ones behind it go on; it works on a paused map too. Both are carried
            out by the running engine, or here when none runs.
            """,
        subcommands: [List.self, Show.self, Retry.self, Discard.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List parked changes, oldest first.")

        @OptionGroup var options: EnvironmentOptions
        @Option(help: "Only this map.") var map: String?
        @Option(help: ArgumentHelp("Only entries parked since then: 30s, 15m, 2h, 7d, or a date (2026-11-29, 2026-11-29T10:00:00Z).", valueName: "WHEN"))
        var since: String?
        @Option(name: .customLong("class"), help: "Only this class: application, plugin, transient, conflict.")
        var errorClass: String?
        @Flag(help: "Also list the changes that only wait behind an earlier one of their key.")
        var all = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            var filter = ErrorList.Filter(map: map, includeBehind: all)
            if let since { filter.since = try TimeFilter.milliseconds(since, option: "--since") }
            if let errorClass {
                guard let parsed = ErrorClass(rawValue: errorClass) else {
                    throw CLIError(
                        "'\(errorClass)' is not an error class; use one of \(ErrorClass.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter.errorClass = parsed
            }
            if let map { try environment.requireMap(map) }
            let (entries, unreadable) = try ErrorList.readableEntries(environment, filter: filter)
            // Said on stderr, so that --json stays the list: what could be read is still shown.
            for (role, why) in unreadable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                printError("the \(role) side's parked changes are not shown: \(why)")
            }
            if output.json { return printJSON(entries) }
            guard !entries.isEmpty else { return print("no parked changes") }
            print(
                renderTable(
                    header: ["ID", "MAP", "DIRECTION", "KEY", "CLASS", "KIND", "TRIES", "PARKED", "WAITING", "REASON"],
                    rows: entries.map {
                        [
                            $0.id, $0.map, $0.direction.rawValue, String($0.key.prefix(40)), $0.errorClass.rawValue,
                            $0.overdue == true ? "\($0.kind), overdue" : $0.kind,
                            String($0.attempts), TimeFilter.ago($0.parkedAt), String($0.waitingBehind), $0.reason,
                        ]
                    }, wrapLast: 60))
            print("\n\(entries.count) parked; `tandem errors show ID` for the change, `tandem errors retry ID` after fixing it")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one parked change: the reason and the change itself.")

        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "The entry, e.g. crm-12.") var id: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            let environment = try options.loadEnvironment()
            let entry = try ErrorList.entry(environment, id: ErrorID(parsing: id))
            if output.json { return printJSON(entry) }
            print("\(entry.id)  map \(entry.map), \(entry.direction.rawValue), \(entry.kind), class \(entry.errorClass.rawValue)")
            print("reason:   \(entry.reason)")
            print("change:   \(entry.direction.source):\(entry.sourceSeq) \(entry.operation) on \(entry.table), key \(entry.key)")
            print("parked:   \(TimeFilter.ago(entry.parkedAt)), tried \(entry.attempts) time(s)")
            if let row = entry.row {
                print("row:")
                for (column, value) in row.sorted(by: { $0.key < $1.key }) { print("  \(column) = \(value.prefix(200))") }
            }
            if let behind = entry.behind, !behind.isEmpty {
                print("waiting behind it: \(behind.joined(separator: ", "))")
            }
            print("retry: tandem errors retry \(entry.id)    discard: tandem errors discard \(entry.id)")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply parked changes again (with the ones waiting behind them).")

        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "Entries, e.g. crm-12 erp-3.") var ids: [String] = []
        @Flag(help: "Every parked change (with --map: of that map).") var all = false
        @Option(help: "With --all: only this map.") var map: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if ids.isEmpty != all { throw ValidationError("name the entries to retry (crm-12 ...) or pass --all, not both") }
            if map != nil, !all { throw ValidationError("--map goes with --all") }
        }

        func run() throws {
            let results = try OperatorSubmission.submit(
                OperatorRequest(action: .retry, ids: ids, all: all, map: map), options: options)
            try OperatorSubmission.report(results, json: output.json)
        }
    }

    struct Discard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop parked changes (their content goes to the activity log); the ones behind them go on.",
            discussion: """
                Works whatever the map's state: a map an alert paused keeps its errors
                until they are discarded. On a paused or stopped map the changes that
                waited behind a discarded one go on when it runs again, in order.

                Examples:
                  tandem errors discard crm-12 crm-13
                  tandem errors discard --all --map customers-accounts
                """)

        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "Entries, e.g. crm-12.") var ids: [String] = []
        @Flag(help: "Every parked change that `errors list` shows (with --map: of that map).") var all = false
        @Option(help: "With --all: only this map.") var map: String?
        @OptionGroup var output: OutputOptions

        /// Entries or --all, as `retry` takes them.
        func validate() throws {
            if ids.isEmpty != all { throw ValidationError("name the entries to discard (crm-12 ...) or pass --all, not both") }
            if map != nil, !all { throw ValidationError("--map goes with --all") }
        }

        func run() throws {
            let results = try OperatorSubmission.submit(
                OperatorRequest(action: .discard, ids: ids, all: all, map: map), options: options)
            let discarded = results.filter { $0.outcome == "discarded" }.count
            // The count: after --all it is what the operator checks against `errors list`.
            let summary = "discarded \(discarded) parked change(s)\(map.map { " of map \($0)" } ?? ""); their content stays in `tandem log`"
            try OperatorSubmission.report(results, json: output.json, summary: discarded > 0 ? summary : nil)
        }
    }
}
